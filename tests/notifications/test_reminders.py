"""Reminders end to end: a real SMTP server on loopback, real ticks, the in-app centre."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from tests.conftest import free_port, login
from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.notifications.jobs import tick
from tracker.notifications.models import Channel, Delivery, DeliveryStatus
from tracker.tasks.models import Task, TaskEvent


def at(app, text: str) -> list[str]:
    moment = datetime.fromisoformat(text).replace(tzinfo=clock.timezone_info())
    clock.freeze(moment)
    with app.app_context():
        return tick(clock.now())


def people(factory, unit):
    head = factory.user(Role.UNIT_HEAD, unit, username="truong")
    staff = factory.user(Role.STAFF, unit, username="chuyenvien")
    leader = factory.user(Role.LEADER, username="giamdoc")
    office = factory.user(Role.OFFICE, username="vanphong")
    return head, staff, leader, office


def task_mail(mailbox) -> list:
    """The task reminders among the messages received (leaving out the weekly digest and monthly list)."""
    return [m for m in mailbox if m["Subject"].startswith("[Nhắc việc]")]


def deliveries(app, **filters) -> list[tuple]:
    with app.app_context():
        stmt = select(Delivery.rule, Delivery.seq, User.username, Delivery.channel).join(User, Delivery.recipient_id == User.id)
        for key, value in filters.items():
            stmt = stmt.where(getattr(Delivery, key) == value)
        return sorted((r, s, u, c.value) for r, s, u, c in db.session.execute(stmt) if r not in ("digest", "monthly"))


def test_reminders_arrive_on_the_right_working_days_exactly_once(app, factory, mailbox):
    unit = factory.unit()
    head, staff, leader, office = people(factory, unit)
    task = factory.task(factory.plan(), unit, "06/05/2024", title="Báo cáo sơ kết 6 tháng", assignee_id=factory.user_id(staff))
    at(app, "2024-05-01T07:00")  # 1/5 holiday: nothing
    assert deliveries(app) == []
    lines = at(app, "2024-05-02T07:00")
    mail = task_mail(mailbox)
    assert deliveries(app, rule="before_3") == [
        ("before_3", 0, "chuyenvien", "inapp"),
        ("before_3", 0, "truong", "inapp"),
    ]
    assert len(mail) == 2
    subjects = {m["Subject"] for m in mail}
    assert subjects == {"[Nhắc việc] Còn 3 ngày làm việc đến hạn (06/05/2024): Báo cáo sơ kết 6 tháng"}
    assert any(line.startswith("đã gửi thư → truong@example.invalid") for line in lines)
    body = mail[0].get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:5000/tasks/{task}" in body and "Kính gửi" in body
    assert mail[0].get_body(("html",)) is not None
    # Replays of the same moment, and the next day in the same window, send nothing more.
    at(app, "2024-05-02T07:00")
    at(app, "2024-05-02T15:00")
    at(app, "2024-05-03T07:00")
    assert len(task_mail(mailbox)) == 2
    at(app, "2024-05-04T07:00")  # Saturday, but a make-up working day in 2024
    mail = task_mail(mailbox)
    assert len(mail) == 4 and all("Còn 1 ngày làm việc" in m["Subject"] for m in mail[2:])
    at(app, "2024-05-05T07:00")  # Sunday
    at(app, "2024-05-06T06:59")  # before 07:00 nothing is queued
    assert len(task_mail(mailbox)) == 4
    at(app, "2024-05-06T07:00")
    mail = task_mail(mailbox)
    assert len(mail) == 6 and all("Hôm nay đến hạn" in m["Subject"] for m in mail[4:])


def test_overdue_repeats_and_escalation_after_k_days(app, factory, mailbox):
    unit = factory.unit()
    head, staff, leader, office = people(factory, unit)
    factory.task(factory.plan(), unit, "26/04/2024", title="Rà soát thủ tục")
    for day in ("2024-05-02", "2024-05-03", "2024-05-04", "2024-05-06", "2024-05-07", "2024-05-08"):
        at(app, f"{day}T08:00")
    assert deliveries(app, rule="overdue") == [("overdue", 0, "truong", "inapp"), ("overdue", 1, "truong", "inapp")]
    assert deliveries(app, rule="escalate") == [
        ("escalate", 0, "giamdoc", "inapp"),
        ("escalate", 0, "vanphong", "inapp"),
    ]
    escalation = [m for m in task_mail(mailbox) if "Báo cáo lãnh đạo" in m["Subject"]]
    assert len(escalation) == 2 and "quá hạn 5 ngày làm việc" in escalation[0]["Subject"]


def test_completed_paused_and_cancelled_tasks_are_left_alone(app, factory, mailbox):
    unit = factory.unit()
    people(factory, unit)
    plan = factory.plan()
    done = factory.task(plan, unit, "06/05/2024")
    paused = factory.task(plan, unit, "06/05/2024")
    with app.app_context():
        from tracker.rules.status import TaskStatus

        t = db.session.get(Task, done)
        t.status, t.completed_on = TaskStatus.DONE, datetime(2024, 4, 20).date()
        db.session.get(Task, paused).status = TaskStatus.PAUSED
        db.session.commit()
    at(app, "2024-05-02T07:00")
    assert deliveries(app) == [] and task_mail(mailbox) == []


def test_email_opt_out_keeps_escalations(app, factory, mailbox):
    unit = factory.unit()
    head, staff, leader, office = people(factory, unit)
    with app.app_context():
        for name in (head, office):
            db.session.scalars(select(User).where(User.username == name)).one().email_reminders = False
        db.session.commit()
    factory.task(factory.plan(), unit, "26/04/2024")
    for day in ("2024-05-02", "2024-05-07"):
        at(app, f"{day}T08:00")
    to = sorted(m["To"].addresses[0].username for m in task_mail(mailbox))
    assert to == ["giamdoc", "vanphong"]  # the head opted out of reminders; the office still gets the escalation
    assert ("overdue", 0, "truong", "inapp") in deliveries(app)
    with app.app_context():
        statuses = dict(
            db.session.execute(
                select(User.username, Delivery.status)
                .join(User, Delivery.recipient_id == User.id)
                .where(Delivery.rule == "overdue")
            ).all()
        )
    assert statuses == {"truong": DeliveryStatus.NONE}


def test_weekly_digest_and_monthly_list(app, factory, mailbox):
    unit = factory.unit("Phòng Cải cách hành chính")
    head, staff, leader, office = people(factory, unit)
    plan = factory.plan()
    factory.task(plan, unit, "31/05/2024", assignee_id=factory.user_id(staff))
    factory.task(plan, unit, "20/06/2024")
    at(app, "2024-06-17T07:15")  # Monday, before 07:30
    assert deliveries(app, rule="digest") == []
    at(app, "2024-06-17T07:30")
    at(app, "2024-06-18T09:00")
    digest = [m for m in mailbox if m["Subject"].startswith("Tổng hợp tuần")]
    assert len(digest) == 1 and digest[0]["To"].addresses[0].username == "giamdoc"
    text = digest[0].get_body(("plain",)).get_content()
    assert "Phòng Cải cách hành chính: 1 quá hạn, 1 đến hạn trong 3 ngày làm việc tới" in text
    monthly = [m for m in mailbox if m["Subject"].startswith("Danh sách đơn vị, cá nhân chậm tiến độ tháng 06/2024")]
    assert len(monthly) == 1 and monthly[0]["To"].addresses[0].username == "vanphong"
    body = monthly[0].get_body(("plain",)).get_content()
    assert "Phòng Cải cách hành chính: 1" in body and "Người dùng chuyenvien" in body


def test_smtp_down_then_up_loses_nothing(app, factory):
    from tracker.mailsink import start_sink

    unit = factory.unit()
    people(factory, unit)
    factory.task(factory.plan(), unit, "06/05/2024")
    port = free_port()
    app.config["SMTP_PORT"] = port  # nothing listens there yet
    try:
        lines = at(app, "2024-05-02T07:00")
        assert any(line.startswith("LỖI") for line in lines)
        with app.app_context():
            row = db.session.scalars(select(Delivery).where(Delivery.task_id.is_not(None))).one()
            assert row.status is DeliveryStatus.PENDING and row.attempts == 1 and row.last_error
            assert row.next_attempt_at > clock.now()
        admin = app.test_client()
        login(admin, factory.user(Role.ADMIN))
        assert "ConnectionRefusedError" in admin.get("/admin/deliveries").get_data(as_text=True)
        controller = start_sink("127.0.0.1", port)
        try:
            at(app, "2024-05-02T07:00:30")  # before the backoff ends: not retried yet
            assert task_mail(controller.handler.messages) == []
            at(app, "2024-05-02T07:02")
            assert len(task_mail(controller.handler.messages)) == 1
            at(app, "2024-05-02T07:30")
            assert len(task_mail(controller.handler.messages)) == 1
        finally:
            controller.stop()
    finally:
        app.config["SMTP_PORT"] = 8025


def test_webhook_posts_json_once(app, factory, mailbox, webhook):
    unit = factory.unit()
    people(factory, unit)
    task = factory.task(factory.plan(), unit, "06/05/2024", title="Họp giao ban")
    at(app, "2024-05-02T07:00")
    at(app, "2024-05-03T07:00")
    assert len(webhook) == 1
    assert webhook[0]["task_id"] == task and webhook[0]["rule"] == "before_3" and webhook[0]["title"] == "Họp giao ban"
    assert webhook[0]["url"].endswith(f"/tasks/{task}")


def test_notification_centre(app, factory, mailbox, client):
    unit = factory.unit()
    head, *_ = people(factory, unit)
    task = factory.task(factory.plan(), unit, "06/05/2024", title="Kiểm tra công vụ")
    at(app, "2024-05-02T07:00")
    token = login(client, head)
    html = client.get("/plans").get_data(as_text=True)
    assert 'data-testid="unread">1<' in html
    page = client.get("/notifications").get_data(as_text=True)
    assert "Còn 3 ngày làm việc đến hạn (06/05/2024): Kiểm tra công vụ" in page
    with app.app_context():
        note = db.session.scalar(select(Delivery.id).where(Delivery.channel == Channel.INAPP, Delivery.task_id == task))
    assert client.get(f"/notifications/{note}/open").status_code == 405  # no state change on GET (issue 16)
    assert 'data-testid="unread">1<' in client.get("/plans").get_data(as_text=True)
    response = client.post(f"/notifications/{note}/open", data={"csrf_token": token})
    assert response.headers["Location"].endswith(f"/tasks/{task}")
    assert 'data-testid="unread"' not in client.get("/plans").get_data(as_text=True)
    assert client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    other = app.test_client()
    other_token = login(other, factory.user(Role.STAFF, unit))
    assert other.post(f"/notifications/{note}/open", data={"csrf_token": other_token}).status_code == 404


def test_manual_nudge_is_delivered_and_journaled(app, factory, mailbox, client):
    unit = factory.unit()
    head, *_ = people(factory, unit)
    task = factory.task(factory.plan(), unit, "31/12/2024")
    token = login(client, factory.user(Role.OFFICE, username="vp2"))
    assert (
        client.post(f"/tasks/{task}/nudge", data={"csrf_token": token, "n-note": "Đề nghị báo cáo trước thứ Sáu"}).status_code
        == 302
    )
    at(app, "2024-10-01T09:00")
    nudges = [m for m in task_mail(mailbox) if "đôn đốc" in m["Subject"]]
    assert len(nudges) == 1 and "Đề nghị báo cáo trước thứ Sáu" in nudges[0].get_body(("plain",)).get_content()
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(TaskEvent).where(TaskEvent.task_id == task, TaskEvent.action == "nudged")
            )
            == 1
        )
    head_client = app.test_client()
    login(head_client, head)
    assert head_client.post(f"/tasks/{task}/nudge", data={"csrf_token": token}).status_code in (400, 403)


def test_per_plan_rules_override_the_office_rules(app, factory, mailbox, client):
    unit = factory.unit()
    people(factory, unit)
    plan = factory.plan()
    factory.task(plan, unit, "14/06/2024")
    token = login(client, factory.user(Role.OFFICE, username="vp3"))
    bad = client.post(
        f"/plans/{plan}/reminders", data={"csrf_token": token, "before_days": "ba", "overdue_every": "3", "escalate_after": "5"}
    )
    assert "Nhập các số nguyên" in bad.get_data(as_text=True)
    ok = client.post(
        f"/plans/{plan}/reminders", data={"csrf_token": token, "before_days": "7", "overdue_every": "0", "escalate_after": "0"}
    )
    assert ok.status_code == 302
    at(app, "2024-06-05T07:00")  # 7 working days before Friday 14/06
    assert {r for r, *_ in deliveries(app)} == {"before_7"}
