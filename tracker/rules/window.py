"""The window of years the department works in.

A date typed as 0001 or 9999, or a year parameter of 1024, is a typing mistake, never a plan: counted
through, it costs minutes of CPU (working days from year 1) or overflows ``date``. Every as-of date,
period and year parameter is checked against one window (2000–2100 unless configured otherwise) where it
is parsed, and refused with a Vietnamese message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

FIRST_YEAR = 2000
LAST_YEAR = 2100

_D = TypeVar("_D", date, int)


class OutOfWindow(ValueError):
    """A date or year outside the window; ``str(exc)`` is the message for the user."""


@dataclass(frozen=True)
class YearWindow:
    first: int = FIRST_YEAR
    last: int = LAST_YEAR

    def __post_init__(self) -> None:
        if not 1 <= self.first <= self.last <= 9999:
            raise ValueError(f"invalid year window {self.first}–{self.last}")

    def contains(self, value: date | int) -> bool:
        year = value.year if isinstance(value, date) else value
        return self.first <= year <= self.last

    def check(self, value: _D, what: str = "") -> _D:
        """``value`` unchanged when inside the window; otherwise :class:`OutOfWindow`."""
        if self.contains(value):
            return value
        if isinstance(value, date):
            shown, label = value.strftime("%d/%m/%Y") if value.year >= 1000 else value.isoformat(), what or "Ngày"
            span = f"01/01/{self.first} đến 31/12/{self.last}"
        else:
            shown, label = str(value), what or "Năm"
            span = f"{self.first} đến {self.last}"
        raise OutOfWindow(f"{label} {shown} nằm ngoài khoảng cho phép (từ {span}).")
