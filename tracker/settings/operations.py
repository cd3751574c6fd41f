"""Writes to the office-wide settings. A change of the calendar or of the Điều 148 switch re-derives every
deadline in force, so each such write is recorded in the audit trail with who made it, what changed and
how many deadlines moved (the caller commits, the audit line with the change)."""

from __future__ import annotations

import logging
from datetime import date

from flask import g

from tracker.accounts.models import User
from tracker.audit.models import AuditAction, AuditKind
from tracker.audit.operations import record_changes
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.rules.completion import MAX_BACKDATE_WORKING_DAYS
from tracker.settings.models import CalendarDay, CalendarDayKind
from tracker.settings.queries import BACKDATE_KEY, SHIFT_KEY, backdate_working_days, shift_deadlines
from tracker.settings.state import set_state
from tracker.tasks.operations import recompute_effective_dues

log = logging.getLogger(__name__)


def _calendar_changed() -> int:
    g.pop("work_calendar", None)
    return recompute_effective_dues()


def set_shift_deadlines(enabled: bool, actor: User | None = None) -> int:
    """Switch the rule and re-derive every deadline in force; returns how many moved."""
    was = shift_deadlines()
    set_state(SHIFT_KEY, "1" if enabled else "0", actor)
    db.session.flush()
    g.pop("shift_deadlines", None)
    moved = _calendar_changed()
    action = AuditAction.SHIFT_CHANGED
    summary = f"{'Bật' if enabled else 'Tắt'} quy tắc dời hạn sang ngày làm việc tiếp theo; {moved} thời hạn được tính lại"
    record_changes(actor, action, AuditKind.SETTING, None, summary, {"shift": was}, {"shift": enabled}, {"moved": moved})
    log.info("deadline shift %s by %s: %d deadlines moved", enabled, actor.username if actor else "-", moved)
    return moved


def set_backdate_working_days(days: int | None, actor: User | None = None) -> None:
    if days is None or not 0 <= days <= MAX_BACKDATE_WORKING_DAYS:
        raise ValidationFailed({"days": f"Số ngày làm việc phải từ 0 đến {MAX_BACKDATE_WORKING_DAYS}."})
    was = backdate_working_days()
    set_state(BACKDATE_KEY, str(days), actor)
    db.session.flush()
    action = AuditAction.BACKDATE_CHANGED
    summary = f"Trưởng đơn vị được ghi ngày hoàn thành lùi tối đa {days} ngày làm việc"
    record_changes(actor, action, AuditKind.SETTING, None, summary, {"days": was}, {"days": days})


def _day_facts(row: CalendarDay | None) -> dict[str, str | None]:
    if row is None:
        return {"kind": None, "note": None}
    return {"kind": row.kind.label, "note": row.note}


def set_calendar_day(day: date, kind: CalendarDayKind, note: str = "", actor: User | None = None) -> CalendarDay:
    if not isinstance(day, date):
        raise ValidationFailed({"day": "Ngày không hợp lệ."})
    row = db.session.get(CalendarDay, day)
    before = _day_facts(row)
    row = row or CalendarDay(day=day)
    row.kind = kind
    row.note = note.strip()[:200]
    db.session.add(row)
    db.session.flush()
    moved = _calendar_changed()
    action = AuditAction.CALENDAR_DAY_SET
    summary = f"{kind.label} {fmt_date(day)}; {moved} thời hạn được tính lại"
    record_changes(actor, action, AuditKind.CALENDAR, None, summary, before, _day_facts(row), _day_extra(day, moved))
    return row


def _day_extra(day: date, moved: int) -> dict[str, object]:
    return {"day": fmt_date(day), "moved": moved}


def remove_calendar_day(day: date, actor: User | None = None) -> None:
    row = db.session.get(CalendarDay, day)
    if row is None:
        return
    before = _day_facts(row)
    db.session.delete(row)
    db.session.flush()
    moved = _calendar_changed()
    action = AuditAction.CALENDAR_DAY_REMOVED
    summary = f"Xoá {before['kind'] or 'ngày đặc biệt'} {fmt_date(day)}; {moved} thời hạn được tính lại"
    record_changes(actor, action, AuditKind.CALENDAR, None, summary, before, _day_facts(None), _day_extra(day, moved))
