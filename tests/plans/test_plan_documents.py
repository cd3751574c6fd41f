"""The plan's own signed document (issue 15, item 9): uploaded by văn phòng or lãnh đạo, checked and stored
like task evidence, listed on the plan page newest first, downloadable by every signed-in account,
removable, every change on the audit trail."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from tests.conftest import csrf_token, login
from tests.rules.test_uploads import real_docx
from tracker.accounts.models import Role
from tracker.audit.models import AuditAction, AuditEntry
from tracker.extensions import db
from tracker.plans.models import PlanDocument

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _upload(client, plan: int, name: str, content: bytes, note: str = ""):
    token = csrf_token(client, f"/plans/{plan}")
    data = {"csrf_token": token, "note": note, "file": (io.BytesIO(content), name)}
    return client.post(f"/plans/{plan}/documents", data=data, content_type="multipart/form-data", follow_redirects=True)


def _documents(app) -> list[PlanDocument]:
    with app.app_context():
        return list(db.session.scalars(select(PlanDocument).order_by(PlanDocument.id)))


def _stored(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_office_uploads_versions_and_everyone_downloads(client, app, factory):
    plan = factory.plan("25/KH-SNV")
    login(client, factory.user(Role.OFFICE))
    page = _upload(client, plan, "KH-25-ban-ky.pdf", PDF, "Bản ký ngày 15/01/2024").get_data(as_text=True)
    assert "Đã tải lên văn bản kế hoạch." in page
    first = _documents(app)[-1]
    assert (first.filename, first.note, first.size, first.content_type) == (
        "KH-25-ban-ky.pdf",
        "Bản ký ngày 15/01/2024",
        len(PDF),
        "application/pdf",
    )
    assert first.stored_name in _stored(app) and first.stored_name != first.filename
    page = _upload(client, plan, "KH-25-sua-doi.pdf", PDF + b"v2", "Sửa đổi lần 1").get_data(as_text=True)
    section = page[page.index('data-testid="plan-documents"') :]
    # Newest first, the newest marked current; the earlier one is kept.
    assert section.index("KH-25-sua-doi.pdf") < section.index("Bản hiện hành") < section.index("KH-25-ban-ky.pdf")
    other = app.test_client()
    login(other, factory.user(Role.STAFF, factory.unit()))
    seen = other.get(f"/plans/{plan}").get_data(as_text=True)
    assert "KH-25-ban-ky.pdf" in seen and 'action="/plans/' + str(plan) + '/documents"' not in seen  # no upload form
    response = other.get(f"/plan-documents/{first.id}")
    assert response.status_code == 200 and response.data == PDF
    assert "KH-25-ban-ky.pdf" in response.headers["Content-Disposition"]
    response.close()
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == plan)).all()
    assert actions.count(AuditAction.PLAN_DOCUMENT_ADDED.value) == 2


def test_leader_may_upload_unit_heads_may_not(client, app, factory):
    plan = factory.plan()
    login(client, factory.user(Role.LEADER))
    assert "Đã tải lên văn bản kế hoạch." in _upload(client, plan, "kh.docx", real_docx()).get_data(as_text=True)
    head = app.test_client()
    login(head, factory.user(Role.UNIT_HEAD, factory.unit()))
    token = csrf_token(head, f"/plans/{plan}")
    refused = head.post(f"/plans/{plan}/documents", data={"csrf_token": token, "file": (io.BytesIO(PDF), "x.pdf")})
    assert refused.status_code == 403
    doc = _documents(app)[-1]
    assert head.post(f"/plan-documents/{doc.id}/delete", data={"csrf_token": token}).status_code == 403
    assert len(_documents(app)) == 1


def test_refused_files_leave_nothing_behind(client, app, factory):
    plan = factory.plan()
    login(client, factory.user(Role.OFFICE))
    files_before = _stored(app)
    cases = [
        ("chay-thu.exe", b"MZ\x90\x00", "phải là tệp PDF hoặc Word"),
        ("anh-chup.png", b"\x89PNG\r\n", "phải là tệp PDF hoặc Word"),
        ("rong.pdf", b"", "Tệp rỗng."),
        ("qua-lon.pdf", b"%PDF" + b"0" * (1024 * 1024), "Tệp quá lớn"),
        ("ghi-chu.pdf", PDF, "ký tự xuống dòng"),
    ]
    for name, content, message in cases:
        note = "dòng một\ndòng hai" if name == "ghi-chu.pdf" else ""
        page = _upload(client, plan, name, content, note).get_data(as_text=True)
        assert message in page, name
    token = csrf_token(client, f"/plans/{plan}")
    page = client.post(f"/plans/{plan}/documents", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "Vui lòng chọn tệp văn bản kế hoạch" in page
    assert _documents(app) == [] and _stored(app) == files_before


def test_removing_a_version_removes_its_file_and_is_audited(client, app, factory):
    plan = factory.plan()
    login(client, factory.user(Role.OFFICE))
    _upload(client, plan, "ban-ky.pdf", PDF)
    doc = _documents(app)[-1]
    token = csrf_token(client, f"/plans/{plan}")
    page = client.post(f"/plan-documents/{doc.id}/delete", data={"csrf_token": token}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Đã gỡ văn bản kế hoạch." in page and "Chưa có tệp văn bản kế hoạch." in page
    assert _documents(app) == [] and doc.stored_name not in _stored(app)
    assert client.get(f"/plan-documents/{doc.id}").status_code == 404
    with app.app_context():
        removed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PLAN_DOCUMENT_REMOVED.value)).one()
        assert removed.target_id == plan and removed.details["filename"] == "ban-ky.pdf"
