"""The pages at input (issue 16.1, 16.2, 16.4): every text field of every form checked by BaseForm with the
text rule, every date field in the year window, integers in ASCII digits — a message next to the field,
never a 500, nothing half-saved. Hypothesis drives the main forms' fields."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.text import TextRule, refused_character
from tracker.tasks.models import Task, TaskEvent


def _count(app, model=Task) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def office(client, factory):
    unit = factory.unit()
    plan = factory.plan()
    token = login(client, factory.user(Role.OFFICE))
    return {"unit": unit, "plan": plan, "token": token, "task": factory.task(plan, unit)}


def _new_task(client, office, **fields):
    data = {"csrf_token": office["token"], "title": "Nhiệm vụ", "lead_unit_id": office["unit"], "deadline_text": "Quý IV/2024"}
    return client.post(f"/plans/{office['plan']}/tasks/new", data=data | fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Tiêu đề\r\nBcc: x@example.com"}, "“Tên nhiệm vụ / phần việc” phải viết trên một dòng"),
        ({"title": "Tên\x0bnhiệm vụ"}, "phải viết trên một dòng: có ký tự ngắt dòng (U+000B)"),
        ({"title": "Tên\x1bnhiệm vụ"}, "(U+001B)"),
        ({"deadline_text": "Quý IV\n2024"}, "“Thời hạn theo văn bản” phải viết trên một dòng"),
        ({"ordinal": "1\x00"}, "(U+0000)"),
        ({"description": "Dòng 1\x07"}, "“Nội dung chi tiết” có ký tự điều khiển không hiển thị được (U+0007)"),
        ({"description": "x" * 100_001}, "“Nội dung chi tiết” dài quá: tối đa 100.000 ký tự"),
        (
            {"due_date": "31/12/9999"},
            "Hoặc ngày hết hạn cụ thể 31/12/9999 nằm ngoài khoảng cho phép (từ 01/01/2000 đến 31/12/2100)",
        ),
        ({"start_date": "01/01/1024"}, "Ngày bắt đầu 01/01/1024 nằm ngoài khoảng cho phép"),
    ],
)
def test_task_form_refuses_with_the_message_beside_the_field(client, app, office, fields, message):
    before = _count(app)
    response = _new_task(client, office, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(app) == before


def test_multi_line_description_and_a_trailing_enter_in_a_title_are_fine(client, app, office):
    response = _new_task(client, office, title="Nhiệm vụ mới\r\n", description="Dòng 1\r\nDòng 2\tcột")
    assert response.status_code == 302
    with app.app_context():
        task = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
        assert task.title == "Nhiệm vụ mới"
        assert task.description.replace("\r\n", "\n") == "Dòng 1\nDòng 2\tcột"


def test_a_year_1024_phrase_is_saved_undetermined_with_the_reason(client, app, office):
    response = _new_task(client, office, deadline_text="Trong năm 1024")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Năm 1024 nằm ngoài khoảng cho phép (từ 2000 đến 2100)" in page
    with app.app_context():
        task = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
        assert task.deadline_kind is DeadlineKind.UNDETERMINED and task.due_date is None


def test_the_window_is_configurable(client, app, office):
    app.config["YEAR_MAX"] = 2030
    try:
        response = _new_task(client, office, due_date="31/12/2031")
    finally:
        app.config["YEAR_MAX"] = 2100
    assert "31/12/2031 nằm ngoài khoảng cho phép (từ 01/01/2000 đến 31/12/2030)" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"p-completed_on": "01/01/1024", "p-status": "done"}, "Ngày hoàn thành 01/01/1024 nằm ngoài khoảng cho phép"),
        ({"p-progress": "١٢"}, "Vui lòng nhập một số nguyên bằng chữ số 0–9"),
        ({"p-progress": "99999999999999999999999"}, "Vui lòng nhập một số nguyên bằng chữ số 0–9"),
        ({"p-result": "Kết quả\x0b"}, "“Kết quả thực hiện” có ký tự ngắt dòng (U+000B)"),
    ],
)
def test_progress_form_refuses(client, app, factory, office, fields, message):
    events = _count(app, TaskEvent)
    data = {"csrf_token": office["token"], "p-status": "in_progress", "p-progress": "10", "p-result": "Đang làm"}
    response = client.post(f"/tasks/{office['task']}/progress", data=data | fields, follow_redirects=True)
    assert response.status_code in (200, 422)
    assert message in response.get_data(as_text=True)
    assert _count(app, TaskEvent) == events


def test_plan_form_refuses_a_control_character_in_the_number(client, app, office, factory):
    issuer = factory.issuer_id("Sở Nội vụ")
    data = {"csrf_token": office["token"], "doc_type": "plan", "number": "12/KH\x00", "title": "Kế hoạch", "issuer_id": issuer}
    response = client.post("/plans/new", data=data | {"issued_on": "15/01/2024", "status": "active"})
    assert response.status_code == 200
    assert "“Số ký hiệu” phải viết trên một dòng: có ký tự ngắt dòng" not in response.get_data(as_text=True)
    assert "“Số ký hiệu” có ký tự điều khiển không hiển thị được (U+0000)" in response.get_data(as_text=True)


# --- Hypothesis over the task form: whatever is typed, a page (200) or a redirect (302) — never a 500 — and
# a saved task only when every field was acceptable.

WORDISH = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("\r\n\t\x0b\x00\x07\x7f"), max_size=40
)
DAY = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"),
    st.sampled_from(["", "31/02/2024", "00/00/0000", "١٢/١٢/٢٠٢٤", "99/99/99999"]),
    WORDISH,
)
NUMBER = st.one_of(st.integers(-(2**70), 2**70).map(str), st.sampled_from(["", "²", "١٢", "１２", "1.5", "1e9"]), WORDISH)
TITLE_RULE = TextRule("t", max_length=2000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=WORDISH, deadline=WORDISH, due=DAY, start=DAY, ordinal=st.one_of(NUMBER, WORDISH))
def test_task_form_never_500s_and_saves_only_acceptable_input(client, app, office, title, deadline, due, start, ordinal):
    before = _count(app)
    response = _new_task(client, office, title=title, deadline_text=deadline, due_date=due, start_date=start, ordinal=ordinal)
    assert response.status_code in (200, 302), response.status_code
    saved = _count(app) - before
    assert saved == (1 if response.status_code == 302 else 0)
    if saved:
        with app.app_context():
            task = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
            assert refused_character(task.title, multiline=False) is None
            assert refused_character(task.ordinal or "", multiline=False) is None
            for day in (task.due_date, task.start_date):
                assert day is None or 2000 <= day.year <= 2100


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(progress=NUMBER, completed=DAY, result=WORDISH, status=st.sampled_from(["in_progress", "done", "xong", ""]))
def test_progress_form_never_500s(client, app, office, progress, completed, result, status):
    data = {"csrf_token": office["token"], "p-status": status, "p-progress": progress, "p-completed_on": completed}
    response = client.post(f"/tasks/{office['task']}/progress", data=data | {"p-result": result})
    assert response.status_code in (200, 302, 422), response.status_code
    with app.app_context():
        task = db.session.get(Task, office["task"])
        assert task.progress is None or 0 <= task.progress <= 100
        assert task.completed_on is None or 2000 <= task.completed_on.year <= 2100
