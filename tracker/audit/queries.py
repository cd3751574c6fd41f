"""Reads of the audit trail, newest first."""

from __future__ import annotations

from sqlalchemy import select

from tracker.audit.models import AuditEntry
from tracker.extensions import db


def recent(limit: int = 200, target_kind: str | None = None, target_id: int | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if target_kind is not None:
        stmt = stmt.where(AuditEntry.target_kind == target_kind)
    if target_id is not None:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    return list(db.session.scalars(stmt))
