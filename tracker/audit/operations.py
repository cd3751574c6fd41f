"""Record an administrative change in the caller's transaction (the caller commits)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from tracker.accounts.models import User
from tracker.audit.models import AuditEntry
from tracker.extensions import db

log = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs (values made JSON-plain)."""
    out: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            out[key] = [old, new]
    return out


def record(
    actor: User | None,
    action: str,
    target_kind: str,
    target_id: int | None,
    summary: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        summary=summary[:500],
        details={k: _plain(v) for k, v in (details or {}).items()},
    )
    db.session.add(entry)
    log.info("audit %s %s#%s by %s: %s", action, target_kind, target_id, actor.username if actor else "-", summary)
    return entry


def record_changes(
    actor: User | None,
    action: str,
    target_kind: str,
    target_id: int | None,
    summary: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> AuditEntry | None:
    """Record ``{field: [old, new]}`` between two snapshots (``before`` None: a creation, every field
    new), plus ``extra`` facts about the change. Nothing is recorded when no field changed, so a form
    saved as it was leaves no line."""
    diff = changes(before or {}, after)
    if not diff:
        return None
    return record(actor, action, target_kind, target_id, summary, {**diff, **(extra or {})})
