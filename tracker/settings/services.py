"""The working-day calendar as configured, and keeping stored deadlines in step with it."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, has_app_context
from sqlalchemy import select

from tracker import clock
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.rules.calendar import WorkCalendar
from tracker.settings.models import AppState, CalendarDay, CalendarDayKind


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


SHIFT_KEY = "settings.shift_deadline_to_working_day"


def shift_deadlines() -> bool:
    """Điều 148 BLDS on or off: the administrator's choice if made, else the configuration default."""
    if has_app_context() and "shift_deadlines" in g:
        return g.shift_deadlines
    row = db.session.get(AppState, SHIFT_KEY)
    value = row.value == "1" if row is not None else bool(current_app.config.get("SHIFT_DEADLINE_TO_WORKING_DAY", True))
    if has_app_context():
        g.shift_deadlines = value
    return value


def set_shift_deadlines(enabled: bool) -> int:
    """Switch the rule and re-derive every deadline in force; returns how many moved."""
    set_state(SHIFT_KEY, "1" if enabled else "0")
    db.session.flush()
    g.pop("shift_deadlines", None)
    return _calendar_changed()


def set_calendar_day(day: date, kind: CalendarDayKind, note: str = "") -> CalendarDay:
    if not isinstance(day, date):
        raise ValidationFailed({"day": "Ngày không hợp lệ."})
    row = db.session.get(CalendarDay, day) or CalendarDay(day=day)
    row.kind = kind
    row.note = note.strip()[:200]
    db.session.add(row)
    db.session.flush()
    _calendar_changed()
    return row


def remove_calendar_day(day: date) -> None:
    row = db.session.get(CalendarDay, day)
    if row is not None:
        db.session.delete(row)
        db.session.flush()
        _calendar_changed()


def _calendar_changed() -> int:
    from tracker.tasks.operations import recompute_effective_dues

    g.pop("work_calendar", None)
    return recompute_effective_dues()


def set_state(key: str, value: str) -> None:
    row = db.session.get(AppState, key) or AppState(key=key)
    row.value = value
    row.updated_at = clock.now()
    db.session.add(row)


def get_state(key: str) -> AppState | None:
    return db.session.get(AppState, key)
