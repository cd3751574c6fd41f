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
from tracker.rules.labels import LabelledEnum

# Grey: not started (and, for the undated, not done); the one colour a status adds to the boxes' own.
NOT_STARTED_COLOUR = "#5c636a"
NOT_STARTED_CSS = "box-not_started"


class TaskStatus(LabelledEnum):
    NOT_STARTED = "not_started", "Chưa thực hiện"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    PAUSED = "paused", "Tạm dừng"
    CANCELLED = "cancelled", "Hủy"


class Confirmation(LabelledEnum):
    """Whether the monitoring unit has confirmed a completion the lead unit reported."""

    NONE = "none", ""
    PENDING = "pending", "Chờ xác nhận"
    CONFIRMED = "confirmed", "Đã xác nhận"
    RETURNED = "returned", "Bị trả lại"


class Box(LabelledEnum):
    """The box a task is in at a date, with the colour the offices know it by (issue 15: green done on
    time, orange done late, blue open in time, red overdue, grey without a deadline). The colour is the
    badge's background under white text (tests/rules/test_box_colours.py holds each to WCAG AA), the
    chart's bar and the XLSX cell fill; ``static/app.css`` carries the classes generated from it."""

    DONE_ON_TIME = "done_on_time", "Hoàn thành đúng hạn", "#1e7b34"
    DONE_LATE = "done_late", "Hoàn thành quá hạn", "#c2410c"
    OPEN_IN_TIME = "open_in_time", "Đang thực hiện trong hạn", "#0a58ca"
    OPEN_OVERDUE = "open_overdue", "Đang thực hiện quá hạn", "#b02a37"
    # Ongoing ("Thường xuyên"), periodic or undetermined deadlines: shown apart, never as on time.
    NO_DEADLINE_DONE = "no_deadline_done", "Hoàn thành (không có thời hạn)", "#1e7b34"
    NO_DEADLINE_OPEN = "no_deadline_open", "Đang thực hiện (không có thời hạn)", NOT_STARTED_COLOUR

    @property
    def hex(self) -> str:
        """The colour, which every box has (``colour`` is optional on the base)."""
        assert self.colour is not None
        return self.colour

    @property
    def css(self) -> str:
        """The badge's CSS class (``static/app.css``): white text on the box's colour."""
        return f"box-{self.value}"

    @property
    def text_css(self) -> str:
        """The class for text in the box's colour on a white page (a count card's figure)."""
        return f"box-text-{self.value}"

    @property
    def border_css(self) -> str:
        return f"box-border-{self.value}"

    def shows_not_started(self, status: TaskStatus | None) -> bool:
        """A task not yet started and not overdue is shown grey (issue 15: "today a not-started task
        shows blue"); overdue stays red whatever the status, and a box is never changed, only its colour."""
        return status is TaskStatus.NOT_STARTED and self in (Box.OPEN_IN_TIME, Box.NO_DEADLINE_OPEN)

    def css_for(self, status: TaskStatus | None) -> str:
        """The badge's class for a task of this status."""
        return NOT_STARTED_CSS if self.shows_not_started(status) else self.css

    def colour_for(self, status: TaskStatus | None) -> str:
        """The badge's colour for a task of this status (the spreadsheet's cell fill)."""
        return NOT_STARTED_COLOUR if self.shows_not_started(status) else self.hex

    @property
    def completed(self) -> bool:
        return self in (Box.DONE_ON_TIME, Box.DONE_LATE, Box.NO_DEADLINE_DONE)


@dataclass(frozen=True)
class TaskFacts:
    """What classification needs to know about a task; built from a model row or an API payload."""

    status: TaskStatus
    deadline_kind: DeadlineKind
    due: date | None  # the deadline in force: the approved extension if any, shifted to a working day
    completed_on: date | None = None
    confirmation: Confirmation = Confirmation.NONE


class Standing(StrEnum):
    """Where a task stands with no date in view: the part of its box that does not change with time.

    Kept in the database too (``task.standing``, set by triggers from the same rules, migration 0005)
    so the roll-ups count it from an index; ``box_at`` turns it into the box at a given date. A returned
    completion is no completion: returning a task reopens it.
    """

    ON_TIME = "on_time"  # completed, on or before its deadline
    LATE = "late"  # completed after its deadline
    OPEN = "open"  # has a deadline, not completed
    UNDATED_DONE = "undated_done"
    UNDATED_OPEN = "undated_open"

    @property
    def completed(self) -> bool:
        return self in (Standing.ON_TIME, Standing.LATE, Standing.UNDATED_DONE)


def standing(facts: TaskFacts) -> Standing | None:
    """``None`` for a cancelled task. A completion returned by the monitoring unit is no completion."""
    if facts.status is TaskStatus.CANCELLED:
        return None
    dated = facts.deadline_kind is DeadlineKind.FIXED and facts.due is not None
    done = facts.status is TaskStatus.DONE and facts.confirmation is not Confirmation.RETURNED and facts.completed_on is not None
    if not dated:
        return Standing.UNDATED_DONE if done else Standing.UNDATED_OPEN
    if not done:
        return Standing.OPEN
    assert facts.completed_on is not None and facts.due is not None
    return Standing.ON_TIME if facts.completed_on <= facts.due else Standing.LATE


def box_at(standing: Standing | None, due: date | None, completed_on: date | None, as_of: date) -> Box | None:
    """The box at ``as_of`` of a task that stands at ``standing``: a completion dated after ``as_of``
    had not happened yet, so at that date the task was open (in time or overdue by its deadline)."""
    if standing is None:
        return None
    if standing.completed and completed_on is not None and completed_on > as_of:
        standing = Standing.UNDATED_OPEN if standing is Standing.UNDATED_DONE else Standing.OPEN
    if standing is Standing.OPEN:
        assert due is not None
        return Box.OPEN_IN_TIME if as_of <= due else Box.OPEN_OVERDUE
    return STANDING_BOX[standing]


STANDING_BOX = {
    Standing.ON_TIME: Box.DONE_ON_TIME,
    Standing.LATE: Box.DONE_LATE,
    Standing.UNDATED_DONE: Box.NO_DEADLINE_DONE,
    Standing.UNDATED_OPEN: Box.NO_DEADLINE_OPEN,
}


def classify(facts: TaskFacts, as_of: date) -> Box | None:
    """The box a task falls in at ``as_of``, or ``None`` for a cancelled task (never counted)."""
    return box_at(standing(facts), facts.due, facts.completed_on, as_of)


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


def written_due(due: date | None, extended_due: date | None, effective: date | None) -> date | None:
    """The day that decides which reporting period a task belongs to: its deadline as written, or as
    extended — never the day Điều 148 moved it to (domain.md: "Trong năm 2023", due Sunday 31/12/2023,
    is a 2023 task though on time until 02/01/2024). None while the task has no deadline in force.
    The database keeps the same value in ``task.written_due`` (migration 0007)."""
    if effective is None:
        return None
    return extended_due or due or effective


def is_due_soon(facts: TaskFacts, as_of: date, calendar: WorkCalendar, working_days: int) -> bool:
    """Open, not yet overdue, and due within ``working_days`` working days of ``as_of``."""
    if classify(facts, as_of) is not Box.OPEN_IN_TIME or facts.due is None:
        return False
    return calendar.working_days_between(as_of, facts.due) <= working_days


def days_overdue(facts: TaskFacts, as_of: date) -> int:
    if classify(facts, as_of) is not Box.OPEN_OVERDUE or facts.due is None:
        return 0
    return (as_of - facts.due).days
