"""How far back a completion date may be recorded.

A unit often reports a task a few days after finishing it (the document was signed on Thursday, the
head records it on Monday). A trưởng đơn vị may therefore record a completion date up to N working days
back (a setting, default 5); earlier dates only văn phòng or lãnh đạo may record, as they answer for
the figures. Counting follows the calendar module (Điều 147 BLDS): the day of the event — the completion
— is not counted, today is; so with N = 5 on Tuesday 01/10/2024 the earliest date is Tuesday 24/09/2024
(25, 26, 27, 30/09 and 01/10 are the five working days since).
"""

from __future__ import annotations

from datetime import date, timedelta

from tracker.rules.calendar import WorkCalendar

DEFAULT_BACKDATE_WORKING_DAYS = 5
MAX_BACKDATE_WORKING_DAYS = 60


def earliest_completion_date(today: date, working_days: int, calendar: WorkCalendar) -> date:
    """The earliest completion date that leaves at most ``working_days`` working days up to ``today``:
    the (N+1)-th working day on or before today (any later date, day off or not, leaves fewer)."""
    return calendar.add_working_days(today + timedelta(days=1), -(working_days + 1))


def within_backdating_limit(completed_on: date, today: date, working_days: int, calendar: WorkCalendar) -> bool:
    """Whether ``completed_on`` (not after today) is at most ``working_days`` working days back."""
    if completed_on >= today:
        return True
    return calendar.working_days_between(completed_on, today) <= working_days


# ---------------------------------------------------------------- who confirms (issue 16.12)

SELF_CONFIRMATION = "Bạn đã ghi nhận hoàn thành này; cần một người khác của Văn phòng xác nhận."
AWAITS_OTHER = "chờ người khác xác nhận"


def is_own_completion(reported_by_id: int | None, actor_id: int) -> bool:
    """Whether ``actor`` recorded the completion waiting for confirmation. A completion on a plan that
    requires confirmation needs two people: the one who records it (even văn phòng) and one who
    confirms; an older completion with no recorded reporter (``None``) is nobody's own."""
    return reported_by_id is not None and reported_by_id == actor_id


def self_confirmation_refusal(reported_by_id: int | None, actor_id: int) -> str | None:
    """Why ``actor`` may not confirm this completion; ``None`` when they may (as far as who is concerned)."""
    return SELF_CONFIRMATION if is_own_completion(reported_by_id, actor_id) else None
