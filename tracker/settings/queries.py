"""Reads of the office-wide settings: the working-day calendar as configured, the Điều 148 switch, the
back-dating limit, and the calendar's days. Each is read once per request (kept on ``g``)."""

from __future__ import annotations

from flask import current_app, g, has_app_context
from sqlalchemy import select

from tracker.extensions import db
from tracker.rules.calendar import WorkCalendar
from tracker.rules.completion import DEFAULT_BACKDATE_WORKING_DAYS
from tracker.settings.models import AppState, CalendarDay, CalendarDayKind

SHIFT_KEY = "settings.shift_deadline_to_working_day"
BACKDATE_KEY = "settings.completion_backdate_working_days"


def load_calendar() -> WorkCalendar:
    if has_app_context() and "work_calendar" in g:
        return g.work_calendar
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    calendar = WorkCalendar(
        extra_days_off=frozenset(d for d, k in rows if k is CalendarDayKind.DAY_OFF),
        makeup_working_days=frozenset(d for d, k in rows if k is CalendarDayKind.WORKING_DAY),
    )
    if has_app_context():
        g.work_calendar = calendar
    return calendar


def shift_deadlines() -> bool:
    """Điều 148 BLDS on or off: the administrator's choice if made, else the configuration default."""
    if has_app_context() and "shift_deadlines" in g:
        return g.shift_deadlines
    row = db.session.get(AppState, SHIFT_KEY)
    value = row.value == "1" if row is not None else bool(current_app.config.get("SHIFT_DEADLINE_TO_WORKING_DAY", True))
    if has_app_context():
        g.shift_deadlines = value
    return value


def backdate_working_days() -> int:
    """How many working days back a trưởng đơn vị may record a completion date (issue 10, default 5)."""
    row = db.session.get(AppState, BACKDATE_KEY)
    try:
        return int(row.value) if row is not None else DEFAULT_BACKDATE_WORKING_DAYS
    except ValueError:
        return DEFAULT_BACKDATE_WORKING_DAYS


def calendar_days() -> list[CalendarDay]:
    """The administrator's exceptions, latest first."""
    return list(db.session.scalars(select(CalendarDay).order_by(CalendarDay.day.desc())))
