"""Issue 10 item 6: a trưởng đơn vị may record a completion date up to N working days back (a setting,
default 5, kept by the administrator); beyond that only văn phòng or lãnh đạo; journaled either way.
The clock is frozen at Tuesday 01/10/2024: five working days back is Tuesday 24/09/2024."""

from sqlalchemy import select

from tests.conftest import login
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.rules.status import TaskStatus
from tracker.settings.models import AppState
from tracker.settings.queries import BACKDATE_KEY
from tracker.tasks.models import Task, TaskEvent


def _done(client, token, task, day):
    return client.post(f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done", "p-completed_on": day})


def _state(app, task):
    with app.app_context():
        t = db.session.get(Task, task)
        events = db.session.execute(
            select(User.username, TaskEvent.new_value)
            .join(User, User.id == TaskEvent.user_id)
            .where(TaskEvent.task_id == task, TaskEvent.field == "completed_on")
        ).all()
        return t.status, t.completed_on, [tuple(e) for e in events]


def test_a_unit_head_may_go_back_five_working_days_and_no_further(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    far, near = factory.task(plan, unit), factory.task(plan, unit)
    head = factory.user(Role.UNIT_HEAD, unit)
    token = login(client, head)
    response = _done(client, token, far, "23/09/2024")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Trưởng đơn vị chỉ được ghi ngày hoàn thành lùi tối đa 5 ngày làm việc (từ ngày 24/09/2024)" in html
    assert _state(app, far) == (TaskStatus.NOT_STARTED, None, [])
    assert _done(client, token, near, "24/09/2024").status_code == 302
    status, completed_on, events = _state(app, near)
    assert status is TaskStatus.DONE and completed_on.isoformat() == "2024-09-24"
    assert events == [(head, "24/09/2024")]


def test_office_and_leaders_go_further_and_are_journaled(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    task, other = factory.task(plan, unit), factory.task(plan, unit)
    office = factory.user(Role.OFFICE, unit)
    token = login(client, office)
    assert _done(client, token, task, "02/09/2024").status_code == 302
    assert _state(app, task)[2] == [(office, "02/09/2024")]
    leader_client = app.test_client()
    leader = factory.user(Role.LEADER)
    assert _done(leader_client, login(leader_client, leader), other, "15/08/2024").status_code == 302
    assert _state(app, other)[2] == [(leader, "15/08/2024")]


def test_a_staff_member_still_records_today_only(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    staff = factory.user(Role.STAFF, unit)
    task = factory.task(plan, unit, assignee_id=factory.user_id(staff))
    token = login(client, staff)
    html = _done(client, token, task, "30/09/2024").get_data(as_text=True)
    assert "Chỉ Văn phòng hoặc Lãnh đạo Sở được ghi ngày hoàn thành trước ngày hôm nay." in html
    assert _done(client, token, task, "01/10/2024").status_code == 302


def test_the_administrator_sets_the_limit(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    task = factory.task(plan, unit)
    admin = factory.user(Role.ADMIN)
    admin_client = app.test_client()
    admin_token = login(admin_client, admin)
    assert 'value="5"' in admin_client.get("/admin/calendar").get_data(as_text=True)  # the default
    for bad, message in [
        ("-1", "Số ngày làm việc phải từ 0 đến 60."),
        ("61", "Số ngày làm việc phải từ 0 đến 60."),
        ("abc", "Vui lòng nhập một số nguyên."),
        ("", "Vui lòng nhập số ngày làm việc."),
    ]:
        response = admin_client.post("/admin/calendar/backdate", data={"csrf_token": admin_token, "b-days": bad})
        assert response.status_code == 422, bad
        assert message in response.get_data(as_text=True), bad
    with app.app_context():
        assert db.session.get(AppState, BACKDATE_KEY) is None
    assert admin_client.post("/admin/calendar/backdate", data={"csrf_token": admin_token, "b-days": "6"}).status_code == 302
    with app.app_context():
        row = db.session.get(AppState, BACKDATE_KEY)
        assert row.value == "6" and row.updated_by_id == factory.user_id(admin)
    head_client = app.test_client()
    head_token = login(head_client, factory.user(Role.UNIT_HEAD, unit))
    assert head_client.post("/admin/calendar/backdate", data={"csrf_token": head_token, "b-days": "60"}).status_code == 403
    assert _done(head_client, head_token, task, "23/09/2024").status_code == 302  # six working days back
    assert _state(app, task)[0] is TaskStatus.DONE


def test_the_administrators_days_off_are_not_counted(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    task = factory.task(plan, unit)
    admin_client = app.test_client()
    admin_token = login(admin_client, factory.user(Role.ADMIN))
    admin_client.post("/admin/calendar", data={"csrf_token": admin_token, "day": "30/09/2024", "kind": "day_off"})
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    # With Monday 30/09 off, the five working days since Monday 23/09 are 24, 25, 26, 27/09 and 01/10.
    assert _done(client, token, task, "23/09/2024").status_code == 302
