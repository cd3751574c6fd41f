"""PATCH bodies are JSON merge patches (RFC 7396, as GitHub's and OpenProject's APIs): a key absent keeps the
stored value, a key sent as null clears a field that may be empty, and null on a required field is a 422
with a Vietnamese message naming it, nothing saved. Through the real API (bearer token), plans and tasks."""

from __future__ import annotations

from datetime import date

import pytest

from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.api.fields import PLAN_CLEARABLE, PLAN_REQUIRED, TASK_REQUIRED
from tracker.api.openapi import openapi_document
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.status import TaskStatus
from tracker.tasks.models import Task


def _plan(app, plan_id: int) -> Plan:
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        db.session.expunge(plan)
        return plan


def _task(app, task_id: int) -> Task:
    with app.app_context():
        task = db.session.get(Task, task_id)
        db.session.expunge(task)
        return task


@pytest.fixture
def linked(app, factory):
    """A plan with a parent plan, a written reference, a monitoring unit and a year other than its issue's."""
    unit = factory.unit()
    parent = factory.plan("199/KH-UBND")
    plan = factory.plan(
        "25/KH-SNV",
        year=2025,
        issued_on=date(2024, 2, 20),
        parent_id=parent,
        parent_reference="Kế hoạch số 199/KH-UBND ngày 11/12/2023 của UBND tỉnh",
        monitoring_unit_id=unit,
    )
    return {"plan": plan, "parent": parent, "unit": unit, "auth": token_for(app, factory.user(Role.OFFICE))}


def test_null_clears_the_plans_optional_fields(client, app, linked):
    before = _plan(app, linked["plan"])
    assert (before.parent_id, before.monitoring_unit_id, before.year) == (linked["parent"], linked["unit"], 2025)
    body = {key: None for key in PLAN_CLEARABLE}
    saved = client.patch(f"/api/v1/plans/{linked['plan']}", headers=linked["auth"], json=body)
    assert saved.status_code == 200, saved.get_json()
    after = _plan(app, linked["plan"])
    assert after.parent_id is None and after.monitoring_unit_id is None and after.parent_reference == ""
    assert after.year == 2024  # the year cleared is the year of the issue date, as on the form
    assert (after.title, after.number, after.issuer_id, after.issued_on) == (
        before.title,
        before.number,
        before.issuer_id,
        before.issued_on,
    )
    assert saved.get_json()["parent_id"] is None and saved.get_json()["monitoring_unit_id"] is None


def test_a_key_left_out_keeps_its_value_and_one_null_clears_only_itself(client, app, linked):
    saved = client.patch(f"/api/v1/plans/{linked['plan']}", headers=linked["auth"], json={"monitoring_unit_id": None})
    assert saved.status_code == 200, saved.get_json()
    after = _plan(app, linked["plan"])
    assert after.monitoring_unit_id is None
    assert after.parent_id == linked["parent"] and after.year == 2025


def test_null_clears_the_written_reference_of_a_plan_with_no_parent_in_the_list(client, app, factory, linked):
    """A plan linked to its parent keeps no written reference (the operation's rule); one that is not, does."""
    plan = factory.plan("26/KH-SNV", parent_reference="Kế hoạch số 199/KH-UBND ngày 11/12/2023 của UBND tỉnh")
    url = f"/api/v1/plans/{plan}"
    assert client.patch(url, headers=linked["auth"], json={"title": "Đổi tên"}).status_code == 200
    assert _plan(app, plan).parent_reference.startswith("Kế hoạch số 199")
    assert client.patch(url, headers=linked["auth"], json={"parent_reference": None}).status_code == 200
    assert _plan(app, plan).parent_reference == "" and _plan(app, plan).title == "Đổi tên"


@pytest.mark.parametrize("key", [*PLAN_REQUIRED, "issuer_id", "issuer"])
def test_null_on_a_required_plan_field_is_a_422_naming_it(client, app, linked, key):
    before = _plan(app, linked["plan"])
    refused = client.patch(f"/api/v1/plans/{linked['plan']}", headers=linked["auth"], json={key: None, "parent_id": None})
    assert refused.status_code == 422, refused.get_json()
    (item,) = refused.get_json()["error"]["errors"]
    assert item["field"] == key and item["label"] in item["message"] and "không xoá được" in item["message"]
    after = _plan(app, linked["plan"])
    assert (after.version, after.parent_id, getattr(after, key if key != "issuer" else "issuer_id")) == (
        before.version,
        linked["parent"],
        getattr(before, key if key != "issuer" else "issuer_id"),
    )


def test_the_issuer_may_be_named_instead_of_its_id(client, app, factory, linked):
    other = factory.issuer_id("Ủy ban nhân dân tỉnh Bắc Giang")
    saved = client.patch(
        f"/api/v1/plans/{linked['plan']}",
        headers=linked["auth"],
        json={"issuer_id": None, "issuer": "Ủy ban nhân dân tỉnh Bắc Giang"},
    )
    assert saved.status_code == 200, saved.get_json()
    assert _plan(app, linked["plan"]).issuer_id == other


@pytest.fixture
def reported(app, factory, client):
    unit = factory.unit()
    task = factory.task(factory.plan(requires_confirmation=False), unit)
    auth = token_for(app, factory.user(Role.OFFICE))
    sent = client.patch(f"/api/v1/tasks/{task}", headers=auth, json={"progress": 40, "result": "Đã trình dự thảo"})
    assert sent.status_code == 200, sent.get_json()
    return {"task": task, "auth": auth}


def test_null_clears_a_tasks_result(client, app, reported):
    kept = client.patch(f"/api/v1/tasks/{reported['task']}", headers=reported["auth"], json={"progress": 50})
    assert kept.status_code == 200 and _task(app, reported["task"]).result == "Đã trình dự thảo"
    cleared = client.patch(f"/api/v1/tasks/{reported['task']}", headers=reported["auth"], json={"result": None})
    assert cleared.status_code == 200, cleared.get_json()
    task = _task(app, reported["task"])
    assert task.result == "" and task.progress == 50


@pytest.mark.parametrize("key", TASK_REQUIRED)
def test_null_on_a_tasks_status_or_progress_is_a_422_naming_it(client, app, reported, key):
    before = _task(app, reported["task"])
    refused = client.patch(f"/api/v1/tasks/{reported['task']}", headers=reported["auth"], json={key: None, "result": None})
    assert refused.status_code == 422, refused.get_json()
    (item,) = refused.get_json()["error"]["errors"]
    assert item["field"] == key and item["label"] in item["message"] and "không xoá được" in item["message"]
    after = _task(app, reported["task"])
    assert (after.version, after.result, after.progress, after.status) == (before.version, "Đã trình dự thảo", 40, before.status)


def test_a_done_tasks_completion_date_cannot_be_cleared(client, app, reported):
    url, auth = f"/api/v1/tasks/{reported['task']}", reported["auth"]
    assert client.patch(url, headers=auth, json={"status": "done"}).status_code == 200
    done = _task(app, reported["task"])
    assert done.status is TaskStatus.DONE and done.completed_on is not None
    refused = client.patch(url, headers=auth, json={"completed_on": None})
    assert refused.status_code == 422
    assert "Ngày hoàn thành" in refused.get_json()["error"]["fields"]["completed_on"]
    assert _task(app, reported["task"]).completed_on == done.completed_on
    # Reopened, the date goes with the status; null then says the same.
    reopened = client.patch(url, headers=auth, json={"status": "in_progress", "completed_on": None})
    assert reopened.status_code == 200, reopened.get_json()
    assert _task(app, reported["task"]).completed_on is None


def test_the_document_says_which_fields_null_clears(app):
    with app.app_context():
        schemas = openapi_document()["components"]["schemas"]
    patch = schemas["PlanPatch"]["properties"]
    for key, prop in patch.items():
        nullable = "null" in (prop.get("type") if isinstance(prop.get("type"), list) else [prop.get("type")])
        assert nullable == (key in PLAN_CLEARABLE), key
    assert "RFC 7396" in schemas["PlanPatch"]["description"]
    progress = schemas["ProgressInput"]["properties"]
    assert "null" in progress["result"]["type"] and "null" not in str(progress["status"]) and "type" in progress["progress"]
    assert progress["progress"]["type"] == "integer"
