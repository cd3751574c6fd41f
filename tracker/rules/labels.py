"""One base for enums that carry their Vietnamese label (and, where shown, a colour) with each member.

Declare a member as ``DONE = "done", "Hoàn thành"`` (value, label) or ``DONE = "done", "Hoàn thành",
"#1e7b34"`` (value, label, colour). The member *is* its value (a ``str``), so it is stored, compared and
serialised as before; ``member.label`` and ``member.colour`` replace the hand-written lookup properties.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self


class LabelledEnum(StrEnum):
    _label: str
    _colour: str | None

    def __new__(cls, value: str, label: str = "", colour: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        member._colour = colour
        return member

    @property
    def label(self) -> str:
        return self._label

    @property
    def colour(self) -> str | None:
        return self._colour

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field, in declaration order."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def _missing_(cls, value: Any) -> Self | None:
        return None
