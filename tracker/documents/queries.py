"""Reads of *Tệp đã xuất*: a person's documents, the scheduler's queue, whether the scheduler runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.documents.models import PENDING, DocumentJob, DocumentState
from tracker.extensions import db
from tracker.settings.state import get_state

LIST_LIMIT = 50
# The scheduler writes its heartbeat every minute; three missed ones and the page says it is not running.
HEARTBEAT_STALE = timedelta(minutes=3)


def jobs_of(user: User, limit: int = LIST_LIMIT) -> list[DocumentJob]:
    """``user``'s documents, newest first."""
    stmt = select(DocumentJob).where(DocumentJob.requested_by_id == user.id).order_by(DocumentJob.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def owns(user: User, job: DocumentJob) -> bool:
    """Whether ``job`` is ``user``'s: nobody sees or downloads what another person asked for."""
    return job.requested_by_id == user.id


def pending_count(user: User) -> int:
    stmt = select(func.count()).where(DocumentJob.requested_by_id == user.id, DocumentJob.state.in_(PENDING))
    return db.session.scalar(stmt) or 0


def pending_same(user: User, kind: str, params: str) -> DocumentJob | None:
    """The same document already asked for by ``user`` and not yet built (a second click waits for it)."""
    stmt = select(DocumentJob).where(
        DocumentJob.requested_by_id == user.id,
        DocumentJob.kind == kind,
        DocumentJob.params == params,
        DocumentJob.state.in_(PENDING),
    )
    return db.session.scalars(stmt.limit(1)).first()


def next_queued_id() -> int | None:
    stmt = select(DocumentJob.id).where(DocumentJob.state == DocumentState.QUEUED).order_by(DocumentJob.id).limit(1)
    return db.session.scalar(stmt)


def scheduler_alive(now: datetime) -> bool:
    """Whether the scheduler's heartbeat is recent: if not, queued documents are not being built."""
    row = get_state("scheduler.heartbeat")
    if row is None or not row.value:
        return False
    try:
        beat = datetime.fromisoformat(row.value)
    except ValueError:
        return False
    return now - beat <= HEARTBEAT_STALE
