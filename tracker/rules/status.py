"""Task statuses and the one classification into the four boxes of the national tracking rules.

The result for a date D depends only on the task's recorded dates, never on the day it is computed:
a task completed after D is open at D, and "late" compares the recorded completion date with the
deadline. A deadline that is D itself is not overdue on D.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tracker.rules.calendar import WorkCalendar
from tracker.rules.deadlines import DeadlineKind


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    PAUSED = "paused"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "not_started": "Chưa thực hiện",
            "in_progress": "Đang thực hiện",
            "done": "Hoàn thành",
            "paused": "Tạm dừng",
            "cancelled": "Hủy",
        }[self.value]


class Confirmation(StrEnum):
    """Whether the monitoring unit has confirmed a completion the lead unit reported."""

    NONE = "none"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {
            "none": "",
            "pending": "Chờ xác nhận",
            "confirmed": "Đã xác nhận",
            "returned": "Bị trả lại",
        }[self.value]


class Box(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_IN_TIME = "open_in_time"
    OPEN_OVERDUE = "open_overdue"
    # Ongoing ("Thường xuyên"), periodic or undetermined deadlines: shown apart, never as on time.
    NO_DEADLINE_DONE = "no_deadline_done"
    NO_DEADLINE_OPEN = "no_deadline_open"

    @property
    def label(self) -> str:
        return BOX_LABELS[self]

    @property
    def css(self) -> str:
        return BOX_CSS[self]

    @property
    def completed(self) -> bool:
        return self in (Box.DONE_ON_TIME, Box.DONE_LATE, Box.NO_DEADLINE_DONE)


BOX_LABELS = {
    Box.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Box.DONE_LATE: "Hoàn thành quá hạn",
    Box.OPEN_IN_TIME: "Đang thực hiện trong hạn",
    Box.OPEN_OVERDUE: "Đang thực hiện quá hạn",
    Box.NO_DEADLINE_DONE: "Hoàn thành (không có thời hạn)",
    Box.NO_DEADLINE_OPEN: "Đang thực hiện (không có thời hạn)",
}
# The colours the offices know: green on time, orange late, blue in time, red overdue, grey no date.
BOX_CSS = {
    Box.DONE_ON_TIME: "success",
    Box.DONE_LATE: "warning",
    Box.OPEN_IN_TIME: "primary",
    Box.OPEN_OVERDUE: "danger",
    Box.NO_DEADLINE_DONE: "success",
    Box.NO_DEADLINE_OPEN: "secondary",
}


@dataclass(frozen=True)
class TaskFacts:
    """What classification needs to know about a task; built from a model row or an API payload."""

    status: TaskStatus
    deadline_kind: DeadlineKind
    due: date | None  # the deadline in force: the approved extension if any, shifted to a working day
    completed_on: date | None = None
    confirmation: Confirmation = Confirmation.NONE


def is_completed(facts: TaskFacts, as_of: date) -> bool:
    """Completed at ``as_of``: marked done (confirmed or awaiting confirmation) on or before it.

    A completion returned by the monitoring unit is not a completion: returning a task reopens it.
    """
    return (
        facts.status is TaskStatus.DONE
        and facts.confirmation is not Confirmation.RETURNED
        and facts.completed_on is not None
        and facts.completed_on <= as_of
    )


def classify(facts: TaskFacts, as_of: date) -> Box | None:
    """The box a task falls in at ``as_of``, or ``None`` for a cancelled task (never counted)."""
    if facts.status is TaskStatus.CANCELLED:
        return None
    done = is_completed(facts, as_of)
    if facts.deadline_kind is not DeadlineKind.FIXED or facts.due is None:
        return Box.NO_DEADLINE_DONE if done else Box.NO_DEADLINE_OPEN
    if done:
        assert facts.completed_on is not None
        return Box.DONE_ON_TIME if facts.completed_on <= facts.due else Box.DONE_LATE
    return Box.OPEN_IN_TIME if as_of <= facts.due else Box.OPEN_OVERDUE


def effective_due(
    due: date | None,
    extended_due: date | None,
    calendar: WorkCalendar,
    shift_to_working_day: bool = True,
) -> date | None:
    """The deadline used for the boxes: an approved extension wins, then Điều 148 moves a deadline
    that falls on a day off to the next working day (unless the office switched that off)."""
    target = extended_due or due
    if target is None:
        return None
    return calendar.on_or_next_working_day(target) if shift_to_working_day else target


def is_due_soon(facts: TaskFacts, as_of: date, calendar: WorkCalendar, working_days: int) -> bool:
    """Open, not yet overdue, and due within ``working_days`` working days of ``as_of``."""
    if classify(facts, as_of) is not Box.OPEN_IN_TIME or facts.due is None:
        return False
    return calendar.working_days_between(as_of, facts.due) <= working_days


def days_overdue(facts: TaskFacts, as_of: date) -> int:
    if classify(facts, as_of) is not Box.OPEN_OVERDUE or facts.due is None:
        return 0
    return (as_of - facts.due).days
