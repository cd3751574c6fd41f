"""The working-day calendar as configured, and keeping stored deadlines in step with it."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, has_app_context
from sqlalchemy import select

from tracker import clock
from tracker.accounts.models import User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.rules.calendar import WorkCalendar
from tracker.rules.completion import DEFAULT_BACKDATE_WORKING_DAYS, MAX_BACKDATE_WORKING_DAYS
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


BACKDATE_KEY = "settings.completion_backdate_working_days"


def backdate_working_days() -> int:
    """How many working days back a trưởng đơn vị may record a completion date (issue 10, default 5)."""
    row = db.session.get(AppState, BACKDATE_KEY)
    try:
        return int(row.value) if row is not None else DEFAULT_BACKDATE_WORKING_DAYS
    except ValueError:
        return DEFAULT_BACKDATE_WORKING_DAYS


def set_backdate_working_days(days: int | None, actor: User) -> None:
    if days is None or not 0 <= days <= MAX_BACKDATE_WORKING_DAYS:
        raise ValidationFailed({"days": f"Số ngày làm việc phải từ 0 đến {MAX_BACKDATE_WORKING_DAYS}."})
    set_state(BACKDATE_KEY, str(days), actor)
    db.session.flush()


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


def set_state(key: str, value: str, actor: User | None = None) -> None:
    row = db.session.get(AppState, key) or AppState(key=key)
    row.value = value
    row.updated_at = clock.now()
    row.updated_by_id = actor.id if actor else None
    db.session.add(row)


def get_state(key: str) -> AppState | None:
    return db.session.get(AppState, key)
