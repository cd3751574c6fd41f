"""No lost edits (issue 16.9): two people editing the same task or plan — the second, based on an older
version, is refused with the current values and what changed; the API's ETag / If-Match; and a write
racing past the check on another connection (both databases)."""

from __future__ import annotations

import html
import re
import threading

import pytest
from sqlalchemy import select, text

from tests.conftest import build_app, login
from tests.test_api import token_for
from tracker.accounts.models import Role, Unit, User
from tracker.errors import StaleVersion
from tracker.extensions import db
from tracker.plans.models import Issuer, Plan
from tracker.rules.status import TaskStatus
from tracker.tasks import operations as ops
from tracker.tasks.models import Task, TaskEvent

VERSION_RE = re.compile(r'name="(?:p-)?version"[^>]*value="(\d+)"')


def version_in(page: str) -> str:
    match = VERSION_RE.search(page)
    assert match, "no version field on the page"
    return match.group(1)


def _task(app, task_id) -> Task:
    with app.app_context():
        task = db.session.get(Task, task_id)
        db.session.expunge(task)
        return task


def edit_form(unit: int, **over) -> dict:
    return {"title": "Rà soát thủ tục", "lead_unit_id": str(unit), "deadline_text": "30/06/2024", **over}


def test_the_second_of_two_editors_is_refused_and_shown_the_change(app, factory):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit, deadline="30/06/2024", title="Rà soát thủ tục")
    first, second = app.test_client(), app.test_client()
    token_a = login(first, factory.user(Role.OFFICE))
    token_b = login(second, factory.user(Role.OFFICE))
    seen_a = version_in(first.get(f"/tasks/{task}/edit").get_data(as_text=True))
    seen_b = version_in(second.get(f"/tasks/{task}/edit").get_data(as_text=True))
    assert seen_a == seen_b

    saved = first.post(
        f"/tasks/{task}/edit", data={"csrf_token": token_a, "version": seen_a, **edit_form(unit, deadline_text="15/07/2024")}
    )
    assert saved.status_code == 302
    # The second editor still has the page read before: a new title, the old deadline.
    refused = second.post(
        f"/tasks/{task}/edit",
        data={"csrf_token": token_b, "version": seen_b, **edit_form(unit, title="Tên mới từ trang cũ")},
    )
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert "Người khác đã sửa nhiệm vụ này lúc 01/10/2024 09:00 (Người dùng office" in page
    assert "Thời hạn 30/06/2024 → 15/07/2024" in page
    assert "chưa được lưu" in page
    # Nothing saved: the first editor's deadline stands, the old title stays; the form shows the
    # stored values and the stored version, so saving again is based on it.
    stored = _task(app, task)
    assert stored.title == "Rà soát thủ tục" and stored.deadline_text == "15/07/2024"
    assert 'value="15/07/2024"' in page and "Tên mới từ trang cũ" not in page
    assert version_in(page) == str(stored.version) != seen_b
    again = second.post(
        f"/tasks/{task}/edit",
        data={"csrf_token": token_b, "version": version_in(page), **edit_form(unit, deadline_text="15/07/2024", title="Tên mới")},
    )
    assert again.status_code == 302 and _task(app, task).title == "Tên mới"


def test_the_progress_form_and_the_quick_update_are_refused_when_stale(app, factory):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit, deadline="30/12/2024")
    head, office = app.test_client(), app.test_client()
    token_h = login(head, factory.user(Role.UNIT_HEAD, unit))
    token_o = login(office, factory.user(Role.OFFICE))
    quick = version_in(head.get(f"/unit?unit={unit}").get_data(as_text=True))  # the list's quick form
    detail = version_in(head.get(f"/tasks/{task}").get_data(as_text=True))
    assert quick == detail

    office_page = office.get(f"/tasks/{task}").get_data(as_text=True)
    done = office.post(
        f"/tasks/{task}/progress",
        data={
            "csrf_token": token_o,
            "p-status": "in_progress",
            "p-progress": "60",
            "p-result": "Đã họp",
            "p-version": version_in(office_page),
        },
    )
    assert done.status_code == 302

    refused = head.post(
        f"/tasks/{task}/progress", data={"csrf_token": token_h, "p-status": "in_progress", "p-progress": "20", "p-version": quick}
    )
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert "Người khác đã sửa nhiệm vụ này" in page and "Tiến độ (%) 0 → 60" in page and "Kết quả (trống) → Đã họp" in page
    assert _task(app, task).progress == 60
    assert 'name="p-progress" type="text" value="60"' in page or 'value="60"' in page  # the stored value shown

    refused = head.post(
        f"/tasks/{task}/progress",
        data={"csrf_token": token_h, "p-status": "in_progress", "p-progress": "30", "p-result": "x", "p-version": detail},
    )
    assert refused.status_code == 409 and _task(app, task).progress == 60
    # Sent without a version (an older page): not checked, as before.
    assert (
        head.post(
            f"/tasks/{task}/progress", data={"csrf_token": token_h, "p-status": "in_progress", "p-progress": "70"}
        ).status_code
        == 302
    )
    assert _task(app, task).progress == 70


PLAN_FORM = {
    "doc_type": "plan",
    "number": "48/KH-SNV",
    "title": "Kế hoạch chuyển đổi số năm 2024",
    "issued_on": "15/02/2024",
    "year": "",
    "status": "active",
    "requires_confirmation": "y",
}


def test_the_second_of_two_plan_editors_is_refused_and_shown_the_change(app, factory):
    issuer = factory.issuer_id("Sở Nội vụ")
    first, second = app.test_client(), app.test_client()
    token_a = login(first, factory.user(Role.OFFICE))
    token_b = login(second, factory.user(Role.OFFICE))
    created = first.post("/plans/new", data={"csrf_token": token_a, "issuer_id": str(issuer), **PLAN_FORM})
    assert created.status_code == 302
    plan_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    seen_a = version_in(first.get(f"/plans/{plan_id}/edit").get_data(as_text=True))
    seen_b = version_in(second.get(f"/plans/{plan_id}/edit").get_data(as_text=True))
    form = {"issuer_id": str(issuer), **PLAN_FORM}
    assert (
        first.post(
            f"/plans/{plan_id}/edit", data={"csrf_token": token_a, "version": seen_a, **form, "title": "Kế hoạch CĐS 2024"}
        ).status_code
        == 302
    )
    refused = second.post(
        f"/plans/{plan_id}/edit", data={"csrf_token": token_b, "version": seen_b, **form, "issued_on": "16/02/2024"}
    )
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert "Người khác đã sửa kế hoạch này lúc" in page
    assert "Trích yếu Kế hoạch chuyển đổi số năm 2024 → Kế hoạch CĐS 2024" in page
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert plan.title == "Kế hoạch CĐS 2024" and plan.issued_on.day == 15
        assert version_in(page) == str(plan.version)


def test_the_api_answers_an_etag_and_honours_if_match(client, app, factory):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit, deadline="30/12/2024")
    auth = token_for(app, factory.user(Role.UNIT_HEAD, unit))
    got = client.get(f"/api/v1/tasks/{task}", headers=auth)
    etag = got.headers["ETag"]
    assert etag == f'"{_task(app, task).version}"'
    assert client.get(f"/api/v1/plans/{plan}", headers=auth).headers["ETag"].strip('"').isdigit()

    saved = client.patch(
        f"/api/v1/tasks/{task}", headers={**auth, "If-Match": etag}, json={"status": "in_progress", "progress": 40}
    )
    assert saved.status_code == 200 and saved.headers["ETag"] != etag
    stale = client.patch(f"/api/v1/tasks/{task}", headers={**auth, "If-Match": etag}, json={"progress": 10})
    assert stale.status_code == 412
    body = stale.get_json()
    assert "Người khác đã sửa nhiệm vụ này" in body["error"]["message"] and "Tiến độ (%) 0 → 40" in body["error"]["message"]
    assert body["current"]["progress"] == 40 and stale.headers["ETag"] == saved.headers["ETag"]
    assert _task(app, task).progress == 40
    # The current ETag, a weak one, "*" and none at all (existing clients) are accepted.
    assert (
        client.patch(
            f"/api/v1/tasks/{task}", headers={**auth, "If-Match": saved.headers["ETag"]}, json={"progress": 50}
        ).status_code
        == 200
    )
    current = client.get(f"/api/v1/tasks/{task}", headers=auth).headers["ETag"]
    assert (
        client.patch(f"/api/v1/tasks/{task}", headers={**auth, "If-Match": "W/" + current}, json={"progress": 55}).status_code
        == 200
    )
    assert client.patch(f"/api/v1/tasks/{task}", headers={**auth, "If-Match": "*"}, json={"progress": 60}).status_code == 200
    assert client.patch(f"/api/v1/tasks/{task}", headers=auth, json={"progress": 65}).status_code == 200
    garbled = client.patch(f"/api/v1/tasks/{task}", headers={**auth, "If-Match": "abc"}, json={"progress": 1})
    assert garbled.status_code == 422 and "If-Match" in garbled.get_json()["error"]["fields"]
    assert _task(app, task).progress == 65


# ---------------------------------------------------------------- on another connection (both databases)


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("versions"), name="versions")
    yield app
    with app.app_context():
        db.engine.dispose()


def _setup(app, tag: str) -> tuple[int, int, int]:
    with app.app_context():
        unit = Unit(name=f"Phòng Phiên bản {tag}", short_name=f"PB{tag}")
        db.session.add(unit)
        db.session.flush()
        users = [
            User(username=f"vp{tag}{i}", full_name=f"Văn phòng {i}", role=Role.OFFICE, email=f"vp{tag}{i}@example.invalid")
            for i in (1, 2)
        ]
        db.session.add_all(users)
        issuer = db.session.scalars(select(Issuer).where(Issuer.name == "Sở Phiên bản")).first() or Issuer(name="Sở Phiên bản")
        plan = Plan(
            number=f"{unit.id}/KH-PB",
            title="Kế hoạch",
            issuer=issuer,
            issued_on=__import__("datetime").date(2024, 1, 2),
            year=2024,
        )
        db.session.add(plan)
        db.session.flush()
        task = ops.create_task(plan, ops.TaskInput(title="Việc chung", lead_unit_id=unit.id, deadline_text="30/12/2024"), None)
        db.session.commit()
        return task.id, users[0].id, unit.id


def test_a_write_racing_past_the_check_is_refused_at_the_flush(shared_app):
    app = shared_app
    task_id, actor_id, unit_id = _setup(app, "race")
    with app.app_context():
        db.session().expire_on_commit = False
        task = db.session.get(Task, task_id)
        actor = db.session.get(User, actor_id)
        _ = task.plan, task.lead_unit, task.cooperating_units, task.assignee
        read_at = task.version
        db.session.commit()  # this request read version ``read_at`` and holds no transaction now
        with db.engine.begin() as other:  # another connection saves meanwhile
            other.execute(text("UPDATE task SET title = 'Đã đổi', version = version + 1 WHERE id = :id"), {"id": task_id})
        with pytest.raises(StaleVersion) as refused:
            ops.edit_task(
                task, ops.TaskInput(title="Ghi đè", lead_unit_id=unit_id, deadline_text="30/12/2024"), actor, based_on=read_at
            )
        db.session.rollback()
        assert refused.value.current_version == read_at + 1
        assert db.session.scalar(select(Task.title).where(Task.id == task_id)) == "Đã đổi"
        assert not db.session.scalars(
            select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.new_value == "Ghi đè")
        ).all()


def test_two_concurrent_updates_one_wins_the_other_is_refused(shared_app):
    app = shared_app
    task_id, actor_id, unit_id = _setup(app, "two")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker(progress: int):
        try:
            with app.app_context():
                read_at = db.session.get(Task, task_id).version
                db.session.commit()
                barrier.wait(timeout=30)
                task = db.session.get(Task, task_id)
                actor = db.session.get(User, actor_id)
                try:
                    ops.update_progress(
                        task, ops.ProgressInput(TaskStatus.IN_PROGRESS, progress), actor, task.created_at.date(), based_on=read_at
                    )
                    db.session.commit()
                    outcomes.append(f"saved {progress}")
                except StaleVersion:
                    db.session.rollback()
                    outcomes.append("refused")
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(p,)) for p in (30, 70)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(o.split()[0] for o in outcomes) == ["refused", "saved"]
    winner = int(next(o for o in outcomes if o.startswith("saved")).split()[1])
    with app.app_context():
        assert db.session.scalar(select(Task.progress).where(Task.id == task_id)) == winner
        lines = db.session.scalars(
            select(TaskEvent.new_value).where(TaskEvent.task_id == task_id, TaskEvent.field == "progress")
        ).all()
        assert lines == [str(winner)]
