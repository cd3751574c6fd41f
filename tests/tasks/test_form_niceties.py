"""Issue 15, items 5 and 12 on the pages: a form sent twice creates one record, "Lưu và thêm tiếp", the
plan form's Văn phòng, the 413 that returns to the task page, the searchable multi-select's files."""

import io
import re
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import login
from tracker import ROOT
from tracker.accounts.models import Role, UnitKind, User
from tracker.extensions import db
from tracker.forms import RESUBMITTED
from tracker.plans.models import Plan
from tracker.tasks.models import Attachment, ExtensionRequest, Task

TOKEN_RE = re.compile(r'name="(?:[a-z]-)?form_token"[^>]*value="([^"]+)"')


def _form_token(client, url: str, name: str = "form_token") -> str:
    html = client.get(url).get_data(as_text=True)
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', html)
    assert found, f"no {name} on {url}"
    return found.group(1)


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_new_task_form_sent_again_after_back_creates_nothing_and_links_the_first(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    token = login(client, factory.user(Role.OFFICE))
    once = _form_token(client, f"/plans/{plan}/tasks/new")
    data = {
        "csrf_token": token,
        "form_token": once,
        "title": "Rà soát thủ tục",
        "lead_unit_id": str(unit),
        "deadline_text": "Quý III/2024",
    }
    first = client.post(f"/plans/{plan}/tasks/new", data=data)
    assert first.status_code == 302
    with app.app_context():
        task_id = db.session.scalars(select(Task.id).where(Task.plan_id == plan)).one()
    again = client.post(f"/plans/{plan}/tasks/new", data=data)  # Back, then Lưu once more
    assert again.status_code == 302 and again.headers["Location"] == f"/tasks/{task_id}"
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert RESUBMITTED in html and f'<a href="/tasks/{task_id}">nhiệm vụ 1 “Rà soát thủ tục”</a>' in html
    assert _count(app, Task, Task.plan_id == plan) == 1
    # A fresh form (a new GET) has a new token and adds the next task.
    data["form_token"] = _form_token(client, f"/plans/{plan}/tasks/new")
    assert client.post(f"/plans/{plan}/tasks/new", data=data).status_code == 302
    assert _count(app, Task, Task.plan_id == plan) == 2


def test_a_refused_form_keeps_its_token_and_saves_when_corrected(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    token = login(client, factory.user(Role.OFFICE))
    once = _form_token(client, f"/plans/{plan}/tasks/new")
    data = {"csrf_token": token, "form_token": once, "title": "", "lead_unit_id": str(unit), "deadline_text": "Quý IV/2024"}
    html = client.post(f"/plans/{plan}/tasks/new", data=data).get_data(as_text=True)
    assert "Vui lòng nhập tên nhiệm vụ." in html and f'value="{once}"' in html
    assert client.post(f"/plans/{plan}/tasks/new", data={**data, "title": "Sửa lại"}).status_code == 302
    assert _count(app, Task, Task.plan_id == plan) == 1


def test_a_new_plan_form_sent_twice_creates_one_plan(client, factory, app):
    token = login(client, factory.user(Role.OFFICE))
    once = _form_token(client, "/plans/new")
    data = {
        "csrf_token": token,
        "form_token": once,
        "doc_type": "plan",
        "number": "77/KH-SNV",
        "title": "Kế hoạch thử",
        "issuer_id": str(factory.issuer_id("Sở Nội vụ")),
        "issued_on": "15/02/2024",
        "status": "active",
    }
    assert client.post("/plans/new", data=data).status_code == 302
    with app.app_context():
        plan_id = db.session.scalars(select(Plan.id).where(Plan.number == "77/KH-SNV")).one()
    again = client.post("/plans/new", data=data)
    assert again.status_code == 302 and again.headers["Location"] == f"/plans/{plan_id}"
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert RESUBMITTED in html and "Kế hoạch số 77/KH-SNV</a> đã được tạo lần trước" in html
    # Not the "already exists" refusal of a duplicate number: the form knows it was sent.
    assert "Đã có văn bản số" not in html
    assert _count(app, Plan, Plan.number == "77/KH-SNV") == 1


def test_an_extension_request_sent_twice_is_recorded_once(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, deadline="31/12/2024")
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    once = _form_token(client, f"/tasks/{task}", "e-form_token")
    data = {"csrf_token": token, "e-form_token": once, "e-proposed_due": "31/03/2025", "e-reason": "Chờ hướng dẫn"}
    first = client.post(f"/tasks/{task}/extensions", data=data)
    assert "Đã gửi đề nghị gia hạn." in client.get(first.headers["Location"]).get_data(as_text=True)
    again = client.post(f"/tasks/{task}/extensions", data=data)
    assert again.status_code == 302
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert RESUBMITTED in html and "Đề nghị gia hạn của nhiệm vụ" in html
    assert "Đã gửi đề nghị gia hạn." not in html
    assert _count(app, ExtensionRequest, ExtensionRequest.task_id == task) == 1


def _upload(client, task, token, once, content=b"%PDF-1.4 test"):
    fields = {"csrf_token": token, "f-form_token": once, "f-file": FileStorage(io.BytesIO(content), filename="bien-ban.pdf")}
    boundary, body = encode_multipart(fields)
    return client.post(f"/tasks/{task}/attachments", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_an_evidence_upload_sent_twice_is_stored_once(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit)
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    once = _form_token(client, f"/tasks/{task}", "f-form_token")
    assert _upload(client, task, token, once).status_code == 302
    again = _upload(client, task, token, once)
    assert RESUBMITTED in client.get(again.headers["Location"]).get_data(as_text=True)
    assert _count(app, Attachment, Attachment.task_id == task) == 1
    # Sizes under 1 KB are shown in bytes.
    assert "(13 byte ·" in client.get(f"/tasks/{task}").get_data(as_text=True)


def test_save_and_add_another_keeps_the_lead_unit_and_deadline_and_names_the_task(client, factory, app):
    lead = factory.unit("Phòng Cải cách hành chính")
    plan = factory.plan()
    token = login(client, factory.user(Role.OFFICE))
    data = {
        "csrf_token": token,
        "form_token": _form_token(client, f"/plans/{plan}/tasks/new"),
        "title": "Kiểm tra công vụ",
        "lead_unit_id": str(lead),
        "deadline_text": "Quý IV/2024",
        "again": "1",
    }
    response = client.post(f"/plans/{plan}/tasks/new", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/plans/{plan}/tasks/new?")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        task_id = db.session.scalars(select(Task.id).where(Task.plan_id == plan)).one()
    assert f'Đã thêm <a href="/tasks/{task_id}">nhiệm vụ 1 “Kiểm tra công vụ”</a>.' in html
    assert f'<option selected value="{lead}">Phòng Cải cách hành chính</option>' in html
    assert 'name="deadline_text" type="text" value="Quý IV/2024"' in html
    assert 'name="title"' in html and "Kiểm tra công vụ</textarea>" not in html  # the title starts empty


def test_a_new_plan_is_followed_by_the_office_by_default(client, factory):
    factory.unit("Phòng Tổ chức")
    office = factory.unit("Văn phòng Sở", kind=UnitKind.OFFICE)
    token = login(client, factory.user(Role.OFFICE))

    def monitoring(url: str) -> str:
        html = client.get(url).get_data(as_text=True)
        return re.search(r'<select [^>]*name="monitoring_unit_id".*?</select>', html, re.S).group()

    assert f'<option selected value="{office}">Văn phòng Sở</option>' in monitoring("/plans/new")
    plan = factory.plan("5/KH-SNV")
    edit = monitoring(f"/plans/{plan}/edit")  # an existing plan keeps its own (none)
    assert '<option selected value="None">— Không —</option>' in edit and edit.count("selected") == 1
    assert token


def test_oversize_body_elsewhere_returns_to_the_referring_page_or_explains(client, factory):
    token = login(client, factory.user(Role.OFFICE))
    big = b"x" * (3 * 1024 * 1024)
    referred = client.post(
        "/imports/", data=big, content_type="application/octet-stream", headers={"Referer": "http://localhost/imports/"}
    )
    assert referred.status_code == 302 and referred.headers["Location"] == "/imports/"
    assert "Tệp gửi lên quá lớn" in client.get("/imports/").get_data(as_text=True)
    bare = client.post("/imports/", data=big, content_type="application/x-www-form-urlencoded")
    assert bare.status_code == 413 and "Tệp quá lớn" in bare.get_data(as_text=True)
    foreign = client.post(
        "/imports/", data=big, content_type="application/octet-stream", headers={"Referer": "http://evil.example/x"}
    )
    assert foreign.status_code == 413
    assert token


def test_oversize_api_body_is_a_json_413(client, factory, app):
    """The API is not sent back to a page: its 413 stays an error in JSON."""
    office = factory.user(Role.OFFICE)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == office)).one()
        bearer = user.new_api_token()
        db.session.commit()
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(b"x" * (3 * 1024 * 1024)), filename="kh.docx")})
    response = client.post(
        "/api/v1/imports",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Authorization": f"Bearer {bearer}", "Referer": "http://localhost/tasks/1"},
    )
    assert response.status_code == 413 and response.get_json()["error"]["code"] == 413


def test_the_task_form_offers_a_searchable_multiselect_served_locally(client, factory):
    factory.unit()
    plan = factory.plan()
    login(client, factory.user(Role.OFFICE))
    html = client.get(f"/plans/{plan}/tasks/new").get_data(as_text=True)
    assert re.search(r'<select [^>]*data-multiselect[^>]*multiple[^>]*name="cooperating_unit_ids"', html)
    for path in (
        "vendor/tom-select/tom-select.complete.min.js",
        "vendor/tom-select/tom-select.bootstrap5.min.css",
        "js/multiselect.js",
    ):
        assert f"/static/{path}" in html
        response = client.get(f"/static/{path}")
        assert response.status_code == 200
        response.close()
    assert "Apache License" in Path(ROOT, "static/vendor/tom-select/LICENSE").read_text()
    assert "<script>" not in html  # the CSP allows no inline script


def test_the_upload_field_carries_its_limit_for_the_browser(client, factory):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit)
    login(client, factory.user(Role.UNIT_HEAD, unit))
    html = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert 'data-max-bytes="1048576"' in html
    assert 'data-too-large="tệp quá lớn, tối đa 1,0 MB. Vui lòng chọn tệp nhỏ hơn."' in html
    assert "/static/js/upload-limit.js" in html and "tối đa 1,0 MB." in html
