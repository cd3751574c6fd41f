"""The JSON API: token auth, the same rules and messages as the pages, and an honest OpenAPI document."""

import re
from datetime import datetime

import pytest

from tracker import clock
from tracker.accounts.models import Role, User
from tracker.api.openapi import openapi_document
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.status import Box


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
        if rule.rule.startswith("/api/v1"):  # every feature's API routes, not only the core blueprint's
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                actual.add((path, method))
    assert documented == actual


def test_openapi_is_served(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/api/v1/plans/{plan_id}/summary" in doc["paths"]


@pytest.fixture
def demo(runner):
    # The demo records work finished up to early 2025, so it is loaded on a later "today".
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    return runner


def _query_for(figure: str) -> str:
    """The list behind each figure of the summary."""
    special = {
        "total": "box=counted",
        "completed": "box=done",
        "open": "box=open",
        "awaiting_confirmation": "box=done&confirmation=pending",
        "extended": "box=counted&extended=1",
    }
    return special.get(figure, f"box={figure}")


COUNTED_FIGURES = (
    "total",
    "completed",
    "open",
    *(b.value for b in Box),
    "awaiting_confirmation",
    "extended",
)


@pytest.mark.parametrize(
    "number,dates",
    [
        ("01/KH.CCHC-STTTT", ("2023-12-15", "2024-06-30", "2025-06-02")),
        ("25/KH-SNV", ("2024-06-30", "2024-12-15", "2025-06-02")),
    ],
)
def test_every_figure_of_the_summary_equals_the_api_list(app, demo, number, dates):
    client = app.test_client()
    auth = token_for(app, "vanphong")
    with app.app_context():
        plan_id = db.session.query(Plan.id).filter_by(number=number).scalar()
    nonzero = set()
    for as_of in dates:
        summary = client.get(f"/api/v1/plans/{plan_id}/summary?as_of={as_of}", headers=auth).get_json()
        assert set(COUNTED_FIGURES) <= set(summary)
        for figure in COUNTED_FIGURES:
            for leaves in ("", "&leaves=1"):
                url = f"/api/v1/tasks?plan_id={plan_id}&{_query_for(figure)}&as_of={as_of}&per_page=500{leaves}"
                listed = client.get(url, headers=auth).get_json()
                assert listed["total"] == len(listed["items"]) == summary[figure], (url, listed["total"], summary[figure])
                assert all(t["is_leaf"] and t["rollup"] is None for t in listed["items"]), url
            if summary[figure]:
                nonzero.add(figure)
        if number == "01/KH.CCHC-STTTT" and as_of == "2023-12-15":
            # The case: 3 open within their deadline, not the 7 nhiệm vụ beside them.
            assert (summary["total"], summary["completed"], summary["open_in_time"]) == (47, 41, 3)
    # The dates chosen exercise the figures that matter (the demo has no undated phần việc in seed 003).
    assert {"total", "completed", "open", "done_on_time", "done_late", "open_in_time", "open_overdue"} <= nonzero


def test_a_parent_has_no_box_but_its_childrens_rollup(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    auth = token_for(app, factory.user(Role.OFFICE))
    parent = factory.task(plan, unit, "Trong năm 2024")
    done = factory.task(plan, unit, "Quý II/2024", parent_id=parent)
    late = factory.task(plan, unit, "Tháng 8/2024", parent_id=parent)
    factory.task(plan, unit, "Quý IV/2024", parent_id=parent)
    client.patch(f"/api/v1/tasks/{done}", headers=auth, json={"status": "done", "completed_on": "2024-06-20"})
    got = client.get(f"/api/v1/tasks/{parent}", headers=auth).get_json()
    assert got["box"] is None and got["is_leaf"] is False
    assert got["rollup"] == {"completed": 1, "total": 3, "overdue": 1, "text": "1/3 phần việc hoàn thành, 1 quá hạn"}
    assert got["box_label"] == "1/3 phần việc hoàn thành, 1 quá hạn"
    # At an earlier date the same parent reads its children at that date.
    earlier = client.get(f"/api/v1/tasks/{parent}?as_of=2024-06-01", headers=auth).get_json()
    assert earlier["rollup"]["text"] == "0/3 phần việc hoàn thành"
    leaf = client.get(f"/api/v1/tasks/{late}", headers=auth).get_json()
    assert leaf["box"] == "open_overdue" and leaf["rollup"] is None and leaf["is_leaf"] is True
    # Unfiltered lists carry the parent with its roll-up; leaves=1 and any box filter leave it out.
    everything = client.get(f"/api/v1/tasks?plan_id={plan}", headers=auth).get_json()
    assert {t["id"]: t["box"] for t in everything["items"]}[parent] is None
    assert [t for t in everything["items"] if t["id"] == parent][0]["rollup"]["total"] == 3
    leaves = client.get(f"/api/v1/tasks?plan_id={plan}&leaves=1", headers=auth).get_json()
    assert parent not in {t["id"] for t in leaves["items"]} and leaves["total"] == 3
    # Trong năm 2024 is open in time at 01/10/2024 by its own fields, but it has no box.
    in_time = client.get(f"/api/v1/tasks?plan_id={plan}&box=open_in_time", headers=auth).get_json()
    assert parent not in {t["id"] for t in in_time["items"]} and in_time["total"] == 1
    several = client.get(f"/api/v1/tasks?plan_id={plan}&boxes=done_on_time,open_overdue", headers=auth).get_json()
    assert sorted(t["id"] for t in several["items"]) == sorted([done, late])
    # Bad values are refused with a Vietnamese message.
    for bad, name in (
        ("leaves=yes", "leaves"),
        ("box=late", "box"),
        ("boxes=done_on_time,xyz", "boxes"),
        ("confirmation=maybe", "confirmation"),
        ("extended=2", "extended"),
    ):
        response = client.get(f"/api/v1/tasks?{bad}", headers=auth)
        assert response.status_code == 422, bad
        message = response.get_json()["error"]["fields"][name]
        assert "không hợp lệ" in message or message.startswith("Phải là"), bad
    assert "counted" in client.get("/api/v1/tasks?box=late", headers=auth).get_json()["error"]["fields"]["box"]


def test_openapi_documents_the_list_filters_and_the_rollup(app):
    doc = openapi_document()
    params = {p["name"] for p in doc["paths"]["/api/v1/tasks"]["get"]["parameters"]}
    assert {"leaves", "box", "boxes", "confirmation", "extended"} <= params
    task = doc["components"]["schemas"]["Task"]["properties"]
    assert {"rollup", "is_leaf", "extension_pending"} <= set(task)
    assert set(doc["components"]["schemas"]["Rollup"]["properties"]) == {"completed", "total", "overdue", "text"}
