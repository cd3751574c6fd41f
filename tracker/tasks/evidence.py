"""Tài liệu kiểm chứng: evidence files, checked, stored outside the web root and journaled."""

from __future__ import annotations

import logging
import mimetypes
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from tracker.accounts.models import User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.rules.journal import JournalAction
from tracker.tasks.journal import journal
from tracker.tasks.models import Attachment, Task

log = logging.getLogger(__name__)

ALLOWED_EVIDENCE = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".odt",
    ".ods",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".tif",
    ".tiff",
}


@dataclass(frozen=True)
class StoredFile:
    name: str
    stored: str
    content_type: str
    size: int


def store_upload(upload: FileStorage, field: str) -> StoredFile:
    """Check an uploaded evidence file (kind, size, not empty) and keep it under UPLOAD_DIR with a random
    name; a refusal is a ValidationFailed on ``field``, with nothing written. Tasks and indicators share it."""
    name = Path(upload.filename or "").name.strip()[:255]
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED_EVIDENCE:
        raise ValidationFailed({field: f"Loại tệp “{ext or name}” không được phép. Chấp nhận: PDF, Word, Excel, ảnh."})
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed({field: f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB)."})
    if not data:
        raise ValidationFailed({field: "Tệp rỗng."})
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stored = uuid.uuid4().hex + ext
    (folder / stored).write_bytes(data)
    return StoredFile(name, stored, mimetypes.guess_type(name)[0] or "application/octet-stream", len(data))


def add_attachment(task: Task, upload: FileStorage | None, actor: User) -> Attachment:
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": "Vui lòng chọn tệp tài liệu kiểm chứng."})
    kept = store_upload(upload, "file")
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
