"""No lost edits on the task page's small forms (issue 16.9): giao việc, chuyển vị trí, xác nhận hoàn
thành, trả lại, quyết định gia hạn and the progress form each carry the version of the task they were
rendered from. Rendered by one user, the task changed by another, then sent: refused (409) with what
changed and the stored values, nothing saved; the form as shown again (or a fresh one) then works."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.rules.status import Confirmation
from tracker.tasks.models import ExtensionRequest, ExtensionState, Task


def version_of(page: str, prefix: str) -> str:
    match = re.search(rf'name="{prefix}-version"[^>]*value="(\d+)"', page)
    assert match, f"no {prefix}-version field on the page"
    return match.group(1)


@dataclass
class World:
    task: int
    other: int  # another task of the plan: where "chuyển" moves it
    staff: int  # a staff member of the lead unit: whom "giao việc" assigns
    ext: int | None  # a pending extension request


@dataclass
class Case:
    prefix: str
    url: Callable[[World], str]
    data: Callable[[World], dict]
    saved: Callable[[Task, World], bool]  # whether the post took effect
    setup: str = ""  # "completed": done, waiting for confirmation; "extension": a request pending


def _ext_state(ext_id):
    return db.session.get(ExtensionRequest, ext_id).state


CASES = {
    "assign": Case(
        "a", lambda w: f"/tasks/{w.task}/assign", lambda w: {"a-assignee_id": str(w.staff)}, lambda t, w: t.assignee_id == w.staff
    ),
    "move": Case(
        "m",
        lambda w: f"/tasks/{w.task}/move",
        lambda w: {"m-parent_id": str(w.other), "m-position": "1"},
        lambda t, w: t.parent_id == w.other,
    ),
    "progress": Case(
        "p",
        lambda w: f"/tasks/{w.task}/progress",
        lambda w: {"p-status": "in_progress", "p-progress": "40", "p-result": "Đã họp"},
        lambda t, w: t.progress == 40,
    ),
    "confirm": Case(
        "c",
        lambda w: f"/tasks/{w.task}/confirm",
        lambda w: {},
        lambda t, w: t.confirmation is Confirmation.CONFIRMED,
        "completed",
    ),
    "return": Case(
        "r",
        lambda w: f"/tasks/{w.task}/return",
        lambda w: {"r-reason": "Thiếu biên bản"},
        lambda t, w: t.confirmation is Confirmation.RETURNED,
        "completed",
    ),
    "decide": Case(
        "d",
        lambda w: f"/extensions/{w.ext}/decide",
        lambda w: {"d-decision": "approve"},
        lambda t, w: _ext_state(w.ext) is ExtensionState.APPROVED,
        "extension",
    ),
}


def _world(app, factory, setup: str) -> tuple[World, str]:
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=True)
    task = factory.task(plan, unit, deadline="30/12/2024", title="Rà soát thủ tục")
    other = factory.task(plan, unit, deadline="30/12/2024", title="Nhiệm vụ khác")
    head_name = factory.user(Role.UNIT_HEAD, unit)
    staff = factory.user_id(factory.user(Role.STAFF, unit))
    head = app.test_client()
    token = login(head, head_name)
    if setup == "completed":
        done = head.post(f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done"})
        assert done.status_code == 302
    if setup == "extension":
        asked = head.post(
            f"/tasks/{task}/extensions", data={"csrf_token": token, "e-proposed_due": "31/03/2025", "e-reason": "Chờ hướng dẫn"}
        )
        assert asked.status_code == 302
    with app.app_context():
        ext = db.session.query(ExtensionRequest.id).filter_by(task_id=task).scalar()
    return World(task, other, staff, ext), head_name


def _stored(app, world: World, case: Case) -> tuple[bool, str]:
    with app.app_context():
        task = db.session.get(Task, world.task)
        return case.saved(task, world), task.title


@pytest.mark.parametrize("name", list(CASES))
def test_a_stale_small_form_is_refused_and_saves_nothing(app, factory, name):
    case = CASES[name]
    world, _ = _world(app, factory, case.setup)
    first, second = app.test_client(), app.test_client()
    token_1 = login(first, factory.user(Role.OFFICE))
    token_2 = login(second, factory.user(Role.OFFICE))
    seen = version_of(first.get(f"/tasks/{world.task}").get_data(as_text=True), case.prefix)

    # User 2 renames the task through the edit form.
    edit_page = second.get(f"/tasks/{world.task}/edit").get_data(as_text=True)
    renamed = second.post(
        f"/tasks/{world.task}/edit",
        data={
            "csrf_token": token_2,
            "version": re.search(r'name="version"[^>]*value="(\d+)"', edit_page).group(1),
            "title": "Rà soát thủ tục hành chính",
            "lead_unit_id": str(db_lead(app, world.task)),
            "deadline_text": "30/12/2024",
        },
    )
    assert renamed.status_code == 302

    # User 1 sends the form rendered before the rename.
    refused = first.post(case.url(world), data={"csrf_token": token_1, f"{case.prefix}-version": seen, **case.data(world)})
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert "Người khác đã sửa nhiệm vụ này lúc 01/10/2024 09:00 (Người dùng office" in page
    assert "Tên nhiệm vụ Rà soát thủ tục → Rà soát thủ tục hành chính" in page
    assert "thay đổi của bạn chưa được lưu" in page
    saved, title = _stored(app, world, case)
    assert not saved and title == "Rà soát thủ tục hành chính"
    # The page shows the stored values, and its forms carry the stored version: sent again, it works.
    current = version_of(page, case.prefix)
    assert current != seen
    again = first.post(case.url(world), data={"csrf_token": token_1, f"{case.prefix}-version": current, **case.data(world)})
    assert again.status_code == 302
    assert _stored(app, world, case)[0]


@pytest.mark.parametrize("name", list(CASES))
def test_a_fresh_small_form_works(app, factory, name):
    case = CASES[name]
    world, _ = _world(app, factory, case.setup)
    office = app.test_client()
    token = login(office, factory.user(Role.OFFICE))
    seen = version_of(office.get(f"/tasks/{world.task}").get_data(as_text=True), case.prefix)
    sent = office.post(case.url(world), data={"csrf_token": token, f"{case.prefix}-version": seen, **case.data(world)})
    assert sent.status_code == 302
    assert _stored(app, world, case)[0]


def test_the_refused_assign_form_shows_the_stored_assignee(app, factory):
    """After the refusal the select shows who is assigned now, not what the stale form sent."""
    world, _ = _world(app, factory, "")
    first, second = app.test_client(), app.test_client()
    token_1 = login(first, factory.user(Role.OFFICE))
    token_2 = login(second, factory.user(Role.OFFICE))
    seen = version_of(first.get(f"/tasks/{world.task}").get_data(as_text=True), "a")
    other_staff = factory.user_id(factory.user(Role.STAFF, db_lead(app, world.task)))
    page_2 = second.get(f"/tasks/{world.task}").get_data(as_text=True)
    assert (
        second.post(
            f"/tasks/{world.task}/assign",
            data={"csrf_token": token_2, "a-version": version_of(page_2, "a"), "a-assignee_id": str(other_staff)},
        ).status_code
        == 302
    )
    refused = first.post(
        f"/tasks/{world.task}/assign", data={"csrf_token": token_1, "a-version": seen, "a-assignee_id": str(world.staff)}
    )
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert "Người thực hiện (trống) → Người dùng staff" in page
    assert re.search(rf'<option selected value="{other_staff}"|<option value="{other_staff}" selected', page)
    with app.app_context():
        assert db.session.get(Task, world.task).assignee_id == other_staff


def db_lead(app, task_id: int) -> int:
    with app.app_context():
        return db.session.get(Task, task_id).lead_unit_id


def test_a_stale_delete_page_is_refused_and_says_what_would_happen_now(app, factory):
    """The delete page said "xoá hẳn" (no history yet); meanwhile someone edited the task: sent, the
    stale page deletes nothing, and says the task would now be cancelled."""
    world, _ = _world(app, factory, "")
    first, second = app.test_client(), app.test_client()
    token_1 = login(first, factory.user(Role.OFFICE))
    token_2 = login(second, factory.user(Role.OFFICE))
    page = first.get(f"/tasks/{world.task}/delete").get_data(as_text=True)
    assert "sẽ bị xoá hẳn" in page
    seen = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    assert (
        second.post(f"/tasks/{world.task}/assign", data={"csrf_token": token_2, "a-assignee_id": str(world.staff)}).status_code
        == 302
    )
    refused = first.post(f"/tasks/{world.task}/delete", data={"csrf_token": token_1, "version": seen})
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert "Người khác đã sửa nhiệm vụ này" in page and "Người thực hiện (trống) → Người dùng staff" in page
    assert "chuyển sang trạng thái Hủy" in page
    with app.app_context():
        task = db.session.get(Task, world.task)
        assert task is not None and task.status.value != "cancelled"
    current = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    assert first.post(f"/tasks/{world.task}/delete", data={"csrf_token": token_1, "version": current}).status_code == 302
    with app.app_context():
        assert db.session.get(Task, world.task).status.value == "cancelled"
