"""PATCH /api/v1/plans/<id>: the plan form's edit through the API — the same operation (journaled), the
plan's version (ETag, If-Match, 412 with the current values), the form's permission, Vietnamese 422s."""

from __future__ import annotations

from sqlalchemy import select

from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.audit.models import AuditAction, AuditEntry
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus


def _plan(app, plan_id: int) -> Plan:
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        db.session.expunge(plan)
        return plan


def test_office_edits_a_plan_journaled_and_versioned(client, app, factory):
    plan_id = factory.plan(title="Kế hoạch chuyển đổi số năm 2024")
    auth = token_for(app, factory.user(Role.OFFICE))
    etag = client.get(f"/api/v1/plans/{plan_id}", headers=auth).headers["ETag"]
    saved = client.patch(
        f"/api/v1/plans/{plan_id}",
        headers={**auth, "If-Match": etag},
        json={"title": "Kế hoạch CĐS 2024", "status": "closed", "requires_confirmation": False},
    )
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["title"] == "Kế hoạch CĐS 2024" and body["status"] == "closed" and body["requires_confirmation"] is False
    assert saved.headers["ETag"] != etag
    plan = _plan(app, plan_id)
    assert plan.title == "Kế hoạch CĐS 2024" and plan.status is PlanStatus.CLOSED and plan.issued_on.year == 2024
    assert saved.headers["ETag"] == f'"{plan.version}"'
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.target_id == plan_id, AuditEntry.action == AuditAction.PLAN_UPDATED.value)
        ).one()
        assert "Kế hoạch CĐS 2024" in str(entry.details)

    stale = client.patch(f"/api/v1/plans/{plan_id}", headers={**auth, "If-Match": etag}, json={"title": "Cũ"})
    assert stale.status_code == 412
    refused = stale.get_json()
    assert "Người khác đã sửa kế hoạch này" in refused["error"]["message"]
    assert "Trích yếu Kế hoạch chuyển đổi số năm 2024 → Kế hoạch CĐS 2024" in refused["error"]["message"]
    assert refused["current"]["title"] == "Kế hoạch CĐS 2024" and stale.headers["ETag"] == saved.headers["ETag"]
    assert _plan(app, plan_id).title == "Kế hoạch CĐS 2024"
    # Without If-Match (existing clients) the edit is not checked; an unreadable If-Match is a 422.
    assert client.patch(f"/api/v1/plans/{plan_id}", headers=auth, json={"status": "active"}).status_code == 200
    garbled = client.patch(f"/api/v1/plans/{plan_id}", headers={**auth, "If-Match": "abc"}, json={"title": "X"})
    assert garbled.status_code == 422 and garbled.get_json()["error"]["errors"][0]["field"] == "If-Match"
    assert _plan(app, plan_id).title == "Kế hoạch CĐS 2024"


def test_fields_not_sent_keep_their_values(client, app, factory):
    plan_id = factory.plan(title="Giữ nguyên", requires_confirmation=False)
    before = _plan(app, plan_id)
    auth = token_for(app, factory.user(Role.ADMIN))
    assert client.patch(f"/api/v1/plans/{plan_id}", headers=auth, json={"parent_reference": "KH 199"}).status_code == 200
    after = _plan(app, plan_id)
    assert (after.title, after.number, after.issuer_id, after.issued_on, after.year, after.requires_confirmation) == (
        before.title,
        before.number,
        before.issuer_id,
        before.issued_on,
        before.year,
        False,
    )
    assert after.parent_reference == "KH 199"


def test_only_those_who_may_edit_plans(client, app, factory):
    unit = factory.unit()
    plan_id = factory.plan(title="Không đổi")
    for role in (Role.LEADER, Role.UNIT_HEAD, Role.STAFF):
        auth = token_for(app, factory.user(role, unit))
        response = client.patch(f"/api/v1/plans/{plan_id}", headers=auth, json={"title": "Đổi"})
        assert response.status_code == 403, role
        assert response.get_json()["error"]["message"]
    assert _plan(app, plan_id).title == "Không đổi"
    assert client.patch(f"/api/v1/plans/{plan_id}", json={"title": "Đổi"}).status_code == 401


def test_bad_input_is_a_vietnamese_422_and_nothing_saved(client, app, factory):
    plan_id = factory.plan(title="Không đổi")
    other = factory.plan()
    auth = token_for(app, factory.user(Role.OFFICE))
    cases = [
        ({"title": "   "}, "title", "trích yếu"),
        ({"title": "Dòng 1\nDòng 2"}, "title", "“Trích yếu” phải viết trên một dòng"),
        ({"number": "x" * 81}, "number", "tối đa 80 ký tự"),
        ({"number": "không có số"}, "number", "thể thức"),
        ({"issued_on": "2999-01-01"}, "issued_on", "ngoài khoảng"),
        ({"requires_confirmation": "false"}, "requires_confirmation", "true hoặc false"),
        ({"status": "gone"}, "status", "Giá trị không hợp lệ"),
        ({"parent_id": plan_id}, "parent_id", "chính nó"),
        ({"monitoring_unit_id": 0}, "monitoring_unit_id", "số nguyên từ 1"),
        ({"monitoring_unit_id": 999999}, "monitoring_unit_id", "không tồn tại"),
        ({"issuer": "Cơ quan không có"}, "issuer_id", "không có trong danh mục"),
        ({"title": "Đổi", "year": 1999}, "year", "ngoài khoảng"),
    ]
    for body, key, words in cases:
        response = client.patch(f"/api/v1/plans/{plan_id}", headers=auth, json=body)
        assert response.status_code == 422, (body, response.status_code)
        error = response.get_json()["error"]
        assert words in (error.get("fields") or {}).get(key, ""), (body, error)
        assert any(e["label"] and not e["label"].isascii() for e in error["errors"]), error
    assert _plan(app, plan_id).title == "Không đổi"
    assert client.patch(f"/api/v1/plans/{other}", headers=auth, json={"parent_id": plan_id}).status_code == 200
    loop = client.patch(f"/api/v1/plans/{plan_id}", headers=auth, json={"parent_id": other})
    assert loop.status_code == 422 and "chính nó" in loop.get_json()["error"]["fields"]["parent_id"]
    assert client.patch("/api/v1/plans/999999", headers=auth, json={}).status_code == 404
