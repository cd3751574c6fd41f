"""Tài liệu kiểm chứng: evidence files, checked, stored outside the web root and journaled."""

from __future__ import annotations

import logging
import mimetypes
import uuid
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


def add_attachment(task: Task, upload: FileStorage | None, actor: User) -> Attachment:
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": "Vui lòng chọn tệp tài liệu kiểm chứng."})
    name = Path(upload.filename).name.strip()[:255]
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED_EVIDENCE:
        raise ValidationFailed({"file": f"Loại tệp “{ext or name}” không được phép. Chấp nhận: PDF, Word, Excel, ảnh."})
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed({"file": f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB)."})
    if not data:
        raise ValidationFailed({"file": "Tệp rỗng."})
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stored = uuid.uuid4().hex + ext
    (folder / stored).write_bytes(data)
    att = Attachment(
        task_id=task.id,
        filename=name,
        stored_name=stored,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(data),
        uploaded_by_id=actor.id,
    )
    db.session.add(att)
    journal(task, actor, JournalAction.ATTACHMENT_ADDED, "attachment", "", name)
    db.session.flush()
    return att


def attachment_path(att: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / att.stored_name
