"""Issue 10 item 4: a deadline the parser cannot read is said at once, with the parser's reason; the task
is kept, and văn phòng's board lists it with a link to fix it until it is fixed."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind, parse_deadline, undetermined_notice
from tracker.tasks.models import Task


@pytest.mark.parametrize(
    ("phrase", "year", "reason"),
    [
        ("Quý V/2025", 2025, "Không có quý “V”: một năm chỉ có quý I, II, III và IV."),
        ("quý 5 năm 2025", 2025, "Không có quý “5”"),
        ("asdf", 2025, "Không đọc được cụm từ này thành một thời hạn."),
        ("Quý III", None, "Thiếu năm"),
        ("", 2025, "Chưa ghi thời hạn."),
    ],
)
def test_the_parser_says_why_it_could_not_read_a_deadline(phrase, year, reason):
    rule = parse_deadline(phrase, year)
    assert rule.kind is DeadlineKind.UNDETERMINED
    assert reason in rule.reason
    notice = undetermined_notice(phrase, year)
    assert "chưa xác định" in notice and reason in notice and "đã được lưu" in notice


@pytest.mark.parametrize("phrase", ["Quý III/2025", "Quý III", "Thường xuyên", "trước ngày 15 của tháng cuối quý", "31/02/2025"])
def test_nothing_to_say_about_a_deadline_that_reads(phrase):
    assert undetermined_notice(phrase, 2025) is None


def _task(app, title):
    with app.app_context():
        return db.session.scalars(select(Task).where(Task.title == title)).one()


def test_saving_an_unreadable_deadline_says_so_keeps_the_task_and_lists_it_on_the_board(client, factory, app):
    unit = factory.unit("Phòng Cải cách hành chính")
    plan = factory.plan(year=2025)
    token = login(client, factory.user(Role.OFFICE, unit))
    form = {"csrf_token": token, "title": "Rà soát thủ tục", "lead_unit_id": str(unit), "deadline_text": "Quý V/2025"}
    response = client.post(f"/plans/{plan}/tasks/new", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Đã thêm <a href=" in html and "“Rà soát thủ tục”</a>." in html  # the flash names the task (issue 15.5)
    assert "Thời hạn “Quý V/2025” chưa xác định: Không có quý “V”" in html
    task = _task(app, "Rà soát thủ tục")
    assert task.deadline_kind is DeadlineKind.UNDETERMINED and task.deadline_text == "Quý V/2025"

    board = client.get("/board").get_data(as_text=True)
    assert "Thời hạn chưa xác định (1)" in board
    # The list does not take the place of the menu's count of unread notifications (it once did).
    badge = re.search(r'data-testid="unread">([^<]*)<', board)
    assert "TaskRow(" not in board and (badge is None or badge.group(1).isdigit())
    assert f'href="/tasks/{task.id}/edit"' in board and "thời hạn ghi “Quý V/2025”" in board

    # Typed wrong again on the edit page: said again; fixed: nothing said, and the board lets it go.
    edit = {**form, "deadline_text": "asdf"}
    html = client.post(f"/tasks/{task.id}/edit", data=edit, follow_redirects=True).get_data(as_text=True)
    assert "Đã lưu nhiệm vụ." in html and "Thời hạn “asdf” chưa xác định: Không đọc được" in html
    html = client.post(f"/tasks/{task.id}/edit", data={**form, "deadline_text": "Quý III/2025"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Đã lưu nhiệm vụ." in html and "chưa xác định" not in html
    board = client.get("/board").get_data(as_text=True)
    assert "Thời hạn chưa xác định (0)" in board and f'href="/tasks/{task.id}/edit"' not in board


def test_a_readable_deadline_saves_without_a_warning(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(year=2025)
    token = login(client, factory.user(Role.OFFICE, unit))
    form = {"csrf_token": token, "title": "Báo cáo quý", "lead_unit_id": str(unit), "deadline_text": "Quý III/2025"}
    html = client.post(f"/plans/{plan}/tasks/new", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Đã thêm <a href=" in html and "chưa xác định" not in html


def test_the_board_leaves_out_cancelled_tasks_and_follows_its_unit_filter(client, factory, app):
    unit, other = factory.unit(), factory.unit()
    plan = factory.plan(year=2025)
    kept = factory.task(plan, unit, "asdf", title="Việc A")
    elsewhere = factory.task(plan, other, "asdf", title="Việc B")
    cancelled = factory.task(plan, unit, "asdf", title="Việc C")
    token = login(client, factory.user(Role.OFFICE, unit))
    client.post(f"/tasks/{cancelled}/progress", data={"csrf_token": token, "p-status": "cancelled"})
    board = client.get("/board").get_data(as_text=True)
    assert "Thời hạn chưa xác định (2)" in board
    assert f"/tasks/{kept}/edit" in board and f"/tasks/{elsewhere}/edit" in board and f"/tasks/{cancelled}/edit" not in board
    board = client.get(f"/board?unit={other}").get_data(as_text=True)
    assert f"/tasks/{elsewhere}/edit" in board and f"/tasks/{kept}/edit" not in board


def test_the_api_answers_the_same_warning(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(year=2025)
    auth = token_for(app, factory.user(Role.OFFICE))
    created = client.post(
        f"/api/v1/plans/{plan}/tasks", headers=auth, json={"title": "Việc X", "lead_unit_id": unit, "deadline": "Quý V/2025"}
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["deadline_kind"] == "undetermined"
    assert "Không có quý “V”" in body["warnings"]["deadline"]
    fine = client.post(
        f"/api/v1/plans/{plan}/tasks", headers=auth, json={"title": "Việc Y", "lead_unit_id": unit, "deadline": "Quý II/2025"}
    )
    assert "warnings" not in fine.get_json()
