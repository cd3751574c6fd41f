"""The JSON API: token auth, the same rules and messages as the pages, and an honest OpenAPI document."""

import re

from tracker.accounts.models import Role, User
from tracker.api.openapi import openapi_document
from tracker.extensions import db


def token_for(app, username: str) -> dict:
    with app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        token = user.new_api_token()
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_token_is_required(client):
    response = client.get("/api/v1/plans")
    assert response.status_code == 401
    assert "mã truy cập" in response.get_json()["error"]["message"]
    assert client.get("/api/v1/plans", headers={"Authorization": "Bearer sai"}).status_code == 401


def test_create_plan_and_tasks_then_summary(client, factory, app):
    unit = factory.unit()
    auth = token_for(app, factory.user(Role.OFFICE))
    factory.issuer_id("Sở TT&TT")  # the issuer must be in the list (issue 10)
    response = client.post(
        "/api/v1/plans",
        headers=auth,
        json={"number": "01/KH.CCHC-STTTT", "title": "Kế hoạch CCHC 2023", "issuer": "Sở TT&TT", "issued_on": "2023-01-17"},
    )
    assert response.status_code == 201, response.get_json()
    plan = response.get_json()["id"]
    parent = client.post(
        f"/api/v1/plans/{plan}/tasks",
        headers=auth,
        json={"title": "Cải cách thể chế", "lead_unit_id": unit, "deadline": "Trong năm 2023"},
    ).get_json()
    done = client.post(
        f"/api/v1/plans/{plan}/tasks",
        headers=auth,
        json={"title": "Rà soát văn bản", "lead_unit_id": unit, "deadline": "Quý II/2023", "parent_id": parent["id"]},
    ).get_json()
    open_ = client.post(
        f"/api/v1/plans/{plan}/tasks",
        headers=auth,
        json={"title": "Kiểm tra", "lead_unit_id": unit, "due_date": "2023-10-31", "parent_id": parent["id"]},
    ).get_json()
    assert done["due_date"] == "2023-06-30" and done["deadline_text"] == "Quý II/2023"
    assert open_["deadline_kind"] == "fixed" and open_["effective_due"] == "2023-10-31"
    patched = client.patch(
        f"/api/v1/tasks/{done['id']}", headers=auth, json={"status": "done", "completed_on": "2023-06-20", "result": "Xong"}
    )
    assert patched.status_code == 200 and patched.get_json()["box"] == "done_on_time"
    summary = client.get(f"/api/v1/plans/{plan}/summary?as_of=2023-12-15", headers=auth).get_json()
    assert summary["total"] == 2 and summary["completed"] == 1 and summary["open_overdue"] == 1
    assert summary["rate_all"] == "50,00" and summary["rate_due"] == "50,00"
    assert summary["headline"] == "Đã thực hiện 1/2 phần việc, đạt tỷ lệ 50,00%"
    # The same figures for a date before completion.
    earlier = client.get(f"/api/v1/plans/{plan}/summary?as_of=2023-06-01", headers=auth).get_json()
    assert earlier["completed"] == 0 and earlier["open_in_time"] == 2
    listed = client.get(f"/api/v1/tasks?plan_id={plan}&box=open_overdue&as_of=2023-12-15", headers=auth).get_json()
    assert [t["id"] for t in listed["items"]] == [open_["id"]]


def test_validation_messages_are_vietnamese_json(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    auth = token_for(app, factory.user(Role.OFFICE))
    bad = client.post(
        "/api/v1/plans", headers=auth, json={"number": "KH-1", "title": "", "issuer": "X", "issued_on": "2024-02-30"}
    )
    assert bad.status_code == 422
    assert "không tồn tại" in bad.get_json()["error"]["fields"]["issued_on"]
    bad = client.post(
        "/api/v1/plans", headers=auth, json={"number": "KH-1", "title": "", "issuer": "X", "issued_on": "2024-02-10"}
    )
    fields = bad.get_json()["error"]["fields"]
    assert "không đúng thể thức" in fields["number"] and "trích yếu" in fields["title"]
    bad = client.post(
        f"/api/v1/plans/{plan}/tasks", headers=auth, json={"title": "A", "lead_unit_id": 99999, "deadline": "Quý I/2024"}
    )
    assert "Đơn vị chủ trì không tồn tại" in bad.get_json()["error"]["fields"]["lead_unit_id"]
    bad = client.post(
        f"/api/v1/plans/{plan}/tasks",
        headers=auth,
        json={"title": "A", "lead_unit_id": unit, "deadline": "Quý I/2024", "start_date": "2024-05-01"},
    )
    assert "không được trước ngày bắt đầu" in bad.get_json()["error"]["fields"]["deadline_text"]
    bad = client.post(f"/api/v1/plans/{plan}/tasks", headers=auth, data="không phải JSON", content_type="application/json")
    assert bad.status_code == 422 and "JSON" in bad.get_json()["error"]["message"]
    task = factory.task(plan, unit)
    bad = client.patch(f"/api/v1/tasks/{task}", headers=auth, json={"status": "done", "completed_on": "2030-01-01"})
    assert "không được sau ngày hôm nay" in bad.get_json()["error"]["fields"]["completed_on"]
    bad = client.patch(f"/api/v1/tasks/{task}", headers=auth, json={"status": "finished"})
    assert "Giá trị không hợp lệ" in bad.get_json()["error"]["fields"]["status"]
    assert client.get("/api/v1/tasks?as_of=hôm-qua", headers=auth).status_code == 422
    assert client.get("/api/v1/tasks/999999", headers=auth).status_code == 404
    assert client.get("/api/v1/tasks/999999", headers=auth).get_json()["error"]["code"] == 404


def test_api_applies_the_same_permissions(client, factory, app):
    mine, theirs = factory.unit(), factory.unit()
    plan = factory.plan()
    other = factory.task(plan, theirs)
    own = factory.task(plan, mine)
    auth = token_for(app, factory.user(Role.UNIT_HEAD, mine))
    assert client.patch(f"/api/v1/tasks/{other}", headers=auth, json={"status": "in_progress"}).status_code == 403
    assert client.post("/api/v1/plans", headers=auth, json={}).status_code == 403
    assert client.patch(f"/api/v1/tasks/{own}", headers=auth, json={"status": "done"}).get_json()["confirmation"] == "pending"
    office = token_for(app, factory.user(Role.OFFICE))
    returned = client.post(f"/api/v1/tasks/{own}/return", headers=office, json={"reason": "Chưa có văn bản"})
    assert returned.get_json()["status"] == "in_progress" and returned.get_json()["confirmation"] == "returned"
    client.patch(f"/api/v1/tasks/{own}", headers=auth, json={"status": "done"})
    assert client.post(f"/api/v1/tasks/{own}/confirm", headers=auth).status_code == 403
    assert client.post(f"/api/v1/tasks/{own}/confirm", headers=office).get_json()["confirmation"] == "confirmed"


def test_extension_through_the_api(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, "Quý IV/2024")
    head = token_for(app, factory.user(Role.UNIT_HEAD, unit))
    leader = token_for(app, factory.user(Role.LEADER))
    ext = client.post(
        f"/api/v1/tasks/{task}/extensions", headers=head, json={"reason": "Chờ số liệu", "proposed_due": "2025-02-28"}
    )
    assert ext.status_code == 201
    ext_id = ext.get_json()["id"]
    assert client.post(f"/api/v1/extensions/{ext_id}/decision", headers=head, json={"approve": True}).status_code == 403
    bad = client.post(f"/api/v1/extensions/{ext_id}/decision", headers=leader, json={"approve": "yes"})
    assert bad.status_code == 422
    ok = client.post(f"/api/v1/extensions/{ext_id}/decision", headers=leader, json={"approve": True, "note": "Đồng ý"})
    assert ok.get_json()["state"] == "approved"
    t = client.get(f"/api/v1/tasks/{task}", headers=head).get_json()
    assert t["due_date"] == "2024-12-31" and t["extended_due"] == "2025-02-28" and t["effective_due"] == "2025-02-28"


def test_openapi_lists_exactly_the_api_routes(app):
    doc = openapi_document()
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    actual = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                actual.add((path, method))
    assert documented == actual


def test_openapi_is_served(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/api/v1/plans/{plan_id}/summary" in doc["paths"]
