"""The SQL twins of the classification: each condition selects exactly the tasks a rule of
``tracker.rules.status`` puts there, so the figures counted in the database equal the ones computed in
Python (tests check both on every combination; mutation testing targets this module).

The database keeps two columns for these (migration 0005): ``standing``, set by triggers from the
task's own fields by the same rules as ``rules.status.standing``, and ``is_leaf``, kept by triggers.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_

from tracker import clock
from tracker.rules.status import STANDING_BOX, Box, Confirmation, Standing, TaskStatus
from tracker.tasks.models import Task


def completed_condition(as_of: date):
    return and_(
        Task.status == TaskStatus.DONE,
        Task.confirmation != Confirmation.RETURNED,
        Task.completed_on.is_not(None),
        Task.completed_on <= as_of,
    )


def standing_is(standing: Standing) -> ColumnElement:
    # A literal, not a bound parameter: the partial indexes (ix_task_open) are matched on it.
    return Task.standing == literal_column(f"'{standing.value}'")


def standing_among(standings) -> ColumnElement:
    return Task.standing.in_([literal_column(f"'{s.value}'") for s in standings])


COMPLETED = [s for s in Standing if s.completed]
# Written as the condition of the partial index ix_task_leaf_flagged.
FLAGGED = or_(Task.confirmation == literal_column("'pending'"), Task.extended_due.is_not(None))
# Written as the conditions of the partial indexes ix_task_awaiting and ix_task_unread (the board's lists).
AWAITING = Task.confirmation == literal_column("'pending'")
UNREAD_DEADLINE = and_(Task.deadline_kind == literal_column("'undetermined'"), Task.status != literal_column("'cancelled'"))
# How many of a group await confirmation, how many were extended (the roll-up's and the tally's recount).
PENDING = func.sum(case((Task.confirmation == Confirmation.PENDING, 1), else_=0))
EXTENDED = func.sum(case((Task.extended_due.is_not(None), 1), else_=0))


def leaf():
    """Leaves only: a task with sub-tasks is counted through them. Renders as the partial indexes'
    condition (``is_leaf = 1`` on SQLite, ``is_leaf`` on PostgreSQL)."""
    return Task.is_leaf


def box_condition(box: Box, as_of: date) -> ColumnElement:
    """Exactly the tasks in ``box`` at ``as_of`` (``rules.status.box_at`` in SQL), in plain terms an
    index can serve. A completion dated after ``as_of`` counts as open at ``as_of``; for today or later
    there is none (tasks.operations refuses completion dates in the future), so that term is dropped and
    the overdue list is a range of the partial index ix_task_open."""
    later = as_of < clock.today()
    reopened = Task.completed_on > as_of
    match box:
        case Box.DONE_ON_TIME | Box.DONE_LATE | Box.NO_DEADLINE_DONE:
            standing = next(s for s, b in STANDING_BOX.items() if b is box)
            return and_(standing_is(standing), Task.completed_on <= as_of)
        case Box.NO_DEADLINE_OPEN:
            undone = or_(standing_is(Standing.UNDATED_OPEN), and_(standing_is(Standing.UNDATED_DONE), reopened))
            return undone if later else standing_is(Standing.UNDATED_OPEN)
        case Box.OPEN_OVERDUE | Box.OPEN_IN_TIME:
            due = Task.effective_due < as_of if box is Box.OPEN_OVERDUE else Task.effective_due >= as_of
            if not later:
                return and_(standing_is(Standing.OPEN), due)
            return and_(or_(standing_is(Standing.OPEN), and_(standing_among([Standing.ON_TIME, Standing.LATE]), reopened)), due)
    raise ValueError(box)


# The old private names, for one merge.
_is = standing_is
_among = standing_among
