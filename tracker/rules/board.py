"""What the boards decide about their rows: the unit page's groups and order, the "due soon" horizon,
the director's two rankings of units.

Pure: no Flask, no database. The pages hand in rows they read and get back the order to show; the
rules live here so that a change of order is a change of rule, caught by its test, not a template edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Generic, TypeVar

from tracker.rules.calendar import WorkCalendar
from tracker.rules.rollup import Counts
from tracker.rules.status import Box

T = TypeVar("T")

# "Việc của đơn vị": what needs acting on first — overdue, then in time, then undated open work; the
# completed boxes after. Cancelled tasks (no box) are not shown.
UNIT_BOARD_BOXES: tuple[Box, ...] = (
    Box.OPEN_OVERDUE,
    Box.OPEN_IN_TIME,
    Box.NO_DEADLINE_OPEN,
    Box.DONE_LATE,
    Box.DONE_ON_TIME,
    Box.NO_DEADLINE_DONE,
)
# The boxes whose rows the unit page offers the quick progress form for (still open work).
QUICK_UPDATE_BOXES: frozenset[Box] = frozenset(b for b in Box if not b.completed)


def due_soon_horizon(as_of: date, calendar: WorkCalendar, working_days: int) -> date:
    """The last day a deadline may fall on to be "sắp đến hạn" at ``as_of``: within ``working_days``
    working days (``as_of`` itself not counted). It is the day before the next working day after the
    ``working_days``-th, so a deadline on the weekend after it is soon too, exactly as
    ``rules.status.is_due_soon`` counts (``working_days_between(as_of, due) <= working_days``)."""
    return calendar.add_working_days(as_of, working_days + 1) - timedelta(days=1)


def due_soon(box: Box | None, due: date | None, horizon: date) -> bool:
    """Open, still in time, and due on or before the horizon."""
    return box is Box.OPEN_IN_TIME and due is not None and due <= horizon


@dataclass(frozen=True)
class BoardItem(Generic[T]):
    """One row of the unit page: the task as read, and whether it is due soon."""

    task: T
    soon: bool


def unit_board_groups(rows: Iterable[tuple[T, Box | None, date | None]], horizon: date) -> list[tuple[Box, list[BoardItem[T]]]]:
    """The unit page's groups, in ``UNIT_BOARD_BOXES`` order, every group listed even when empty.

    ``rows`` are (task, box, deadline in force). Within a group the tasks due soon come first, then by
    deadline (earliest first, undated last); the sort is stable, so equal rows keep the order read."""
    groups: dict[Box, list[tuple[BoardItem[T], date | None]]] = {b: [] for b in UNIT_BOARD_BOXES}
    for task, box, due in rows:
        if box is None:
            continue
        groups[box].append((BoardItem(task, due_soon(box, due, horizon)), due))
    ordered = []
    for box, items in groups.items():
        items.sort(key=lambda pair: (not pair[0].soon, pair[1] or date.max))
        ordered.append((box, [item for item, _ in items]))
    return ordered


def rank_units_by_overdue(rows: Sequence[T], counts: Callable[[T], Counts], at: date) -> list[T]:
    """Units behind first: those with open overdue tasks, most overdue first, then the one whose oldest
    overdue deadline is earliest. Units with none are left out."""
    behind = [r for r in rows if counts(r)[Box.OPEN_OVERDUE]]
    return sorted(behind, key=lambda r: (-counts(r)[Box.OPEN_OVERDUE], counts(r).oldest_overdue or at))


def rank_units_by_rate(rows: Sequence[T], counts: Callable[[T], Counts], name: Callable[[T], str]) -> list[T]:
    """The director's ranking: highest on-time rate first (completed on time over those come due), ties
    by name; a unit with nothing come due has no rate and is not ranked."""
    rated: list[tuple[Fraction, T]] = []
    for r in rows:
        rate = counts(r).rate_on_time
        if rate is not None:
            rated.append((rate, r))
    return [r for _, r in sorted(rated, key=lambda pair: (-pair[0], name(pair[1])))]
