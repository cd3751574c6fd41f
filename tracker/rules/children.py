"""A nhiệm vụ with phần việc has no box of its own: its state is its children's roll-up.

A parent's own status, deadline and completion date are never updated as the work is done (the work is
recorded on the phần việc), so classifying the parent by them gives a box nobody would sign. The lists,
the task page and the API show instead how many of its leaf descendants were completed at the date in
view, out of how many are counted (cancelled ones left out, as in every figure), and how many are open
past their deadline: "3/5 phần việc hoàn thành, 1 quá hạn".
"""

from __future__ import annotations

from typing import NamedTuple

from tracker.rules.rollup import Counts
from tracker.rules.status import Box


def _number(n: int) -> str:
    # Vietnamese thousands separator: 1.234
    return f"{n:,}".replace(",", ".")


def rollup_sentence(completed: int, total: int, overdue: int) -> str:
    """``(3, 5, 1)`` -> ``"3/5 phần việc hoàn thành, 1 quá hạn"``; the overdue part only when there is one."""
    if total == 0:
        return "Các phần việc đều đã hủy"
    text = f"{_number(completed)}/{_number(total)} phần việc hoàn thành"
    return f"{text}, {_number(overdue)} quá hạn" if overdue else text


class ChildRollup(NamedTuple):
    """What a parent shows instead of a box, at one date."""

    completed: int
    total: int
    overdue: int

    @classmethod
    def of(cls, counts: Counts) -> ChildRollup:
        """From the roll-up of the parent's leaves (``tasks.queries.summarize`` for the same leaves)."""
        return cls(counts.completed, counts.total, counts[Box.OPEN_OVERDUE])

    @property
    def text(self) -> str:
        return rollup_sentence(self.completed, self.total, self.overdue)

    @property
    def css(self) -> str:
        """The offices' colours: red while any part is overdue, green when all are done, blue otherwise."""
        if self.overdue:
            return "danger"
        if self.total and self.completed == self.total:
            return "success"
        return "primary"

    def as_dict(self) -> dict[str, object]:
        return {"completed": self.completed, "total": self.total, "overdue": self.overdue, "text": self.text}
