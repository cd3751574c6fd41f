"""Periodic duties (nhiệm vụ định kỳ): one child task per period, kept in step with the duty's rule."""

from __future__ import annotations

import logging
from datetime import date

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind, DeadlineRule, occurrences
from tracker.rules.documents import auto_ordinal
from tracker.rules.journal import JournalAction
from tracker.rules.status import TaskStatus
from tracker.tasks.deadlines import refresh_effective_due
from tracker.tasks.journal import apply_changes, journal
from tracker.tasks.models import Task
from tracker.tasks.structure import NEW_TASK_STATE, delete_task

log = logging.getLogger(__name__)


def _occurrence_window(task: Task) -> tuple[date, date]:
    """A periodic duty recurs over its plan's year, from the task's start (or the plan's issue date)."""
    year = task.plan.year
    start = task.start_date or task.plan.issued_on or date(year, 1, 1)
    return max(start, date(year, 1, 1)), date(year, 12, 31)


def sync_occurrences(task: Task, actor: User | None, periods_changed: bool = False) -> None:
    """Give a periodic duty one child task per period, each with its own due date, status and result.

    Occurrences are ordinary tasks (so evidence, confirmation, extensions, lists and counting all apply),
    marked by ``period_start``; the duty itself is then counted through them. Re-run after an edit:
    missing periods are added, moved due dates follow the rule, and occurrences of periods that no longer
    apply are deleted, or cancelled when they have history. When the frequency changes, every period is
    a new one (a quarter is not a half-year that starts the same day).
    """
    existing = {c.period_start: c for c in task.children if c.period_start is not None and c.status is not TaskStatus.CANCELLED}
    if periods_changed:
        for child in existing.values():
            delete_task(child, actor)
        existing = {}
    wanted: dict = {}
    if task.deadline_kind is DeadlineKind.PERIODIC and task.frequency is not None:
        rule = DeadlineRule(DeadlineKind.PERIODIC, task.deadline_text, frequency=task.frequency, day=task.periodic_day)
        start, end = _occurrence_window(task)
        wanted = {o.period_start: o for o in occurrences(rule, start, end)}
    for period_start, child in existing.items():
        if period_start not in wanted:
            delete_task(child, actor)
    position = max((c.position for c in task.children), default=0)
    for period_start, occ in sorted(wanted.items()):
        text = f"{task.deadline_text} ({occ.label})"
        current = existing.get(period_start)
        if current is not None:
            apply_changes(
                current, actor, JournalAction.EDITED, {"due_date": occ.due, "deadline_text": text, "lead_unit": task.lead_unit}
            )
            refresh_effective_due(current)
            continue
        position += 1
        child = Task(
            plan_id=task.plan_id,
            parent=task,
            position=position,
            ordinal=auto_ordinal(task.ordinal, position),
            title=f"{task.title} — {occ.label}",
            description="",
            lead_unit=task.lead_unit,
            cooperating_units=list(task.cooperating_units),
            assignee=task.assignee,
            start_date=occ.period_start,
            deadline_text=text,
            deadline_kind=DeadlineKind.FIXED,
            due_date=occ.due,
            period_start=period_start,
            **NEW_TASK_STATE,
        )
        db.session.add(child)
        refresh_effective_due(child)
        db.session.flush()
        journal(child, actor, JournalAction.CREATED, note=f"Kỳ {occ.label} của nhiệm vụ định kỳ")
    db.session.flush()
