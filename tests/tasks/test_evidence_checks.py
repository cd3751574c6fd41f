"""Evidence uploads through the page (issue 16.10): checked by content, names cleaned, a per-task quota,
files and directories owner-only; and the SQLite database file owner-only."""

from __future__ import annotations

import os
import stat

from sqlalchemy import select

from tests.conftest import build_app, login
from tests.rules.test_uploads import real_docx, real_pdf
from tests.tasks.test_task_pages import post_file
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.private_files import private_sqlite, sqlite_path
from tracker.tasks.models import Attachment, TaskEvent


def _attachments(app, task_id) -> list[Attachment]:
    with app.app_context():
        rows = db.session.scalars(select(Attachment).where(Attachment.task_id == task_id).order_by(Attachment.id)).all()
        for r in rows:
            db.session.expunge(r)
        return list(rows)


def test_an_executable_or_html_named_pdf_is_refused_and_nothing_is_kept(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit)
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    before = set(os.listdir(app.config["UPLOAD_DIR"])) if os.path.isdir(app.config["UPLOAD_DIR"]) else set()
    for name, content in [
        ("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 200),
        ("bao-cao.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("bao-cao.docx", b"#!/bin/sh\necho pwned\n"),
        ("bao-cao.docx", real_pdf()),
    ]:
        response = post_file(client, f"/tasks/{task}/attachments", token, name, content)
        assert response.status_code == 422, name
        assert "bao-cao" in response.get_data(as_text=True)
    assert _attachments(app, task) == []
    after = set(os.listdir(app.config["UPLOAD_DIR"])) if os.path.isdir(app.config["UPLOAD_DIR"]) else set()
    assert after == before


def test_real_documents_are_kept_owner_only_under_a_clean_name(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit)
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    assert post_file(client, f"/tasks/{task}/attachments", token, "Biên bản\u202e.pdf", real_pdf()).status_code == 302
    assert post_file(client, f"/tasks/{task}/attachments", token, "Báo\x07 cáo\u2066.docx", real_docx()).status_code == 302
    kept = _attachments(app, task)
    assert [a.filename for a in kept] == ["Biên bản.pdf", "Báo cáo.docx"]
    folder = app.config["UPLOAD_DIR"]
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for att in kept:
        path = os.path.join(folder, att.stored_name)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with app.app_context():
        assert (
            db.session.scalar(
                select(TaskEvent.new_value).where(TaskEvent.task_id == task, TaskEvent.field == "attachment").limit(1)
            )
            == "Biên bản.pdf"
        )
    downloaded = client.get(f"/attachments/{kept[0].id}")
    assert downloaded.status_code == 200 and downloaded.data.startswith(b"%PDF-")
    downloaded.close()


def test_a_task_s_evidence_has_a_quota(client, factory, app):
    unit = factory.unit()
    task, other = factory.task(factory.plan(), unit), factory.task(factory.plan(), unit)
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    old = app.config.get("TASK_EVIDENCE_QUOTA_BYTES")
    app.config["TASK_EVIDENCE_QUOTA_BYTES"] = 1024 * 1024
    try:
        pdf = b"%PDF-1.4\n" + b"0" * (600 * 1024)
        assert post_file(client, f"/tasks/{task}/attachments", token, "mot.pdf", pdf).status_code == 302
        refused = post_file(client, f"/tasks/{task}/attachments", token, "hai.pdf", pdf)
        assert refused.status_code == 422
        assert "vượt hạn mức" in refused.get_data(as_text=True) and "1,0 MB" in refused.get_data(as_text=True)
        assert [a.filename for a in _attachments(app, task)] == ["mot.pdf"]
        # The quota is per task: another task takes the same file.
        assert post_file(client, f"/tasks/{other}/attachments", token, "hai.pdf", pdf).status_code == 302
    finally:
        app.config["TASK_EVIDENCE_QUOTA_BYTES"] = old


def test_the_sqlite_database_file_is_created_owner_only(tmp_path):
    if os.environ.get("TEST_DATABASE_URL"):
        assert sqlite_path(os.environ["TEST_DATABASE_URL"]) is None
    app = build_app(tmp_path, name="private")
    with app.app_context():
        db.engine.dispose()
    path = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    if path is not None:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    # An existing file with wider rights is narrowed; other URIs are left alone.
    loose = tmp_path / "loose.db"
    loose.write_bytes(b"")
    os.chmod(loose, 0o644)
    private_sqlite(f"sqlite:///{loose}")
    assert stat.S_IMODE(os.stat(loose).st_mode) == 0o600
    assert sqlite_path("postgresql+psycopg://u@h/db") is None and sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("sqlite+pysqlite:////tmp/x.db?mode=rwc") is not None
