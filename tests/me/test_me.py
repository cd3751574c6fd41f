"""Việc của tôi and the personal iCalendar feed, read back by parsing it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from icalendar import Calendar

from tests.conftest import login
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.me import queries as q
from tracker.rules.status import TaskStatus
from tracker.tasks import operations as ops
from tracker.tasks.models import Task

FEED_RE = re.compile(r'data-testid="feed-url"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-testid="feed-url"')


@pytest.fixture
def team(factory):
    unit = factory.unit("Phòng Cải cách hành chính")
    other = factory.unit("Phòng Công chức, viên chức")
    head = factory.user(Role.UNIT_HEAD, unit, username="tp")
    staff = factory.user(Role.STAFF, unit, username="cv")
    office = factory.user(Role.OFFICE, None, username="vp")
    leader = factory.user(Role.LEADER, None, username="gd")
    plan = factory.plan("3/KH-SNV")
    staff_id = factory.user_id(staff)
    ids = {
        "mine": factory.task(plan, unit, deadline="15/10/2024", title="Việc giao cho chuyên viên", assignee_id=staff_id),
        "late": factory.task(plan, unit, deadline="20/09/2024", title="Việc quá hạn của chuyên viên", assignee_id=staff_id),
        "unassigned": factory.task(plan, unit, deadline="30/11/2024", title="Việc chưa giao"),
        "elsewhere": factory.task(plan, other, deadline="01/11/2024", title="Việc của phòng khác"),
        "no_date": factory.task(plan, unit, deadline="Thường xuyên", title="Việc thường xuyên"),
    }
    return {"unit": unit, "head": head, "staff": staff, "office": office, "leader": leader, "plan": plan, **ids}


def section_ids(app, username: str) -> dict[str, set[int]]:
    with app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        return {s.key: {row.id for row, _ in s.rows} for s in q.my_sections(user, date(2024, 10, 1))}


def test_staff_see_what_is_assigned_to_them(app, team):
    sections = section_ids(app, "cv")
    assert sections["assigned"] == {team["mine"], team["late"]}
    assert sections["returned"] == set()


def test_a_unit_head_sees_the_unit_s_unassigned_open_tasks(app, team):
    sections = section_ids(app, "tp")
    assert sections["assigned"] == set()
    assert sections["unassigned"] == {team["unassigned"], team["no_date"]}


def test_done_tasks_leave_and_returned_ones_come_back(app, team):
    with app.app_context():
        staff = db.session.query(User).filter_by(username="cv").one()
        office = db.session.query(User).filter_by(username="vp").one()
        task = db.session.get(Task, team["mine"])
        ops.update_progress(task, ops.ProgressInput(TaskStatus.DONE, 100, "Xong", date(2024, 10, 1)), staff, date(2024, 10, 1))
        db.session.commit()
    assert section_ids(app, "cv")["assigned"] == {team["late"]}
    assert section_ids(app, "vp")["confirm"] == {team["mine"]}
    with app.app_context():
        office = db.session.query(User).filter_by(username="vp").one()
        ops.return_completion(db.session.get(Task, team["mine"]), office, "Thiếu văn bản kèm theo.")
        db.session.commit()
    assert team["mine"] in section_ids(app, "cv")["returned"]
    assert team["mine"] in section_ids(app, "tp")["returned"]
    assert section_ids(app, "vp")["confirm"] == set()


def test_leaders_see_extension_requests_waiting(app, team):
    with app.app_context():
        head = db.session.query(User).filter_by(username="tp").one()
        ops.request_extension(
            db.session.get(Task, team["unassigned"]), head, "Chờ số liệu.", date(2024, 12, 20), date(2024, 10, 1)
        )
        db.session.commit()
    assert section_ids(app, "gd")["extension"] == {team["unassigned"]}
    assert section_ids(app, "vp")["extension"] == {team["unassigned"]}
    assert "extension" not in section_ids(app, "tp")


def test_the_page_and_its_menu_link(client, team):
    login(client, "cv")
    html = client.get("/me").get_data(as_text=True)
    assert 'href="/me"' in html and "Việc của tôi" in html
    assigned = html.split('data-testid="me-assigned"')[1].split("</section>")[0]
    assert "Việc giao cho chuyên viên" in assigned and "Việc quá hạn của chuyên viên" in assigned
    assert "Việc chưa giao" not in assigned
    assert assigned.index("Việc quá hạn") < assigned.index("Việc giao cho chuyên viên")  # nearest deadline first


def _make_feed(client) -> str:
    html = client.get("/me").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    page = client.post("/me/calendar", data={"csrf_token": token}).get_data(as_text=True)
    match = FEED_RE.search(page)
    assert match, page[:2000]
    url = match.group(1) or match.group(2)
    return url.replace("http://localhost", "")


def test_the_feed_is_valid_icalendar_with_my_deadlines(client, team):
    login(client, "tp")
    path = _make_feed(client)
    assert re.fullmatch(r"/calendar/[A-Za-z0-9_-]{40,}\.ics", path)
    client.post("/logout", data={})
    response = client.get(path)  # no session: the secret is the key
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    raw = response.get_data()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.rstrip().endswith(b"END:VCALENDAR")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded as RFC 5545 requires
    cal = Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    # The unit head's feed: the unit's dated tasks (assigned or not), not the other unit's, not the undated one.
    wanted = {team["mine"], team["late"], team["unassigned"]}
    assert {int(uid.split("-")[1].split("@")[0]) for uid in events} == wanted
    late = events[next(u for u in events if u.startswith(f"task-{team['late']}@"))]
    assert late.decoded("DTSTART") == date(2024, 9, 20) and late.decoded("DTEND") == date(2024, 9, 21)
    assert str(late["SUMMARY"]).startswith("[") and "Việc quá hạn của chuyên viên" in str(late["SUMMARY"])
    assert str(late["SUMMARY"]) == "[Đang thực hiện quá hạn] Việc quá hạn của chuyên viên"
    assert "3/KH-SNV" in str(late["DESCRIPTION"]) and f"/tasks/{team['late']}" in str(late["URL"])


def test_staff_feed_holds_the_unit_and_their_own(client, team):
    login(client, "cv")
    path = _make_feed(client)
    cal = Calendar.from_ical(client.get(path).get_data())
    assert len(list(cal.walk("VEVENT"))) == 3


def test_regenerating_ends_the_old_address_and_revoking_ends_all(client, team):
    login(client, "tp")
    first = _make_feed(client)
    second = _make_feed(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    html = client.get("/me").get_data(as_text=True)
    assert "Đã tạo địa chỉ lịch lúc" in html and 'data-testid="feed-url"' not in html  # shown once only
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/me/calendar/revoke", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã thu hồi địa chỉ lịch" in response.get_data(as_text=True)
    assert client.get(second).status_code == 404
    assert client.get("/calendar/khong-ton-tai.ics").status_code == 404


def test_a_deactivated_account_s_feed_stops(app, client, team):
    login(client, "tp")
    path = _make_feed(client)
    with app.app_context():
        db.session.query(User).filter_by(username="tp").one().active = False
        db.session.commit()
    assert client.get(path).status_code == 404


def test_posting_without_the_form_token_is_refused(client, team):
    login(client, "tp")
    assert client.post("/me/calendar", data={}).status_code == 400
