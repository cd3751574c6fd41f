"""The working-day calendar the administrator keeps, and the Điều 148 switch."""

from datetime import date

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.tasks.models import Task


def _due(app, task_id):
    with app.app_context():
        return db.session.get(Task, task_id).effective_due


def test_extra_day_off_moves_deadlines_and_removing_it_moves_them_back(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, "15/11/2024")  # a Friday
    assert _due(app, task) == date(2024, 11, 15)
    token = login(client, factory.user(Role.ADMIN))
    response = client.post(
        "/admin/calendar", data={"csrf_token": token, "day": "15/11/2024", "kind": "day_off", "note": "Nghỉ bù"}
    )
    assert response.status_code == 302
    assert _due(app, task) == date(2024, 11, 18)
    assert "15/11/2024" in client.get("/admin/calendar").get_data(as_text=True)
    client.post("/admin/calendar/delete", data={"csrf_token": token, "day": "15/11/2024"})
    assert _due(app, task) == date(2024, 11, 15)


def test_makeup_working_day_counts(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, "16/11/2024")  # a Saturday
    assert _due(app, task) == date(2024, 11, 18)
    token = login(client, factory.user(Role.ADMIN))
    client.post("/admin/calendar", data={"csrf_token": token, "day": "16/11/2024", "kind": "working_day"})
    assert _due(app, task) == date(2024, 11, 16)


def test_the_department_can_switch_off_the_day_off_rule(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, "Quý III/2024")  # 30/09/2024 is a Monday
    sunday = factory.task(factory.plan(), unit, "01/09/2024")
    assert _due(app, sunday) == date(2024, 9, 4)  # Sunday, then Quốc khánh 2-3/9
    token = login(client, factory.user(Role.ADMIN))
    client.post("/admin/calendar/shift", data={"csrf_token": token})
    assert _due(app, sunday) == date(2024, 9, 1)
    assert _due(app, task) == date(2024, 9, 30)
    client.post("/admin/calendar/shift", data={"csrf_token": token, "s-shift": "y"})
    assert _due(app, sunday) == date(2024, 9, 4)


def test_bad_calendar_input(client, factory):
    token = login(client, factory.user(Role.ADMIN))
    html = client.post("/admin/calendar", data={"csrf_token": token, "day": "30/02/2025", "kind": "day_off"}).get_data(
        as_text=True
    )
    assert "Ngày 30/02/2025 không tồn tại." in html
