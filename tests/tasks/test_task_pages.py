"""Tasks through the pages a user uses: create, update, confirm, extend, evidence, delete, move."""

import io
from datetime import date

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Confirmation, TaskStatus
from tracker.tasks.models import Attachment, ExtensionRequest, Task, TaskEvent


def post_file(client, url: str, token: str, name: str, content: bytes):
    """Upload a multipart body built in memory (the test client would spool large ones to an unclosed temp file)."""
    boundary, body = encode_multipart({"csrf_token": token, "f-file": FileStorage(io.BytesIO(content), filename=name)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _task(app, task_id) -> Task:
    with app.app_context():
        task = db.session.get(Task, task_id)
        db.session.expunge(task)
        return task


def _events(app, task_id) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(TaskEvent.action, TaskEvent.field, TaskEvent.old_value, TaskEvent.new_value)
            .where(TaskEvent.task_id == task_id)
            .order_by(TaskEvent.id)
        ).all()
        return [tuple(r) for r in rows]


def test_office_adds_a_task_with_a_deadline_phrase(client, factory, app):
    lead, coop = factory.unit(), factory.unit()
    plan = factory.plan()
    token = login(client, factory.user(Role.OFFICE))
    response = client.post(
        f"/plans/{plan}/tasks/new",
        data={
            "csrf_token": token,
            "title": "Rà soát thủ tục hành chính",
            "lead_unit_id": str(lead),
            "cooperating_unit_ids": [str(coop)],
            "deadline_text": "Quý III/2024",
            "start_date": "01/02/2024",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        task = db.session.scalars(select(Task).where(Task.plan_id == plan)).one()
        assert task.due_date == date(2024, 9, 30)
        assert task.effective_due == date(2024, 9, 30)
        assert task.deadline_text == "Quý III/2024"
        assert [u.id for u in task.cooperating_units] == [coop]
        assert task.ordinal == "1"
    html = client.get(f"/plans/{plan}").get_data(as_text=True)
    assert "Rà soát thủ tục hành chính" in html and "30/09/2024" in html and "Quý III/2024" in html


def test_sub_tasks_are_numbered_under_their_parent(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    parent = factory.task(plan, unit)
    token = login(client, factory.user(Role.OFFICE))
    for title in ("Phần việc a", "Phần việc b"):
        assert (
            client.post(
                f"/plans/{plan}/tasks/new?parent={parent}",
                data={"csrf_token": token, "title": title, "lead_unit_id": str(unit), "deadline_text": "Tháng 12/2024"},
            ).status_code
            == 302
        )
    with app.app_context():
        ordinals = db.session.scalars(select(Task.ordinal).where(Task.parent_id == parent).order_by(Task.position)).all()
    assert ordinals == ["1.1", "1.2"]


def test_unparsed_deadline_is_kept_and_flagged(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    token = login(client, factory.user(Role.OFFICE))
    client.post(
        f"/plans/{plan}/tasks/new",
        data={
            "csrf_token": token,
            "title": "Cử cán bộ đi tập huấn",
            "lead_unit_id": str(unit),
            "deadline_text": "Theo kế hoạch tập huấn của Bộ",
        },
    )
    with app.app_context():
        task = db.session.scalars(select(Task).where(Task.plan_id == plan)).one()
        assert task.deadline_kind is DeadlineKind.UNDETERMINED and task.due_date is None
        assert task.deadline_text == "Theo kế hoạch tập huấn của Bộ"
    assert "Chưa xác định thời hạn" in client.get(f"/plans/{plan}").get_data(as_text=True)


def test_bad_task_input_is_explained_and_nothing_is_saved(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    token = login(client, factory.user(Role.OFFICE))
    cases = [
        ({"deadline_text": "Quý I/2024", "start_date": "01/06/2024"}, "không được trước ngày bắt đầu"),
        ({"deadline_text": "31/02/2024"}, "Ngày 31/02/2024 không tồn tại."),
        ({"deadline_text": "", "due_date": ""}, "Vui lòng nhập thời hạn"),
        ({"due_date": "2024-13-40"}, "không tồn tại"),
        ({"lead_unit_id": "999999"}, "Lựa chọn không hợp lệ."),
        ({"title": ""}, "Vui lòng nhập tên nhiệm vụ."),
    ]
    for override, message in cases:
        data = {"csrf_token": token, "title": "Nhiệm vụ", "lead_unit_id": str(unit), "deadline_text": "Quý IV/2024", **override}
        response = client.post(f"/plans/{plan}/tasks/new", data=data)
        assert response.status_code == 200, override
        assert message in response.get_data(as_text=True), override
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Task).where(Task.plan_id == plan)) == 0


def test_unit_head_updates_own_task_and_completion_waits_for_confirmation(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit, "Quý IV/2024")
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    response = client.post(
        f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done", "p-result": "Đã ban hành văn bản số 12/SNV"}
    )
    assert response.status_code == 302
    t = _task(app, task)
    assert t.status is TaskStatus.DONE and t.completed_on == date(2024, 10, 1) and t.progress == 100
    assert t.confirmation is Confirmation.PENDING
    assert "Chờ xác nhận" in client.get(f"/tasks/{task}").get_data(as_text=True)
    assert ("updated", "status", "Chưa thực hiện", "Hoàn thành") in _events(app, task)

    office = client.application.test_client()
    office_token = login(office, factory.user(Role.OFFICE))
    assert office.post(f"/tasks/{task}/confirm", data={"csrf_token": office_token}).status_code == 302
    t = _task(app, task)
    assert t.confirmation is Confirmation.CONFIRMED and t.completed_on == date(2024, 10, 1)


def test_returned_completion_counts_as_not_completed(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit, "Quý IV/2024")
    head = factory.user(Role.UNIT_HEAD, unit)
    token = login(client, head)
    client.post(f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done"})
    office = client.application.test_client()
    office_token = login(office, factory.user(Role.OFFICE))
    html = office.post(f"/tasks/{task}/return", data={"csrf_token": office_token, "r-reason": ""}).get_data(as_text=True)
    assert "Vui lòng nêu lý do trả lại." in html
    assert (
        office.post(
            f"/tasks/{task}/return", data={"csrf_token": office_token, "r-reason": "Thiếu văn bản kiểm chứng"}
        ).status_code
        == 302
    )
    t = _task(app, task)
    assert t.status is TaskStatus.IN_PROGRESS and t.completed_on is None and t.confirmation is Confirmation.RETURNED
    assert any(e[0] == "returned" for e in _events(app, task))
    # Only văn phòng confirms.
    assert client.post(f"/tasks/{task}/confirm", data={"csrf_token": token}).status_code == 403


def test_plans_may_switch_confirmation_off(client, factory, app):
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    task = factory.task(plan, unit)
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    client.post(f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done"})
    assert _task(app, task).confirmation is Confirmation.NONE


def test_completion_date_rules(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    html = client.post(
        f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done", "p-completed_on": "02/10/2024"}
    ).get_data(as_text=True)
    assert "không được sau ngày hôm nay" in html
    html = client.post(
        f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done", "p-completed_on": "20/09/2024"}
    ).get_data(as_text=True)
    # 20/09 is seven working days back: beyond the unit head's five (issue 10; tests/tasks/test_backdating.py).
    assert "ngày sớm hơn do Văn phòng hoặc Lãnh đạo Sở ghi." in html
    html = client.post(f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "done", "p-progress": "150"}).get_data(
        as_text=True
    )
    assert "Tiến độ phải từ 0 đến 100%." in html
    assert _task(app, task).status is TaskStatus.NOT_STARTED
    office = client.application.test_client()
    office_token = login(office, factory.user(Role.OFFICE))
    assert (
        office.post(
            f"/tasks/{task}/progress", data={"csrf_token": office_token, "p-status": "done", "p-completed_on": "20/09/2024"}
        ).status_code
        == 302
    )
    assert _task(app, task).completed_on == date(2024, 9, 20)


def test_permissions_on_someone_elses_task(client, factory, app):
    mine, theirs = factory.unit(), factory.unit()
    plan = factory.plan()
    other_task = factory.task(plan, theirs)
    my_task = factory.task(plan, mine)
    head = factory.user(Role.UNIT_HEAD, mine)
    token = login(client, head)
    assert client.post(f"/tasks/{other_task}/progress", data={"csrf_token": token, "p-status": "in_progress"}).status_code == 403
    assert (
        client.post(
            f"/tasks/{other_task}/extensions", data={"csrf_token": token, "e-proposed_due": "01/03/2025", "e-reason": "x"}
        ).status_code
        == 403
    )
    assert client.get(f"/tasks/{other_task}/edit").status_code == 403
    staff = factory.user(Role.STAFF, mine)
    staff_client = client.application.test_client()
    staff_token = login(staff_client, staff)
    assert (
        staff_client.post(f"/tasks/{my_task}/progress", data={"csrf_token": staff_token, "p-status": "in_progress"}).status_code
        == 403
    )
    # The head assigns the task to the staff member, who may then update it.
    assert (
        client.post(
            f"/tasks/{my_task}/assign", data={"csrf_token": token, "a-assignee_id": str(factory.user_id(staff))}
        ).status_code
        == 302
    )
    assert (
        staff_client.post(
            f"/tasks/{my_task}/progress", data={"csrf_token": staff_token, "p-status": "in_progress", "p-progress": "30"}
        ).status_code
        == 302
    )
    assert _task(app, my_task).progress == 30
    # Lãnh đạo may record a completion, back-dated, on any task; quản trị manages accounts, not tasks.
    leader = client.application.test_client()
    leader_token = login(leader, factory.user(Role.LEADER))
    assert (
        leader.post(
            f"/tasks/{other_task}/progress", data={"csrf_token": leader_token, "p-status": "done", "p-completed_on": "25/09/2024"}
        ).status_code
        == 302
    )
    assert _task(app, other_task).completed_on == date(2024, 9, 25)
    admin = client.application.test_client()
    admin_token = login(admin, factory.user(Role.ADMIN))
    assert admin.post(f"/tasks/{my_task}/progress", data={"csrf_token": admin_token, "p-status": "done"}).status_code == 403


def test_extension_request_and_approval_moves_the_deadline_and_keeps_the_original(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit, "Quý IV/2024")
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    html = client.post(
        f"/tasks/{task}/extensions", data={"csrf_token": token, "e-proposed_due": "30/11/2024", "e-reason": "Chờ hướng dẫn"}
    ).get_data(as_text=True)
    assert "phải sau thời hạn hiện tại (31/12/2024)" in html
    html = client.post(
        f"/tasks/{task}/extensions", data={"csrf_token": token, "e-proposed_due": "31/03/2025", "e-reason": ""}
    ).get_data(as_text=True)
    assert "Vui lòng nêu lý do xin gia hạn." in html
    assert (
        client.post(
            f"/tasks/{task}/extensions",
            data={"csrf_token": token, "e-proposed_due": "31/03/2025", "e-reason": "Chờ hướng dẫn của Bộ"},
        ).status_code
        == 302
    )
    html = client.post(
        f"/tasks/{task}/extensions", data={"csrf_token": token, "e-proposed_due": "30/04/2025", "e-reason": "Lần hai"}
    ).get_data(as_text=True)
    assert "đang có một đề nghị gia hạn chờ duyệt" in html
    with app.app_context():
        ext_id = db.session.scalar(select(ExtensionRequest.id).where(ExtensionRequest.task_id == task))
    assert client.post(f"/extensions/{ext_id}/decide", data={"csrf_token": token, "d-decision": "approve"}).status_code == 403
    leader = client.application.test_client()
    leader_token = login(leader, factory.user(Role.LEADER))
    html = leader.post(f"/extensions/{ext_id}/decide", data={"csrf_token": leader_token, "d-decision": "reject"}).get_data(
        as_text=True
    )
    assert "Vui lòng nêu lý do không duyệt." in html
    assert (
        leader.post(
            f"/extensions/{ext_id}/decide",
            data={"csrf_token": leader_token, "d-decision": "approve", "d-decision_note": "Đồng ý"},
        ).status_code
        == 302
    )
    t = _task(app, task)
    assert t.due_date == date(2024, 12, 31) and t.extended_due == date(2025, 3, 31) and t.effective_due == date(2025, 3, 31)
    html = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Gia hạn" in html and "Ban đầu: 31/12/2024" in html
    html = leader.post(f"/extensions/{ext_id}/decide", data={"csrf_token": leader_token, "d-decision": "approve"}).get_data(
        as_text=True
    )
    assert "đã được xử lý" in html


def test_evidence_upload_rules_and_download_permission(client, factory, app):
    unit, other = factory.unit(), factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    token = login(client, factory.user(Role.UNIT_HEAD, unit))

    def upload(name, content):
        return post_file(client, f"/tasks/{task}/attachments", token, name, content)

    assert "không được phép" in upload("virus.exe", b"MZ...").get_data(as_text=True)
    assert "Tệp quá lớn" in upload("scan.pdf", b"%PDF" + b"0" * (1024 * 1024 + 10)).get_data(as_text=True)
    assert "Tệp rỗng" in upload("empty.pdf", b"").get_data(as_text=True)
    assert upload("Công văn số 12.pdf", b"%PDF-1.4 test").status_code == 302
    with app.app_context():
        att = db.session.scalars(select(Attachment).where(Attachment.task_id == task)).one()
        att_id, stored = att.id, att.stored_name
    assert stored.endswith(".pdf") and "Công" not in stored  # stored under a random name, outside the web root
    response = client.get(f"/attachments/{att_id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 test"
    response.close()
    outsider = client.application.test_client()
    login(outsider, factory.user(Role.UNIT_HEAD, other))
    assert outsider.get(f"/attachments/{att_id}").status_code == 403
    assert client.get("/static/../instance/uploads/" + stored).status_code == 404
    assert ("attachment_added", "attachment", "", "Công văn số 12.pdf") in _events(app, task)


def test_oversize_request_returns_to_the_task_page_with_the_message(client, factory):
    """A body over MAX_CONTENT_LENGTH (2 MB in the tests) goes back to the task page, flashed (issue 15.12)."""
    unit = factory.unit()
    task = factory.task(factory.plan(), unit)
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    response = post_file(client, f"/tasks/{task}/attachments", token, "big.pdf", b"0" * (3 * 1024 * 1024))
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{task}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tệp gửi lên quá lớn (tối đa 1,0 MB); chưa có gì được lưu." in html


def test_delete_without_history_and_cancel_with_history(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    fresh = factory.task(plan, unit)
    used = factory.task(plan, unit)
    token = login(client, factory.user(Role.OFFICE))
    client.post(f"/tasks/{used}/progress", data={"csrf_token": token, "p-status": "in_progress"})
    assert "sẽ bị xoá hẳn" in client.get(f"/tasks/{fresh}/delete").get_data(as_text=True)
    assert client.post(f"/tasks/{fresh}/delete", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/tasks/{used}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Task, fresh) is None
        assert db.session.get(Task, used).status is TaskStatus.CANCELLED


def test_move_and_refuse_cycles(client, factory, app):
    unit = factory.unit()
    plan = factory.plan()
    a = factory.task(plan, unit)
    b = factory.task(plan, unit)
    child = factory.task(plan, unit, parent_id=a)
    token = login(client, factory.user(Role.OFFICE))
    html = client.post(f"/tasks/{a}/move", data={"csrf_token": token, "m-parent_id": str(child)}).get_data(as_text=True)
    assert "Không thể chuyển một nhiệm vụ vào chính nó" in html
    assert (
        client.post(f"/tasks/{b}/move", data={"csrf_token": token, "m-parent_id": str(a), "m-position": "1"}).status_code == 302
    )
    with app.app_context():
        order = db.session.scalars(select(Task.id).where(Task.parent_id == a).order_by(Task.position)).all()
    assert order == [b, child]


def test_task_detail_shows_the_journal(client, factory):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit)
    token = login(client, factory.user(Role.OFFICE))
    client.post(
        f"/tasks/{task}/progress",
        data={"csrf_token": token, "p-status": "in_progress", "p-progress": "40", "p-result": "Đang làm"},
    )
    html = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Nhật ký thay đổi" in html and "Tiến độ (%)" in html and "40" in html and "Đang làm" in html


def test_unit_page_groups_by_box(client, factory):
    unit = factory.unit()
    plan = factory.plan()
    factory.task(plan, unit, "Tháng 8/2024", title="Việc quá hạn")
    factory.task(plan, unit, "Tháng 12/2024", title="Việc trong hạn")
    login(client, factory.user(Role.UNIT_HEAD, unit))
    html = client.get("/unit").get_data(as_text=True)
    overdue = html.index('data-testid="group-open_overdue"')
    in_time = html.index('data-testid="group-open_in_time"')
    assert overdue < in_time
    assert html.index("Việc quá hạn") < in_time < html.index("Việc trong hạn")


def test_a_task_turns_overdue_at_midnight_in_vietnam_not_utc(client, factory):
    from datetime import UTC, datetime

    from tracker import clock

    unit = factory.unit()
    plan = factory.plan()
    factory.task(plan, unit, "30/09/2024", title="Việc hạn 30/9")
    login(client, factory.user(Role.LEADER))
    clock.freeze(datetime(2024, 9, 30, 16, 59, tzinfo=UTC))  # 23:59 on 30/09 in Hà Nội
    assert "Đang thực hiện trong hạn" in client.get(f"/tasks?plan={plan}").get_data(as_text=True)
    clock.freeze(datetime(2024, 9, 30, 17, 0, tzinfo=UTC))  # 00:00 on 01/10 in Hà Nội, still 30/09 in UTC
    html = client.get(f"/tasks?plan={plan}").get_data(as_text=True)
    assert "Đang thực hiện quá hạn" in html
    assert "Đang thực hiện quá hạn" in client.get(f"/unit?unit={unit}").get_data(as_text=True)


def test_quick_update_from_the_unit_page_keeps_the_result(client, factory, app):
    unit = factory.unit()
    task = factory.task(factory.plan(), unit, "Quý IV/2024")
    token = login(client, factory.user(Role.UNIT_HEAD, unit))
    client.post(f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "in_progress", "p-result": "Đã có dự thảo"})
    html = client.get("/unit").get_data(as_text=True)
    assert f'action="/tasks/{task}/progress"' in html and 'name="next"' in html
    response = client.post(
        f"/tasks/{task}/progress",
        data={"csrf_token": token, "p-status": "in_progress", "p-progress": "70", "next": "/unit?as_of=01/10/2024"},
    )
    assert response.headers["Location"] == "/unit?as_of=01/10/2024"
    t = _task(app, task)
    assert t.progress == 70 and t.result == "Đã có dự thảo"
    evil = client.post(
        f"/tasks/{task}/progress", data={"csrf_token": token, "p-status": "in_progress", "next": "//evil.example/"}
    )
    assert evil.headers["Location"] == f"/tasks/{task}"
