"""The box colours where people see them: the badges of the task pages, the chart, the XLSX export."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from tests.conftest import login
from tracker.accounts.models import Role, User
from tracker.dashboard.queries import MonthPoint, chart_geometry
from tracker.extensions import db
from tracker.rules.colours import argb
from tracker.rules.status import NOT_STARTED_COLOUR, NOT_STARTED_CSS, Box, TaskStatus
from tracker.tasks import operations as ops
from tracker.tasks.models import Task


def _start(app, task_id: int, username: str) -> None:
    with app.app_context():
        actor = db.session.query(User).filter_by(username=username).one()
        task = db.session.get(Task, task_id)
        ops.update_progress(task, ops.ProgressInput(TaskStatus.IN_PROGRESS, progress=10), actor, date(2024, 10, 1))
        db.session.commit()


def _tasks(factory):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    waiting = factory.task(plan, unit, "Quý IV/2024", title="Chưa bắt đầu, trong hạn")
    late = factory.task(plan, unit, "Tháng 8/2024", title="Chưa bắt đầu, quá hạn")
    return plan, waiting, late


def test_a_task_not_started_is_grey_and_turns_blue_once_started(client, app, factory):
    plan, waiting, late = _tasks(factory)
    office = factory.user(Role.OFFICE)
    login(client, office)
    page = client.get(f"/tasks/{waiting}").get_data(as_text=True)
    assert f'class="badge {NOT_STARTED_CSS}" data-box="open_in_time"' in page
    # Overdue stays red even though nobody started it.
    assert f'class="badge {Box.OPEN_OVERDUE.css}" data-box="open_overdue"' in client.get(f"/tasks/{late}").get_data(as_text=True)
    listing = client.get(f"/tasks?plan={plan}").get_data(as_text=True)
    assert f'class="badge {NOT_STARTED_CSS}"' in listing and f'class="badge {Box.OPEN_OVERDUE.css}"' in listing
    _start(app, waiting, office)
    page = client.get(f"/tasks/{waiting}").get_data(as_text=True)
    assert f'class="badge {Box.OPEN_IN_TIME.css}" data-box="open_in_time"' in page and NOT_STARTED_CSS not in page


def test_the_count_cards_use_the_box_colours(client, factory):
    plan, _, _ = _tasks(factory)
    login(client, factory.user(Role.OFFICE))
    page = client.get(f"/plans/{plan}").get_data(as_text=True)
    for box in (Box.DONE_ON_TIME, Box.DONE_LATE, Box.OPEN_IN_TIME, Box.OPEN_OVERDUE):
        assert f'class="card {box.border_css} ' in page and f'class="small {box.text_css}">{box.label}<' in page


def test_the_chart_draws_in_the_box_colours():
    chart = chart_geometry([MonthPoint("10/2024", date(2024, 10, 1), date(2024, 10, 31), 3, 1, 5)])
    assert chart["colours"] == {"on_time": Box.DONE_ON_TIME.hex, "late": Box.DONE_LATE.hex, "due": Box.OPEN_IN_TIME.hex}


def test_the_xlsx_export_fills_each_state_with_its_badge_colour(client, app, factory):
    plan, waiting, late = _tasks(factory)
    office = factory.user(Role.OFFICE)
    login(client, office)
    ws = load_workbook(io.BytesIO(client.get(f"/tasks/export.xlsx?plan={plan}&sort=plan").data)).active
    header = [c.value for c in ws[4]]  # below the title, the as-of date and the filters
    column = header.index("Tình trạng")
    fills = {row[2].value: row[column].fill.fgColor.rgb for row in ws.iter_rows(min_row=5)}
    assert fills == {"Chưa bắt đầu, trong hạn": argb(NOT_STARTED_COLOUR), "Chưa bắt đầu, quá hạn": argb(Box.OPEN_OVERDUE.hex)}
    _start(app, waiting, office)
    ws = load_workbook(io.BytesIO(client.get(f"/tasks/export.xlsx?plan={plan}&sort=plan").data)).active
    fills = {row[2].value: row[column].fill.fgColor.rgb for row in ws.iter_rows(min_row=5)}
    assert fills["Chưa bắt đầu, trong hạn"] == argb(Box.OPEN_IN_TIME.hex)
