"""The rules the pages show, enforced and ordered where they live (issue 11 item 1): the unit page's
due-soon-first order and groups, the director's rankings of units, the due-soon horizon from the
configuration, "reported this period" on the office board, and the extension and nudge offers — what
the page does not offer, the server refuses with a Vietnamese message."""

import re
from datetime import date

import pytest

from tests.conftest import login
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.notifications.models import Delivery
from tracker.plans.models import Plan
from tracker.rules.extensions import ALREADY_PENDING, FINISHED, NOT_DATED
from tracker.rules.status import TaskStatus
from tracker.tasks import operations as ops
from tracker.tasks.journal import journal
from tracker.tasks.models import ExtensionRequest, Task

TODAY = date(2024, 10, 1)  # the frozen clock: a Tuesday


def _done(app, task_id, completed_on, username):
    with app.app_context():
        task = db.session.get(Task, task_id)
        actor = db.session.scalars(db.select(User).filter_by(username=username)).one()
        ops.update_progress(task, ops.ProgressInput(TaskStatus.DONE, completed_on=completed_on), actor, TODAY)
        db.session.commit()


def _titles(html: str, start: str, end: str | None = None) -> list[str]:
    part = html[html.index(start) : html.index(end) if end else None]
    return re.findall(r">(?:[\w.]+\. )?(Việc [^<]+)</a>", part)


# ---------------------------------------------------------------- the unit page


def test_unit_page_groups_in_order_and_puts_due_soon_first(app, factory, client):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    head = factory.user(Role.UNIT_HEAD, unit)
    # Read in deadline order, an undated and two dated in time; soon = within 3 working days (to 04/10).
    factory.task(plan, unit, "", title="Việc xa hạn", due_date=date(2024, 10, 25))
    factory.task(plan, unit, "", title="Việc sắp đến hạn", due_date=date(2024, 10, 3))
    factory.task(plan, unit, "", title="Việc quá hạn", due_date=date(2024, 9, 20))
    factory.task(plan, unit, "Thường xuyên", title="Việc thường xuyên")
    login(client, head)
    html = client.get(f"/unit?unit={unit}").get_data(as_text=True)
    sections = re.findall(r'data-testid="group-(\w+)"', html)
    assert sections == ["open_overdue", "open_in_time", "no_deadline_open"]
    in_time = _titles(html, 'data-testid="group-open_in_time"', 'data-testid="group-no_deadline_open"')
    assert in_time == ["Việc sắp đến hạn", "Việc xa hạn"]
    soon_row = html[html.index("Việc sắp đến hạn") : html.index("Việc xa hạn")]
    assert "Sắp đến hạn</span>" in soon_row
    assert html.count("Sắp đến hạn</span>") == 1


def test_unit_page_due_soon_first_even_against_the_order_read(app, factory, client):
    """Within the undated-first sort the page reads (by deadline), due soon still comes first: a task
    whose deadline is a day off after the horizon's working days is soon, one later is not."""
    unit = factory.unit()
    plan = factory.plan()
    head = factory.user(Role.UNIT_HEAD, unit)
    factory.task(plan, unit, "", title="Việc ngày 10", due_date=date(2024, 10, 10))
    factory.task(plan, unit, "", title="Việc ngày 4", due_date=date(2024, 10, 4))
    login(client, head)
    html = client.get(f"/unit?unit={unit}").get_data(as_text=True)
    assert _titles(html, 'data-testid="group-open_in_time"') == ["Việc ngày 4", "Việc ngày 10"]
    assert html.count("Sắp đến hạn</span>") == 1


# ---------------------------------------------------------------- the director's dashboard


def _units_with_rates(app, factory):
    """Three units: A 1 on time of 4 come due, B 2 of 2, C 0 of 2; A has 3 overdue (recent), C 2 (one
    older): more overdue ranks first, whatever the age."""
    plan = factory.plan(requires_confirmation=False)
    office = factory.user(Role.OFFICE)
    a, b, c = (factory.unit(name) for name in ("Phòng A thử", "Phòng B thử", "Phòng C thử"))
    due = date(2024, 9, 16)
    _done(app, factory.task(plan, a, "", due_date=due), due, office)
    for _ in range(3):
        factory.task(plan, a, "", due_date=due)  # overdue
    _done(app, factory.task(plan, b, "", due_date=due), due, office)
    _done(app, factory.task(plan, b, "", due_date=due), date(2024, 9, 10), office)
    factory.task(plan, c, "", due_date=date(2024, 9, 2))  # overdue, older
    factory.task(plan, c, "", due_date=due)  # overdue
    return plan


def test_director_ranks_units_by_on_time_rate(app, factory, client):
    plan = _units_with_rates(app, factory)
    login(client, factory.user(Role.LEADER))
    html = client.get(f"/dashboard?plan={plan}").get_data(as_text=True)
    ranking = html[html.index('data-testid="ranking"') : html.index('data-testid="due-soon"')]
    assert re.findall(r"<td>(Phòng [ABC] thử)</td>", ranking) == ["Phòng B thử", "Phòng A thử", "Phòng C thử"]
    overdue = html[html.index('data-testid="overdue-by-unit"') : html.index('data-testid="ranking"')]
    assert re.findall(r"<td>(Phòng [ABC] thử)</td>", overdue) == ["Phòng A thử", "Phòng C thử"]


@pytest.mark.parametrize(("days", "listed"), [(3, False), (7, True)])
def test_director_due_soon_follows_the_configured_horizon(app, factory, client, monkeypatch, days, listed):
    unit = factory.unit()
    plan = factory.plan()
    # Tuesday 01/10 + 5 working days = Tuesday 08/10.
    factory.task(plan, unit, "", title="Việc năm ngày nữa", due_date=date(2024, 10, 8))
    monkeypatch.setitem(app.config, "DUE_SOON_WORKING_DAYS", days)
    login(client, factory.user(Role.LEADER))
    html = client.get(f"/dashboard?plan={plan}").get_data(as_text=True)
    assert f"Đến hạn trong {days} ngày làm việc tới" in html
    soon = html[html.index('data-testid="due-soon"') :]
    assert ("Việc năm ngày nữa" in soon[: soon.index("</ul>")]) is listed


# ---------------------------------------------------------------- the office board: reported this period


def test_office_board_lists_units_that_have_not_reported(app, factory, client):
    plan = factory.plan()
    office = factory.user(Role.OFFICE)
    reported = {name: factory.unit(name) for name in ("Phòng cập nhật", "Phòng tải tài liệu", "Phòng xin gia hạn")}
    silent = {name: factory.unit(name) for name in ("Phòng được sửa", "Phòng được giao", "Phòng im lặng")}
    actions = {
        "Phòng cập nhật": "updated",
        "Phòng tải tài liệu": "attachment_added",
        "Phòng xin gia hạn": "extension_requested",
        "Phòng được sửa": "edited",
        "Phòng được giao": "assigned",
    }
    for name, unit in {**reported, **silent}.items():
        task_id = factory.task(plan, unit, "Quý IV/2024")
        if name in actions:
            with app.app_context():
                journal(db.session.get(Task, task_id), None, actions[name], note="thử")
                db.session.commit()
    login(client, office)
    html = client.get(f"/board?plan={plan}").get_data(as_text=True)
    listed = html[html.index('data-testid="silent"') :]
    listed = listed[: listed.index("</ul>")]
    for name in silent:
        assert name in listed
    for name in reported:
        assert name not in listed


# ---------------------------------------------------------------- extension and nudge offers


def _extension_post(client, token, task_id):
    return client.post(
        f"/tasks/{task_id}/extensions",
        data={"csrf_token": token, "e-proposed_due": "31/12/2024", "e-reason": "Cần thêm thời gian"},
    )


def test_extension_offered_only_where_the_server_accepts_it(app, factory, client):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    head = factory.user(Role.UNIT_HEAD, unit)
    office = factory.user(Role.OFFICE)
    open_task = factory.task(plan, unit, "", due_date=date(2024, 10, 15))
    ongoing = factory.task(plan, unit, "Thường xuyên")
    finished = factory.task(plan, unit, "", due_date=date(2024, 10, 15))
    _done(app, finished, TODAY, office)
    token = login(client, head)
    assert "Gửi đề nghị" in client.get(f"/tasks/{open_task}").get_data(as_text=True)
    assert _extension_post(client, token, open_task).status_code == 302
    # Now one waits for a decision: no form, and a second request is refused.
    for task_id, message in ((open_task, ALREADY_PENDING), (ongoing, NOT_DATED), (finished, FINISHED)):
        assert "Gửi đề nghị" not in client.get(f"/tasks/{task_id}").get_data(as_text=True), task_id
        response = _extension_post(client, token, task_id)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ExtensionRequest).count() == 1


def test_nudge_not_offered_is_refused(app, factory, client):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    factory.user(Role.UNIT_HEAD, unit)
    office = factory.user(Role.OFFICE)
    task = factory.task(plan, unit, "", due_date=date(2024, 9, 20))
    _done(app, task, date(2024, 9, 30), office)
    token = login(client, office)
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Gửi đôn đốc" not in page
    response = client.post(f"/tasks/{task}/nudge", data={"csrf_token": token, "n-note": ""}, follow_redirects=True)
    assert "Nhiệm vụ đã hoàn thành hoặc đã hủy, không cần đôn đốc." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Delivery).filter_by(task_id=task).count() == 0
        assert db.session.get(Plan, plan) is not None
