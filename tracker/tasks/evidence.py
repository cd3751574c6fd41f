"""Tài liệu kiểm chứng: evidence files, checked, stored outside the web root and journaled.

Checked by content, not only by extension (``rules.uploads``: magic bytes, the ZIP entries of Office
and OpenDocument files), names cleaned of bidirectional and control characters, a per-task quota
(``TASK_EVIDENCE_QUOTA_BYTES``), written owner-only (0600 in a 0700 directory). ``check_upload`` is the
one validation every upload goes through (tasks, indicators, plan documents).
"""

from __future__ import annotations

import io
import logging
import mimetypes
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tracker.accounts.models import User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.private_files import write_private
from tracker.rules.journal import JournalAction
from tracker.rules.uploads import ACCEPTED, HEAD_BYTES, Quota, clean_filename, extension, quota_refusal, upload_refusal
from tracker.tasks.journal import journal
from tracker.tasks.models import Attachment, Task

log = logging.getLogger(__name__)

ALLOWED_EVIDENCE = frozenset(ACCEPTED)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed ``check_upload``: its cleaned name, its bytes and their content type."""

    name: str
    data: bytes
    content_type: str

    @property
    def ext(self) -> str:
        return extension(self.name)


@dataclass(frozen=True)
class StoredFile:
    name: str
    stored: str
    content_type: str
    size: int


def _zip_names(data: bytes) -> list[str] | None:
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()[:10_000]
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def check_upload(upload: FileStorage | None, field: str, limit: int | None = None) -> CheckedUpload:
    """Read and check an uploaded document — name cleaned, kind by content, size, not empty — without
    writing anything; a refusal is a ``ValidationFailed`` on ``field`` with a Vietnamese message.
    ``limit``: the largest size in bytes (default ``MAX_UPLOAD_BYTES``)."""
    if upload is None or not upload.filename:
        raise ValidationFailed({field: "Vui lòng chọn tệp."})
    name = clean_filename(upload.filename)
    if extension(name) not in ALLOWED_EVIDENCE:
        raise ValidationFailed({field: upload_refusal(name, b"x") or "Loại tệp không được phép."})
    limit = current_app.config["MAX_UPLOAD_BYTES"] if limit is None else limit
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed({field: f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB)."})
    refusal = upload_refusal(name, data[:HEAD_BYTES], _zip_names(data))
    if refusal:
        log.info("upload %r refused: %s", name, refusal)
        raise ValidationFailed({field: refusal})
    return CheckedUpload(name, data, mimetypes.guess_type(name)[0] or "application/octet-stream")


def keep(checked: CheckedUpload) -> StoredFile:
    """Write a checked upload under UPLOAD_DIR with a random name, owner-only."""
    stored = uuid.uuid4().hex + checked.ext
    write_private(Path(current_app.config["UPLOAD_DIR"]) / stored, checked.data)
    return StoredFile(checked.name, stored, checked.content_type, len(checked.data))


def store_upload(upload: FileStorage, field: str) -> StoredFile:
    """``check_upload`` then ``keep``: tasks and indicators share it."""
    return keep(check_upload(upload, field))


def evidence_bytes(task_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(Attachment.size), 0)).where(Attachment.task_id == task_id)) or 0


def add_attachment(task: Task, upload: FileStorage | None, actor: User) -> Attachment:
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": "Vui lòng chọn tệp tài liệu kiểm chứng."})
    checked = check_upload(upload, "file")
    refusal = quota_refusal(
        Quota(evidence_bytes(task.id), len(checked.data), current_app.config.get("TASK_EVIDENCE_QUOTA_BYTES", 0))
    )
    if refusal:
        raise ValidationFailed({"file": refusal})
    kept = keep(checked)
    att = Attachment(
        task_id=task.id,
        filename=kept.name,
        stored_name=kept.stored,
        content_type=kept.content_type,
        size=kept.size,
        uploaded_by_id=actor.id,
    )
    db.session.add(att)
    journal(task, actor, JournalAction.ATTACHMENT_ADDED, "attachment", "", kept.name)
    db.session.flush()
    return att


def attachment_path(att: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / att.stored_name
