"""Workflow events (issue 10, item 8): each reaches exactly its recipients, once, in the app and by e-mail,
through the pages and through the API; never the person who acted; replayed ticks send nothing more."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.test_api import token_for
from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.notifications.jobs import tick
from tracker.notifications.models import Channel, Delivery, DeliveryStatus
from tracker.tasks.models import ExtensionRequest, Task

TITLE = "Xây dựng báo cáo chuyển đổi số năm 2024"


class Outbox:
    """Reads what the operations queued and what the ticks mailed, a step at a time."""

    def __init__(self, app, mailbox):
        self.app, self.mailbox = app, mailbox
        self.seen_id = 0
        self.seen_mail = 0

    def new_events(self) -> list[tuple[str, str]]:
        with self.app.app_context():
            rows = db.session.execute(
                select(Delivery.id, Delivery.rule, User.username)
                .join(User, User.id == Delivery.recipient_id)
                .where(Delivery.id > self.seen_id, Delivery.rule.like("ev_%"), Delivery.channel == Channel.INAPP)
                .order_by(Delivery.id)
            ).all()
        if rows:
            self.seen_id = rows[-1][0]
        return sorted((rule, name) for _, rule, name in rows)

    def tick(self) -> list:
        with self.app.app_context():
            tick(clock.now())
        new = self.mailbox[self.seen_mail :]
        self.seen_mail = len(self.mailbox)
        return new


def to(mail) -> list[str]:
    return sorted(m["To"].addresses[0].username for m in mail)


def text(m) -> str:
    return m.get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def office_people(factory):
    unit = factory.unit("Phòng Cải cách hành chính")
    names = {
        "head": factory.user(Role.UNIT_HEAD, unit, username="truong"),
        "staff": factory.user(Role.STAFF, unit, username="chuyenvien"),
        "staff2": factory.user(Role.STAFF, unit, username="cv2"),
        "leader": factory.user(Role.LEADER, username="giamdoc"),
        "leader2": factory.user(Role.LEADER, username="pgd"),
        "office": factory.user(Role.OFFICE, username="vanphong"),
        "office2": factory.user(Role.OFFICE, username="vp2"),
        "other_head": factory.user(Role.UNIT_HEAD, factory.unit(), username="tp.khac"),
    }
    factory.user(Role.LEADER, username="nghihuu", active=False)
    return unit, names


def test_every_workflow_event_through_the_pages_reaches_exactly_its_recipients_once(app, factory, mailbox, office_people):
    unit, _ = office_people
    plan = factory.plan(requires_confirmation=True)
    outbox = Outbox(app, mailbox)
    outbox.tick()  # the month's list and the week's digest go out first; what follows is only the events
    with app.app_context():
        db.session.scalars(select(User).where(User.username == "chuyenvien")).one().email_reminders = False
        db.session.commit()
    clients = {}
    for name in ("vanphong", "truong", "giamdoc", "chuyenvien"):
        clients[name] = app.test_client()
        clients[name].token = login(clients[name], name)

    def post(who, url, **data):
        response = clients[who].post(url, data={"csrf_token": clients[who].token, **data})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    # Văn phòng creates a task already given to a chuyên viên: the assignee is told.
    post(
        "vanphong",
        f"/plans/{plan}/tasks/new",
        title=TITLE,
        lead_unit_id=str(unit),
        assignee_id=str(factory.user_id("chuyenvien")),
        deadline_text="31/12/2024",
    )
    with app.app_context():
        task = db.session.scalar(select(Task.id).where(Task.title == TITLE))
    assert outbox.new_events() == [("ev_assigned", "chuyenvien")]
    mail = outbox.tick()
    # She switched reminder e-mails off; a workflow event is not a reminder and is still mailed.
    assert to(mail) == ["chuyenvien"]
    assert mail[0]["Subject"] == f"[Thông báo] Được giao thực hiện: {TITLE}"
    assert f"http://127.0.0.1:5000/tasks/{task}" in text(mail[0]) and "Thời hạn: 31/12/2024" in text(mail[0])

    # The head asks for an extension: every active lãnh đạo and văn phòng, not the head.
    post("truong", f"/tasks/{task}/extensions", **{"e-proposed_due": "31/01/2025", "e-reason": "Chờ số liệu của Bộ"})
    expected = [("ev_ext_requested", n) for n in ("giamdoc", "pgd", "vanphong", "vp2")]
    assert outbox.new_events() == expected
    mail = outbox.tick()
    assert to(mail) == ["giamdoc", "pgd", "vanphong", "vp2"]
    assert all(m["Subject"] == f"[Thông báo] Đề nghị gia hạn chờ duyệt: {TITLE}" for m in mail)
    assert "Đề nghị gia hạn đến 31/01/2025. Lý do: Chờ số liệu của Bộ" in text(mail[0])

    # The director approves: the head (who asked) and the assignee; not the director.
    with app.app_context():
        ext = db.session.scalar(select(ExtensionRequest.id).where(ExtensionRequest.task_id == task))
    post("giamdoc", f"/extensions/{ext}/decide", **{"d-decision": "approve", "d-decision_note": "Đồng ý"})
    assert outbox.new_events() == [("ev_ext_decided", "chuyenvien"), ("ev_ext_decided", "truong")]
    mail = outbox.tick()
    assert to(mail) == ["chuyenvien", "truong"]
    assert "Đã duyệt gia hạn đến 31/01/2025. Ghi chú: Đồng ý" in text(mail[0])

    # The assignee reports it done: văn phòng must confirm.
    post("chuyenvien", f"/tasks/{task}/progress", **{"p-status": "done", "p-result": "Đã ban hành báo cáo"})
    assert outbox.new_events() == [("ev_completion_pending", "vanphong"), ("ev_completion_pending", "vp2")]
    mail = outbox.tick()
    assert to(mail) == ["vanphong", "vp2"] and "chờ Văn phòng xác nhận" in text(mail[0])

    # Văn phòng returns it with a reason: the head and the assignee, with the reason.
    post("vanphong", f"/tasks/{task}/return", **{"r-reason": "Thiếu văn bản kiểm chứng"})
    assert outbox.new_events() == [("ev_completion_returned", "chuyenvien"), ("ev_completion_returned", "truong")]
    mail = outbox.tick()
    assert to(mail) == ["chuyenvien", "truong"]
    assert all("Lý do trả lại: Thiếu văn bản kiểm chứng" in text(m) for m in mail)
    assert mail[0]["Subject"] == f"[Thông báo] Báo hoàn thành bị trả lại: {TITLE}"

    # Văn phòng moves the deadline: the lead unit's head.
    post(
        "vanphong",
        f"/tasks/{task}/edit",
        title=TITLE,
        lead_unit_id=str(unit),
        assignee_id=str(factory.user_id("chuyenvien")),
        deadline_text="15/01/2025",
    )
    assert outbox.new_events() == [("ev_deadline_changed", "truong")]
    mail = outbox.tick()
    assert to(mail) == ["truong"] and "Thời hạn thay đổi từ 31/12/2024 thành 15/01/2025." in text(mail[0])

    # Saving the same again changes nothing and tells no one; re-giving it to the same person neither.
    post(
        "vanphong",
        f"/tasks/{task}/edit",
        title=TITLE,
        lead_unit_id=str(unit),
        assignee_id=str(factory.user_id("chuyenvien")),
        deadline_text="15/01/2025",
    )
    post("truong", f"/tasks/{task}/assign", **{"a-assignee_id": str(factory.user_id("chuyenvien"))})
    assert outbox.new_events() == []

    # The head gives it to another chuyên viên: only she is told; the head giving it to himself: no one.
    post("truong", f"/tasks/{task}/assign", **{"a-assignee_id": str(factory.user_id("cv2"))})
    assert outbox.new_events() == [("ev_assigned", "cv2")]
    post("truong", f"/tasks/{task}/assign", **{"a-assignee_id": str(factory.user_id("truong"))})
    assert outbox.new_events() == []
    assert to(outbox.tick()) == ["cv2"]

    # Replayed and later ticks send nothing more; every message is in its recipient's centre, once.
    assert outbox.tick() == [] and outbox.tick() == []
    with app.app_context():
        rows = db.session.execute(
            select(Delivery.key, Delivery.status, Delivery.rule, Delivery.recipient_id).where(
                Delivery.rule.like("ev_%"), Delivery.channel == Channel.INAPP
            )
        ).all()
    assert len(rows) == 13  # 1 + 4 + 2 + 2 + 2 + 1 + 1
    # Each message is keyed by its kind, its journal entry and its recipient (what makes a replay a no-op).
    assert all(key.split(":")[:2] == ["ev", rule] and key.split(":")[3] == str(person) for key, _, rule, person in rows)
    assert {s for _, s, _, _ in rows} == {DeliveryStatus.SENT}
    page = clients["truong"].get("/notifications").get_data(as_text=True)
    assert f"[Thông báo] Thời hạn đã thay đổi: {TITLE}" in page and "Thiếu văn bản kiểm chứng" in page


def test_workflow_events_through_the_api_and_the_webhook(app, factory, mailbox, webhook, office_people):
    unit, _ = office_people
    plan = factory.plan(requires_confirmation=True)
    outbox = Outbox(app, mailbox)
    outbox.tick()
    webhook.clear()
    office, head, leader = (token_for(app, n) for n in ("vanphong", "truong", "giamdoc"))
    client = app.test_client()
    created = client.post(
        f"/api/v1/plans/{plan}/tasks",
        json={"title": TITLE, "lead_unit_id": unit, "deadline": "31/12/2024", "assignee_id": factory.user_id("chuyenvien")},
        headers=office,
    )
    assert created.status_code == 201, created.get_json()
    task = created.get_json()["id"]
    assert outbox.new_events() == [("ev_assigned", "chuyenvien")]
    ext = client.post(
        f"/api/v1/tasks/{task}/extensions", json={"reason": "Chờ Bộ hướng dẫn", "proposed_due": "2025-01-31"}, headers=head
    )
    assert ext.status_code == 201
    assert outbox.new_events() == [("ev_ext_requested", n) for n in ("giamdoc", "pgd", "vanphong", "vp2")]
    # A refused call (bad input) queues nothing: the operation wrote nothing.
    assert (
        client.post(f"/api/v1/extensions/{ext.get_json()['id']}/decision", json={"approve": False}, headers=leader).status_code
        == 422
    )
    assert outbox.new_events() == []
    decided = client.post(
        f"/api/v1/extensions/{ext.get_json()['id']}/decision", json={"approve": False, "note": "Không đủ căn cứ"}, headers=leader
    )
    assert decided.status_code == 200
    assert outbox.new_events() == [("ev_ext_decided", "chuyenvien"), ("ev_ext_decided", "truong")]
    assert client.patch(f"/api/v1/tasks/{task}", json={"status": "done"}, headers=head).status_code == 200
    assert outbox.new_events() == [("ev_completion_pending", "vanphong"), ("ev_completion_pending", "vp2")]
    returned = client.post(f"/api/v1/tasks/{task}/return", json={"reason": "Chưa có kết quả"}, headers=office)
    assert returned.status_code == 200
    assert outbox.new_events() == [("ev_completion_returned", "chuyenvien"), ("ev_completion_returned", "truong")]

    # One tick delivers them: one e-mail per person, whatever the number of events they received.
    mail = outbox.tick()
    assert to(mail) == ["chuyenvien", "giamdoc", "pgd", "truong", "vanphong", "vp2"]
    truong = next(m for m in mail if m["To"].addresses[0].username == "truong")
    assert truong["Subject"] == "[Thông báo] 2 thông báo: 2 cần xử lý"
    assert "Không duyệt đề nghị gia hạn. Lý do: Không đủ căn cứ" in text(truong)
    assert "Lý do trả lại: Chưa có kết quả" in text(truong)
    chuyenvien = next(m for m in mail if m["To"].addresses[0].username == "chuyenvien")
    assert "Được giao thực hiện" in text(chuyenvien) and text(chuyenvien).count(f"/tasks/{task}\n") == 3
    # The webhook gets each event once, with what happened.
    assert sorted(p["rule"] for p in webhook) == [
        "ev_assigned",
        "ev_completion_pending",
        "ev_completion_returned",
        "ev_ext_decided",
        "ev_ext_requested",
    ]
    assert all(p["task_id"] == task and p["url"].endswith(f"/tasks/{task}") for p in webhook)
    assert next(p for p in webhook if p["rule"] == "ev_completion_returned")["note"] == "Lý do trả lại: Chưa có kết quả"
    assert outbox.tick() == [] and len(webhook) == 5


def test_system_writes_and_cancelled_tasks_notify_no_one(app, factory, mailbox, office_people):
    unit, _ = office_people
    plan = factory.plan()
    outbox = Outbox(app, mailbox)
    # The factory writes as the system (actor None), like the demo loader: nobody is told.
    factory.task(plan, unit, "31/12/2024", assignee_id=factory.user_id("chuyenvien"))
    assert outbox.new_events() == []
    with app.app_context():
        from tracker.tasks import operations as ops

        task = db.session.scalars(select(Task).where(Task.plan_id == plan)).one()
        office = db.session.scalars(select(User).where(User.username == "vanphong")).one()
        ops.delete_task(task, office)  # history (none) → deleted; make another and cancel it
        other = ops.create_task(
            db.session.get(type(task.plan), plan),
            ops.TaskInput(title="Việc hủy", lead_unit_id=unit, deadline_text="31/12/2024"),
            None,
        )
        db.session.flush()
        ops.update_progress(other, ops.ProgressInput(status=ops.TaskStatus.CANCELLED), office, date(2024, 10, 1))
        db.session.commit()
    assert outbox.new_events() == []
