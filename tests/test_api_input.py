"""The API at input (issue 16.1, 16.2, 16.4, 16.10): the same text rule and limits as the forms, dates in
the year window, ids and numbers bounded, booleans that are booleans, JSON that cannot be stored refused —
each a 4xx with a Vietnamese message and nothing saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.models import ExtensionRequest, Task


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def office(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    return {"auth": token_for(app, factory.user(Role.OFFICE)), "unit": unit, "plan": plan, "task": task}


def _refused(response, field: str | None, *words: str) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    error = response.get_json()["error"]
    text = (error.get("fields") or {}).get(field, "") if field else error["message"]
    for word in words:
        assert word in text, (field, error)
    return error


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", "Tiêu đề\r\nBcc: x@example.com", ["“Tên nhiệm vụ / phần việc”", "một dòng"]),
        ("title", "Tên\x0bnhiệm vụ", ["U+000B"]),
        ("deadline", "Quý III\n2024", ["“Thời hạn theo văn bản”", "một dòng"]),
        ("ordinal", "1\x00", ["U+0000"]),
        ("description", "Dòng 1\x07", ["“Nội dung chi tiết”", "U+0007"]),  # named by the form's label, not the key
        ("title", "a" * 2001, ["tối đa 2.000 ký tự"]),
        ("ordinal", "1" * 31, ["tối đa 30 ký tự"]),
    ],
)
def test_task_text_refused_like_the_form(client, app, office, field, value, words):
    before = _count(app, Task)
    body = {"title": "Nhiệm vụ", "lead_unit_id": office["unit"], "deadline": "Quý III/2024", field: value}
    response = client.post(f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], json=body)
    _refused(response, field, *words)
    assert _count(app, Task) == before


def test_multi_line_text_keeps_its_lines(client, app, office):
    body = {"title": "Nhiệm vụ", "lead_unit_id": office["unit"], "deadline": "Quý III/2024", "description": "Dòng 1\nDòng 2\tcột"}
    response = client.post(f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], json=body)
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        assert db.session.get(Task, response.get_json()["id"]).description == "Dòng 1\nDòng 2\tcột"


def test_a_5_mb_result_is_refused_with_the_forms_limit(client, app, factory, office):
    big = "kết quả " * (5 * 1024 * 1024 // 8)
    response = client.patch(f"/api/v1/tasks/{office['task']}", headers=office["auth"], json={"result": big})
    # 413 where the server's body limit is below 5 MB (the tests' 2 MB), 422 with the form's limit above it.
    assert response.status_code in (413, 422)
    assert response.get_json()["error"]["message"]
    over = client.patch(f"/api/v1/tasks/{office['task']}", headers=office["auth"], json={"result": "x" * 20001})
    _refused(over, "result", "“Kết quả thực hiện”", "tối đa 20.000 ký tự")


@pytest.mark.parametrize("value", ["false", 0, 1, "yes", None, [], "true"])
def test_booleans_are_json_booleans(client, app, office, value):
    factory_body = {"number": "09/KH-X", "title": "Kế hoạch", "issued_on": "2024-01-05", "requires_confirmation": value}
    before = _count(app, Plan)
    response = client.post("/api/v1/plans", headers=office["auth"], json=factory_body)
    _refused(response, "requires_confirmation", "true hoặc false")
    assert _count(app, Plan) == before


@pytest.mark.parametrize("value", ["false", 0, "yes"])
def test_extension_decision_approve_is_a_boolean(client, app, factory, office, value):
    head = token_for(app, factory.user(Role.UNIT_HEAD, office["unit"]))
    made = client.post(
        f"/api/v1/tasks/{office['task']}/extensions", headers=head, json={"reason": "Chờ số liệu", "proposed_due": "2025-03-31"}
    )
    assert made.status_code == 201, made.get_json()
    leader = token_for(app, factory.user(Role.LEADER))
    response = client.post(f"/api/v1/extensions/{made.get_json()['id']}/decision", headers=leader, json={"approve": value})
    _refused(response, "approve", "true")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("tasks", {"due_date": "9999-12-31"}, "due_date"),
        ("tasks", {"due_date": "1024-05-01"}, "due_date"),
        ("tasks", {"start_date": "0001-01-01", "deadline": "Quý III/2024"}, "start_date"),
        ("plans", {"issued_on": "1024-01-01"}, "issued_on"),
        ("plans", {"issued_on": "2024-01-01", "year": 9999}, "year"),
    ],
)
def test_dates_outside_the_window_are_refused(client, app, office, path, body, field):
    url = "/api/v1/plans" if path == "plans" else f"/api/v1/plans/{office['plan']}/tasks"
    base = (
        {"number": "10/KH-X", "title": "T", "issued_on": "2024-01-01"}
        if path == "plans"
        else {"title": "T", "lead_unit_id": office["unit"]}
    )
    response = client.post(url, headers=office["auth"], json=base | body)
    _refused(response, field, "nằm ngoài khoảng cho phép", "2000", "2100")


def test_completion_and_extension_dates_outside_the_window(client, app, factory, office):
    response = client.patch(
        f"/api/v1/tasks/{office['task']}", headers=office["auth"], json={"status": "done", "completed_on": "9999-12-31"}
    )
    _refused(response, "completed_on", "nằm ngoài khoảng")
    head = token_for(app, factory.user(Role.UNIT_HEAD, office["unit"]))
    before = _count(app, ExtensionRequest)
    response = client.post(
        f"/api/v1/tasks/{office['task']}/extensions", headers=head, json={"reason": "Lý do", "proposed_due": "9999-12-31"}
    )
    _refused(response, "proposed_due", "nằm ngoài khoảng")
    assert _count(app, ExtensionRequest) == before


def test_a_deadline_phrase_in_year_1024_is_undetermined_with_the_reason(client, office):
    body = {"title": "Nhiệm vụ", "lead_unit_id": office["unit"], "deadline": "Trong năm 1024"}
    response = client.post(f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], json=body)
    assert response.status_code == 201
    task = response.get_json()
    assert task["deadline_kind"] == "undetermined" and task["due_date"] is None
    assert "1024 nằm ngoài khoảng cho phép" in task["warnings"]["deadline"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lead_unit_id": 2**64}, "lead_unit_id"),
        ({"lead_unit_id": 2**63}, "lead_unit_id"),
        ({"lead_unit_id": -1}, "lead_unit_id"),
        ({"lead_unit_id": 1.5}, "lead_unit_id"),
        ({"lead_unit_id": "١٢"}, "lead_unit_id"),
        ({"parent_id": 2**63}, "parent_id"),
        ({"assignee_id": 10**30}, "assignee_id"),
        ({"cooperating_unit_ids": [2**63]}, "cooperating_unit_ids"),
        ({"cooperating_unit_ids": list(range(1, 2002))}, "cooperating_unit_ids"),
    ],
)
def test_ids_in_bodies_are_bounded(client, app, office, body, field):
    before = _count(app, Task)
    response = client.post(
        f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], json={"title": "T", "deadline": "Quý III/2024"} | body
    )
    _refused(response, field)
    assert _count(app, Task) == before


@pytest.mark.parametrize("progress", [2**63, -1, 101, 1.5, "50"])
def test_progress_is_an_integer_from_0_to_100(client, office, progress):
    response = client.patch(f"/api/v1/tasks/{office['task']}", headers=office["auth"], json={"progress": progress})
    _refused(response, "progress")


@pytest.mark.parametrize(
    "raw",
    [
        '{"title": "\\ud800"}',
        '{"title": "a\\udc00b"}',
        '{"a": ["\\udbff"]}',
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "[1, 2]",
        '"chuỗi"',
        "12",
        "{bad",
    ],
)
def test_bodies_that_cannot_be_stored_are_a_422(client, app, office, raw):
    before = _count(app, Task)
    response = client.post(
        f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], data=raw, content_type="application/json"
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:200]
    assert "JSON" in response.get_json()["error"]["message"]
    assert _count(app, Task) == before


def test_a_valid_surrogate_pair_is_fine(client, office):
    unit = office["unit"]
    body = f'{{"title": "Nhi\\u1ec7m v\\u1ee5 \\ud83d\\ude00", "lead_unit_id": {unit}, "deadline": "Quý III/2024"}}'
    response = client.post(
        f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], data=body, content_type="application/json"
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == "Nhiệm vụ 😀"


@pytest.mark.parametrize(
    "query",
    [
        "plan_id=9223372036854775808",
        "plan_id=%C2%B2",  # ²
        "unit_id=%D9%A1%D9%A2",  # ١٢
        "page=%EF%BC%91",  # fullwidth 1
        "per_page=-1",
        "as_of=9999-12-31",
        "as_of=0001-01-01",
    ],
)
def test_query_numbers_and_dates_are_refused(client, office, query):
    response = client.get(f"/api/v1/tasks?{query}", headers=office["auth"])
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:200]
    assert response.get_json()["error"]


@pytest.mark.parametrize("task_id", ["9223372036854775808", "9223372036854775807", "%C2%B2", "%D9%A1", "%EF%BC%91", "-1", "1.5"])
def test_ids_in_paths_are_404(client, office, task_id):
    response = client.get(f"/api/v1/tasks/{task_id}", headers=office["auth"])
    assert response.status_code == 404
    assert response.get_json()["error"]["message"]
