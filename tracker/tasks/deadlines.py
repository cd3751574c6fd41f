"""A task's deadline: the phrase as written resolved to a rule, and the deadline in force
(``effective_due``) derived from it, the approved extension and the working-day calendar."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select

from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.forms import year_window
from tracker.rules.deadlines import DeadlineError, DeadlineKind, Frequency, parse_deadline
from tracker.rules.status import effective_due
from tracker.settings.queries import load_calendar, shift_deadlines
from tracker.tasks.models import Task

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResolvedDeadline:
    text: str
    kind: DeadlineKind
    due: date | None
    frequency: Frequency | None = None
    day: int | None = None


def resolve_deadline(phrase: str, explicit_due: date | None, default_year: int | None) -> ResolvedDeadline:
    """An explicit date wins; otherwise the phrase is parsed. The phrase is always kept verbatim."""
    phrase = (phrase or "").strip()
    if explicit_due is not None:
        return ResolvedDeadline(phrase or fmt_date(explicit_due), DeadlineKind.FIXED, explicit_due)
    if not phrase:
        raise ValidationFailed(
            {"deadline_text": "Vui lòng nhập thời hạn (một ngày, hoặc cụm từ như “Quý III/2024”, “Thường xuyên”)."}
        )
    try:
        rule = parse_deadline(phrase, default_year, year_window())  # a year outside it: undetermined
    except DeadlineError as exc:
        raise ValidationFailed({"deadline_text": str(exc)}) from None
    return ResolvedDeadline(phrase, rule.kind, rule.due, rule.frequency, rule.day)


def refresh_effective_due(task: Task) -> None:
    if task.deadline_kind is DeadlineKind.FIXED:
        task.effective_due = effective_due(task.due_date, task.extended_due, load_calendar(), shift_deadlines())
    else:
        task.effective_due = None


def recompute_effective_dues() -> int:
    """After the calendar changes: re-derive every fixed deadline whose target may have moved.

    Runs in batches so a million tasks do not sit in memory at once.
    """
    calendar = load_calendar()
    shift = shift_deadlines()
    count = 0
    last_id = 0
    while True:
        rows = db.session.execute(
            select(Task.id, Task.due_date, Task.extended_due, Task.effective_due)
            .where(Task.deadline_kind == DeadlineKind.FIXED, Task.id > last_id)
            .order_by(Task.id)
            .limit(5000)
        ).all()
        if not rows:
            break
        updates = []
        for task_id, due, extended, current in rows:
            new = effective_due(due, extended, calendar, shift)
            if new != current:
                updates.append({"id": task_id, "effective_due": new})
        if updates:
            table = Task.__table__
            db.session.execute(
                table.update().where(table.c.id == bindparam("b_id")).values(effective_due=bindparam("b_due")),
                [{"b_id": u["id"], "b_due": u["effective_due"]} for u in updates],
            )
            count += len(updates)
        last_id = rows[-1][0]
    db.session.expire_all()
    log.info("recomputed %d deadlines in force after a calendar change", count)
    return count
