"""API errors name the field as the user knows it (issue 16): every writable field of every body has the
Vietnamese label its form shows, and an error gives the JSON key, the label and a message naming it."""

from __future__ import annotations

import pytest

from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.api import fields


@pytest.mark.parametrize(("body", "key"), [(b, k) for b, keys in fields.BODIES.items() for k in keys])
def test_every_writable_field_has_a_vietnamese_label(body, key):
    name = fields.label(body, key)
    assert name and name != key, (body, key, name)
    # Vietnamese, with its diacritics; "STT" (số thứ tự) is the indicator form's own label, an abbreviation
    assert not name.isascii() or name.startswith("Tiêu đề") or name == "STT", (body, key, name)


def test_labels_are_the_forms_own():
    from tracker.plans.forms import PlanForm
    from tracker.tasks.forms import ProgressForm, TaskForm

    assert fields.label("TaskInput", "title") == str(TaskForm.title.args[0]) == "Tên nhiệm vụ / phần việc"
    assert fields.label("TaskInput", "deadline") == fields.label("TaskInput", "deadline_text") == "Thời hạn theo văn bản"
    assert fields.label("PlanInput", "title") == str(PlanForm.title.args[0]) == "Trích yếu"
    assert fields.label("ProgressInput", "result") == str(ProgressForm.result.args[0])


@pytest.fixture
def office(app, factory):
    unit = factory.unit()
    plan = factory.plan()
    return {"auth": token_for(app, factory.user(Role.OFFICE)), "unit": unit, "plan": plan, "task": factory.task(plan, unit)}


def test_a_text_error_names_the_label_and_keeps_the_key(client, office):
    body = {"title": "Nhiệm vụ", "lead_unit_id": office["unit"], "description": "Dòng\x07"}
    error = client.post(f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], json=body).get_json()["error"]
    (item,) = error["errors"]
    assert item["field"] == "description" and item["label"] == "Nội dung chi tiết"
    assert "“Nội dung chi tiết”" in item["message"] and "description" not in item["message"]
    assert error["fields"] == {"description": item["message"]}  # the older member, unchanged in shape
    assert "Nội dung chi tiết" in error["message"]


def test_a_non_text_error_is_prefixed_with_the_label(client, office):
    body = {"title": "Nhiệm vụ", "lead_unit_id": "một"}
    error = client.post(f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], json=body).get_json()["error"]
    (item,) = error["errors"]
    assert item == {"field": "lead_unit_id", "label": "Đơn vị chủ trì", "message": "Đơn vị chủ trì: Phải là một số nguyên."}


def test_an_operations_key_is_given_as_the_json_key(client, office):
    """tasks.operations reports a deadline under ``deadline_text``; the client sent ``deadline``."""
    body = {"title": "Nhiệm vụ", "lead_unit_id": office["unit"], "start_date": "2024-09-01", "deadline": "Quý I/2024"}
    error = client.post(f"/api/v1/plans/{office['plan']}/tasks", headers=office["auth"], json=body).get_json()["error"]
    assert "deadline_text" in error["fields"]
    (item,) = error["errors"]
    assert item["field"] == "deadline" and item["label"] == "Thời hạn theo văn bản"


def test_plan_and_progress_errors_use_their_own_forms_labels(client, office):
    plan = client.post("/api/v1/plans", headers=office["auth"], json={"number": "01/KH-X", "title": "", "issued_on": "x"})
    labels = {e["field"]: e["label"] for e in plan.get_json()["error"]["errors"]}
    assert labels["issued_on"] == "Ngày ban hành"
    progress = client.patch(f"/api/v1/tasks/{office['task']}", headers=office["auth"], json={"progress": 101})
    (item,) = progress.get_json()["error"]["errors"]
    assert item["label"] == "Tiến độ (%)" and item["message"].startswith("Tiến độ (%)")
