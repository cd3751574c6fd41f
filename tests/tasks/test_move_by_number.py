"""In a plan of more than MOVE_CHOICES_LIMIT tasks the move form asks for the new parent's number instead of
listing every task (a plan of the shared workload's million holds 73,703: the list made a 1,8 MB page).
The number is checked as the list's choice was: it must exist, be in the same plan, not be the task or
below it; each refusal is said on the field, in Vietnamese, and moves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.tasks import views
from tracker.tasks.models import Task


@pytest.fixture
def plan_tree(factory, monkeypatch):
    monkeypatch.setattr(views, "MOVE_CHOICES_LIMIT", 3)
    unit = factory.unit()
    plan = factory.plan()
    ids = {name: factory.task(plan, unit, title=f"Nhiệm vụ {name}") for name in ("A", "B", "C")}
    ids["B1"] = factory.task(plan, unit, parent_id=ids["B"], title="Nhiệm vụ B1")
    ids["other"] = factory.task(factory.plan(), unit, title="Việc của kế hoạch khác")
    return ids


def _parent(app, task_id):
    with app.app_context():
        return db.session.scalar(select(Task.parent_id).where(Task.id == task_id))


def test_a_large_plan_asks_for_the_parents_number(client, factory, app, plan_tree):
    token = login(client, factory.user(Role.OFFICE))
    html = client.get(f"/tasks/{plan_tree['C']}").get_data(as_text=True)
    assert 'name="m-parent_number"' in html and "Chuyển vào nhiệm vụ số" in html
    assert 'name="m-parent_id"' not in html and "Nhiệm vụ B1</option>" not in html
    # The number to type is shown on each task's page.
    parent_page = client.get(f"/tasks/{plan_tree['A']}").get_data(as_text=True)
    assert (
        f'data-testid="task-number" title="Mã số nhiệm vụ (tìm được bằng “#{plan_tree["A"]}”)">#{plan_tree["A"]}<' in parent_page
    )
    response = client.post(f"/tasks/{plan_tree['C']}/move", data={"csrf_token": token, "m-parent_number": str(plan_tree["A"])})
    assert response.status_code == 302
    assert _parent(app, plan_tree["C"]) == plan_tree["A"]
    # Empty: back to the top level.
    assert client.post(f"/tasks/{plan_tree['C']}/move", data={"csrf_token": token, "m-parent_number": ""}).status_code == 302
    assert _parent(app, plan_tree["C"]) is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("999999", "Không có nhiệm vụ số 999999."),
        ("other", "Chỉ chuyển được trong cùng một kế hoạch."),
        ("B1", "Không thể chuyển một nhiệm vụ vào chính nó hoặc phần việc của nó."),
        ("B", "Không thể chuyển một nhiệm vụ vào chính nó hoặc phần việc của nó."),
        ("abc", "Vui lòng nhập một số nguyên."),
        ("99999999999999999999", "Mã số nhiệm vụ không hợp lệ."),
        ("0", "Mã số nhiệm vụ không hợp lệ."),
    ],
)
def test_a_wrong_number_is_refused_on_the_field_and_moves_nothing(client, factory, app, plan_tree, typed, message):
    token = login(client, factory.user(Role.OFFICE))
    number = str(plan_tree[typed]) if typed in plan_tree else typed
    response = client.post(f"/tasks/{plan_tree['B']}/move", data={"csrf_token": token, "m-parent_number": number})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = html.split('name="m-parent_number"')[1].split("</div>\n")[0:3]
    assert message in "".join(field), html[html.find("m-parent_number") - 300 : html.find("m-parent_number") + 600]
    assert _parent(app, plan_tree["B"]) is None


def test_a_small_plan_still_lists_its_tasks(client, factory, plan_tree, monkeypatch):
    monkeypatch.setattr(views, "MOVE_CHOICES_LIMIT", 1000)
    login(client, factory.user(Role.OFFICE))
    html = client.get(f"/tasks/{plan_tree['C']}").get_data(as_text=True)
    assert 'name="m-parent_id"' in html and "Nhiệm vụ B1</option>" in html and 'name="m-parent_number"' not in html
