"""Writes of *Tệp đã xuất*: asking for a document, the scheduler claiming, finishing or failing a build,
a person removing a file, old files expiring. The row of a document says who asked for it and when; a
removal is logged with who did it. Each function commits what it did (a build runs outside any request)."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from flask import current_app
from sqlalchemy import update
from sqlalchemy.engine import CursorResult

from tracker.accounts.models import User
from tracker.documents import queries as q
from tracker.documents.models import DocumentJob, DocumentState
from tracker.extensions import db
from tracker.private_files import write_private

log = logging.getLogger(__name__)

MAX_PENDING_PER_PERSON = 5
MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=15)
KEEP_FOR = timedelta(days=7)


class DocumentRefused(ValueError):
    """A request that cannot be queued; the message (Vietnamese) says why."""


def documents_dir() -> Path:
    return Path(current_app.config.get("DOCUMENTS_DIR") or Path(current_app.instance_path) / "documents")


def params_key(params: Mapping[str, Any]) -> str:
    """The parameters as stored: one spelling for the same request (keys sorted), so a second click finds it."""
    return json.dumps(params, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def request_document(
    kind: str, params: Mapping[str, Any], *, title: str, filename: str, mimetype: str, rows_total: int, actor: User
) -> DocumentJob:
    """Queue a document for ``actor`` (or return the same one already waiting). Commits."""
    key = params_key(params)
    same = q.pending_same(actor, kind, key)
    if same is not None:
        return same
    if q.pending_count(actor) >= MAX_PENDING_PER_PERSON:
        raise DocumentRefused(
            f"Bạn đang có {MAX_PENDING_PER_PERSON} tệp chờ tạo; hãy đợi các tệp đó xong (mục Tệp đã xuất) rồi xuất tiếp."
        )
    job = DocumentJob(
        kind=kind,
        params=key,
        title=title[:300],
        filename=filename[:200],
        mimetype=mimetype,
        rows_total=max(rows_total, 0),
        requested_by_id=actor.id,
    )
    db.session.add(job)
    db.session.commit()
    log.info("document %s (%s, %d rows) asked for by %s", job.id, kind, job.rows_total, actor.username)
    return job


def _changed(statement) -> int:
    """Rows an UPDATE changed (``execute`` is typed as returning a plain Result)."""
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount


def requeue_stale(now: datetime) -> int:
    """Builds claimed by a scheduler that died (started over ``STALE_AFTER`` ago): queued again, or failed
    after ``MAX_ATTEMPTS``. Returns how many."""
    cutoff = now - STALE_AFTER
    stale = DocumentJob.state == DocumentState.RUNNING, DocumentJob.started_at < cutoff
    failed = _changed(
        update(DocumentJob)
        .where(*stale, DocumentJob.attempts >= MAX_ATTEMPTS)
        .values(state=DocumentState.FAILED, finished_at=now, error="Việc tạo tệp bị gián đoạn nhiều lần; hãy xuất lại.")
    )
    again = _changed(update(DocumentJob).where(*stale).values(state=DocumentState.QUEUED, started_at=None))
    db.session.commit()
    if failed or again:
        log.warning("documents: %d interrupted builds queued again, %d given up", again, failed)
    return failed + again


def claim_next(now: datetime) -> DocumentJob | None:
    """The oldest queued document, now ``running`` for this process — or ``None``. A claim is one
    conditional UPDATE, so two processes never build the same document."""
    while (job_id := q.next_queued_id()) is not None:
        claimed = _changed(
            update(DocumentJob)
            .where(DocumentJob.id == job_id, DocumentJob.state == DocumentState.QUEUED)
            .values(state=DocumentState.RUNNING, started_at=now, rows_done=0, attempts=DocumentJob.attempts + 1)
        )
        db.session.commit()
        if claimed:
            return db.session.get(DocumentJob, job_id)
    return None


def record_progress(job_id: int, done: int, total: int) -> None:
    """How far a build has got (between two pages of its reads: each page is read afresh anyway)."""
    db.session.execute(update(DocumentJob).where(DocumentJob.id == job_id).values(rows_done=done, rows_total=total))
    db.session.commit()


def finish(job: DocumentJob, data: bytes, now: datetime) -> None:
    """Store the built file (owner-only) and mark the document ready."""
    suffix = Path(job.filename).suffix.lower()[:10]
    name = f"{job.id}-{secrets.token_hex(8)}{suffix}"
    write_private(documents_dir() / name, data)
    db.session.rollback()  # end the build's read before writing
    job = db.session.get(DocumentJob, job.id) or job
    job.stored_name, job.size = name, len(data)
    job.state, job.finished_at, job.error = DocumentState.DONE, now, None
    job.rows_done = job.rows_total
    db.session.commit()
    log.info("document %s built: %d bytes", job.id, len(data))


def fail(job_id: int, message: str, now: datetime) -> None:
    db.session.rollback()
    job = db.session.get(DocumentJob, job_id)
    if job is None:
        return
    job.state, job.finished_at, job.error = DocumentState.FAILED, now, message[:2000]
    db.session.commit()


def _remove_file(job: DocumentJob) -> None:
    if job.stored_name:
        (documents_dir() / job.stored_name).unlink(missing_ok=True)


def remove(job: DocumentJob, actor: User) -> None:
    """A person removes one of their documents (a build in progress ends with nothing to keep)."""
    _remove_file(job)
    db.session.delete(job)
    db.session.commit()
    log.info("document %s removed by %s", job.id, actor.username)


def expire(now: datetime) -> int:
    """Documents finished more than ``KEEP_FOR`` ago: file and row removed. Returns how many."""
    old = db.session.scalars(
        db.select(DocumentJob).where(
            DocumentJob.state.in_((DocumentState.DONE, DocumentState.FAILED)), DocumentJob.finished_at < now - KEEP_FOR
        )
    ).all()
    for job in old:
        _remove_file(job)
        db.session.delete(job)
    db.session.commit()
    return len(old)
