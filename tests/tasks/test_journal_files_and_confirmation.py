"""Issue 16.12 through the pages: the journal names a file only to those who may download it (per
role), and a completion văn phòng records on a plan that requires confirmation waits for a second person."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.tasks.test_task_pages import post_file
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.rules.status import Confirmation
from tracker.tasks.models import Task

SECRET = "Bien-ban-ky-luat-Nguyen-Van-A.pdf"


@pytest.fixture
def task_with_file(app, factory):
    lead, coop, other = factory.unit(), factory.unit(), factory.unit()
    task = factory.task(factory.plan(), lead, cooperating_unit_ids=(coop,))
    uploader = app.test_client()
    token = login(uploader, factory.user(Role.UNIT_HEAD, lead))
    assert post_file(uploader, f"/tasks/{task}/attachments", token, SECRET, b"%PDF-1.4 bien ban").status_code == 302
    return task, {"lead": lead, "coop": coop, "other": other}


CAN_DOWNLOAD = [
    (Role.OFFICE, None),
    (Role.LEADER, None),
    (Role.ADMIN, None),
    (Role.UNIT_HEAD, "lead"),
    (Role.STAFF, "lead"),
    (Role.UNIT_HEAD, "coop"),
    (Role.STAFF, "coop"),
]
CANNOT = [(Role.UNIT_HEAD, "other"), (Role.STAFF, "other")]


@pytest.mark.parametrize(("role", "unit"), CAN_DOWNLOAD + CANNOT)
def test_the_journal_names_the_file_only_to_those_who_may_download_it(app, factory, task_with_file, role, unit):
    task, units = task_with_file
    reader = app.test_client()
    login(reader, factory.user(role, units[unit] if unit else None))
    page = reader.get(f"/tasks/{task}")
    assert page.status_code == 200
    journal = html.unescape(page.get_data(as_text=True)).split('data-testid="journal"', 1)[1].split("</table>", 1)[0]
    if (role, unit) in CAN_DOWNLOAD:
        assert SECRET in journal and "đã đính kèm 1 tệp" not in journal
    else:
        assert SECRET not in page.get_data(as_text=True) and "đã đính kèm 1 tệp" in journal


def _state(app, task_id) -> tuple[Confirmation, int | None]:
    with app.app_context():
        task = db.session.get(Task, task_id)
        return task.confirmation, task.reported_by_id


def test_an_office_completion_waits_for_another_office_user(app, factory):
    unit = factory.unit()
    task = factory.task(factory.plan(requires_confirmation=True), unit)
    first, second = app.test_client(), app.test_client()
    first_name = factory.user(Role.OFFICE)
    token_a = login(first, first_name)
    token_b = login(second, factory.user(Role.OFFICE))
    done = first.post(f"/tasks/{task}/progress", data={"csrf_token": token_a, "p-status": "done", "p-result": "Đã ban hành"})
    assert done.status_code == 302
    assert _state(app, task) == (Confirmation.PENDING, factory.user_id(first_name))

    own_page = html.unescape(first.get(f"/tasks/{task}").get_data(as_text=True))
    assert "chờ người khác xác nhận" in own_page and f"/tasks/{task}/confirm" not in own_page
    board = html.unescape(first.get("/board").get_data(as_text=True))
    assert 'data-testid="awaits-other">chờ người khác xác nhận' in board
    refused = first.post(f"/tasks/{task}/confirm", data={"csrf_token": token_a})
    assert refused.status_code == 422
    assert "cần một người khác của Văn phòng xác nhận" in html.unescape(refused.get_data(as_text=True))
    assert _state(app, task)[0] is Confirmation.PENDING

    other_page = html.unescape(second.get(f"/tasks/{task}").get_data(as_text=True))
    assert f"/tasks/{task}/confirm" in other_page and 'data-testid="awaits-other"' not in other_page
    assert 'data-testid="awaits-other"' not in html.unescape(second.get("/board").get_data(as_text=True))
    assert second.post(f"/tasks/{task}/confirm", data={"csrf_token": token_b}).status_code == 302
    assert _state(app, task)[0] is Confirmation.CONFIRMED


def test_a_unit_s_completion_is_confirmed_by_the_office_as_before(app, factory):
    unit = factory.unit()
    task = factory.task(factory.plan(requires_confirmation=True), unit)
    head, office = app.test_client(), app.test_client()
    token_h = login(head, factory.user(Role.UNIT_HEAD, unit))
    token_o = login(office, factory.user(Role.OFFICE))
    assert head.post(f"/tasks/{task}/progress", data={"csrf_token": token_h, "p-status": "done"}).status_code == 302
    assert _state(app, task)[0] is Confirmation.PENDING
    assert office.post(f"/tasks/{task}/confirm", data={"csrf_token": token_o}).status_code == 302
    assert _state(app, task)[0] is Confirmation.CONFIRMED


def test_a_returned_completion_re_reported_by_the_office_is_its_own(app, factory):
    unit = factory.unit()
    task = factory.task(factory.plan(requires_confirmation=True), unit)
    head, office = app.test_client(), app.test_client()
    token_h = login(head, factory.user(Role.UNIT_HEAD, unit))
    office_name = factory.user(Role.OFFICE)
    token_o = login(office, office_name)
    head.post(f"/tasks/{task}/progress", data={"csrf_token": token_h, "p-status": "done"})
    assert office.post(f"/tasks/{task}/return", data={"csrf_token": token_o, "r-reason": "Thiếu văn bản"}).status_code == 302
    assert _state(app, task) == (Confirmation.RETURNED, None)
    office.post(f"/tasks/{task}/progress", data={"csrf_token": token_o, "p-status": "done"})
    assert _state(app, task) == (Confirmation.PENDING, factory.user_id(office_name))
    assert office.post(f"/tasks/{task}/confirm", data={"csrf_token": token_o}).status_code == 422


def test_a_plan_without_confirmation_needs_nobody(app, factory):
    unit = factory.unit()
    task = factory.task(factory.plan(requires_confirmation=False), unit)
    office = app.test_client()
    token = login(office, factory.user(Role.OFFICE))
    office.post(f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done"})
    with app.app_context():
        assert db.session.scalar(select(Task.confirmation).where(Task.id == task)) is Confirmation.NONE
