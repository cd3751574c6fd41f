"""Counting the boxes into the figures of a report, and printing them as the offices print them.

Two rates are in use and a report must say which it shows:
* over all tasks: completed / total (seed 003: 41/47 = 87,23%);
* over tasks that have come due: completed with a deadline / (those + open past deadline), as the
  national reports count it; open tasks still within their deadline, and tasks without a deadline,
  are left out.
Rates are cut, not rounded, to two decimals (98,6297…% is printed 98,62%).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import NamedTuple

from tracker.rules.status import STANDING_BOX, Box, Standing


@dataclass(frozen=True)
class Counts:
    boxes: Mapping[Box, int] = field(default_factory=dict)
    awaiting_confirmation: int = 0
    extended: int = 0
    oldest_overdue: date | None = None  # the earliest deadline among the open overdue tasks

    def __getitem__(self, box: Box) -> int:
        return int(self.boxes.get(box, 0))

    @classmethod
    def from_boxes(cls, boxes: Iterable[Box | None], awaiting_confirmation: int = 0, extended: int = 0) -> Counts:
        tally: dict[Box, int] = {}
        for box in boxes:
            if box is not None:
                tally[box] = tally.get(box, 0) + 1
        return cls(tally, awaiting_confirmation=awaiting_confirmation, extended=extended)

    def __add__(self, other: Counts) -> Counts:
        boxes = {b: self[b] + other[b] for b in Box if self[b] or other[b]}
        oldest = min((d for d in (self.oldest_overdue, other.oldest_overdue) if d), default=None)
        return Counts(boxes, self.awaiting_confirmation + other.awaiting_confirmation, self.extended + other.extended, oldest)

    @property
    def total(self) -> int:
        return sum(self[b] for b in Box)

    @property
    def completed(self) -> int:
        return sum(self[b] for b in Box if b.completed)

    @property
    def completed_dated(self) -> int:
        return self[Box.DONE_ON_TIME] + self[Box.DONE_LATE]

    @property
    def come_due(self) -> int:
        return self.completed_dated + self[Box.OPEN_OVERDUE]

    @property
    def open(self) -> int:
        return self.total - self.completed

    @property
    def no_deadline(self) -> int:
        return self[Box.NO_DEADLINE_DONE] + self[Box.NO_DEADLINE_OPEN]

    @property
    def rate_all(self) -> Fraction | None:
        return Fraction(self.completed, self.total) if self.total else None

    @property
    def rate_due(self) -> Fraction | None:
        return Fraction(self.completed_dated, self.come_due) if self.come_due else None

    @property
    def rate_on_time(self) -> Fraction | None:
        """Completed on time over what has come due (the units' ranking)."""
        return Fraction(self[Box.DONE_ON_TIME], self.come_due) if self.come_due else None

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "completed": self.completed,
            "open": self.open,
            "done_on_time": self[Box.DONE_ON_TIME],
            "done_late": self[Box.DONE_LATE],
            "open_in_time": self[Box.OPEN_IN_TIME],
            "open_overdue": self[Box.OPEN_OVERDUE],
            "no_deadline_done": self[Box.NO_DEADLINE_DONE],
            "no_deadline_open": self[Box.NO_DEADLINE_OPEN],
            "awaiting_confirmation": self.awaiting_confirmation,
            "extended": self.extended,
            "rate_all": format_percent(self.rate_all),
            "rate_due": format_percent(self.rate_due),
        }


class StandingRow(NamedTuple):
    """Leaves of one group with one standing: how many, how many await confirmation, how many extended."""

    standing: Standing
    leaves: int
    pending: int = 0
    extended: int = 0


class LaterCompletion(NamedTuple):
    """Leaves of one group completed after the date counted at, by standing and whether their deadline
    had passed at that date: at that date they were still open."""

    standing: Standing
    past_due: bool
    leaves: int
    earliest_due: date | None = None
    pending: int = 0


def counts_at(
    rows: Iterable[StandingRow],
    open_past_due: int = 0,
    oldest_open: date | None = None,
    later: Iterable[LaterCompletion] = (),
) -> Counts:
    """The boxes at a date D from what the database counts cheaply: leaves by standing, the open ones
    whose deadline is before D (and the earliest such deadline), and the completions dated after D.

    The same answer as classifying every leaf with ``status.classify`` at D (a test checks it).
    """
    boxes: dict[Box, int] = dict.fromkeys(Box, 0)
    pending = extended = 0
    for row in rows:
        extended += row.extended
        if row.standing is Standing.OPEN:
            boxes[Box.OPEN_IN_TIME] += row.leaves - open_past_due
            boxes[Box.OPEN_OVERDUE] += open_past_due
        else:
            boxes[STANDING_BOX[row.standing]] += row.leaves
            pending += row.pending if row.standing.completed else 0
    oldest = oldest_open
    for late in later:
        if not late.standing.completed:
            continue
        boxes[STANDING_BOX[late.standing]] -= late.leaves
        pending -= late.pending
        if late.standing is Standing.UNDATED_DONE:
            boxes[Box.NO_DEADLINE_OPEN] += late.leaves
        elif late.past_due:
            boxes[Box.OPEN_OVERDUE] += late.leaves
            oldest = min((d for d in (oldest, late.earliest_due) if d), default=None)
        else:
            boxes[Box.OPEN_IN_TIME] += late.leaves
    return Counts(
        {b: n for b, n in boxes.items() if n},
        awaiting_confirmation=pending,
        extended=extended,
        oldest_overdue=oldest if boxes[Box.OPEN_OVERDUE] else None,
    )


def format_percent(rate: Fraction | None) -> str:
    """``Fraction(41, 47)`` -> ``"87,23"``: two decimals, cut not rounded, decimal comma."""
    if rate is None:
        return "–"
    value = (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return f"{value:.2f}".replace(".", ",")


def headline(counts: Counts, noun: str = "phần việc") -> str:
    """The sentence of seed 003: "Đã thực hiện 41/47 phần việc, đạt tỷ lệ 87,23%"."""
    return f"Đã thực hiện {counts.completed}/{counts.total} {noun}, đạt tỷ lệ {format_percent(counts.rate_all)}%"
