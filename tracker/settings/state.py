"""Small shared facts kept by key in ``app_state``: a process's heartbeat, a setting's raw value. Read
and written here without audit (the caller audits what it must). Apart from ``settings.operations``,
whose calendar writes re-derive deadlines through ``tasks.operations``: the packages that only keep a
fact (the scheduler, the reminders, the reports, the documents) need not import those."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker import clock
from tracker.extensions import db
from tracker.settings.models import AppState

if TYPE_CHECKING:
    from tracker.accounts.models import User


def get_state(key: str) -> AppState | None:
    return db.session.get(AppState, key)


def set_state(key: str, value: str, actor: User | None = None) -> None:
    """Keep a small fact (a process's heartbeat, a setting's value); the caller audits settings."""
    row = db.session.get(AppState, key) or AppState(key=key)
    row.value = value
    row.updated_at = clock.now()
    row.updated_by_id = actor.id if actor else None
    db.session.add(row)
