"""One e-mail per person per tick (issue 10, item 9): failures, retries and crashes per e-mail."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from tests.conftest import free_port, login
from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.mailsink import start_sink
from tracker.notifications import delivery, jobs
from tracker.notifications.jobs import MAX_ATTEMPTS, STALE_CLAIM, tick
from tracker.notifications.models import Channel, Delivery, DeliveryStatus


def at(app, moment: datetime) -> list[str]:
    clock.freeze(moment)
    with app.app_context():
        return tick(clock.now())


def task_rows(app) -> list[tuple]:
    with app.app_context():
        return sorted(
            db.session.execute(
                select(User.username, Delivery.status, Delivery.attempts)
                .join(User, User.id == Delivery.recipient_id)
                .where(Delivery.task_id.is_not(None), Delivery.channel == Channel.INAPP)
            ).all()
        )


def plain(m) -> str:
    return m.get_body(("plain",)).get_content().replace("\r\n", "\n")


MORNING = datetime(2024, 5, 2, 7, 0, tzinfo=clock.timezone_info())


def setup_unit(factory, tasks: int = 3):
    unit = factory.unit()
    factory.user(Role.UNIT_HEAD, unit, username="truong")
    plan = factory.plan()
    return [factory.task(plan, unit, "06/05/2024", title=f"Việc số {i}") for i in range(tasks)]


def test_a_failed_email_is_retried_whole_and_listed_once_for_the_administrator(app, factory):
    ids = setup_unit(factory)
    port = free_port()
    app.config["SMTP_PORT"] = port  # nothing listens yet
    try:
        lines = at(app, MORNING)
        assert any(line.startswith("LỖI thư → truong@example.invalid (3 thông báo)") for line in lines)
        assert task_rows(app) == [("truong", DeliveryStatus.PENDING, 1)] * 3
        admin = app.test_client()
        login(admin, factory.user(Role.ADMIN))
        page = admin.get("/admin/deliveries").get_data(as_text=True)
        table = page[page.index('data-testid="problems"') :]
        assert table.count("truong@example.invalid") == 1 and "ConnectionRefusedError" in table
        assert '<td class="text-end">3</td>' in table  # one line for the e-mail, with its 3 messages
        at(app, MORNING + timedelta(minutes=1, seconds=1))  # backoff over: the same three fail together again
        assert task_rows(app) == [("truong", DeliveryStatus.PENDING, 2)] * 3
        with app.app_context():  # near the end of its attempts
            db.session.execute(update(Delivery).where(Delivery.task_id.is_not(None)).values(attempts=MAX_ATTEMPTS - 1))
            db.session.commit()
        at(app, MORNING + timedelta(hours=1))
        assert task_rows(app) == [("truong", DeliveryStatus.FAILED, MAX_ATTEMPTS)] * 3
        at(app, MORNING + timedelta(hours=8))
        assert task_rows(app) == [("truong", DeliveryStatus.FAILED, MAX_ATTEMPTS)] * 3  # failed stays failed
        sink = start_sink("127.0.0.1", port)
        try:
            page = admin.get("/admin/deliveries").get_data(as_text=True)
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            with app.app_context():
                first = db.session.scalar(select(Delivery.id).where(Delivery.task_id.is_not(None)).order_by(Delivery.id))
            response = admin.post(f"/admin/deliveries/{first}/retry", data={"csrf_token": token}, follow_redirects=True)
            assert "Sẽ gửi lại (3 thông báo)" in response.get_data(as_text=True)
            at(app, MORNING + timedelta(hours=8, minutes=5))
            mail = [m for m in sink.handler.messages if m["Subject"].startswith("[Nhắc việc]")]
            assert len(mail) == 1 and mail[0]["Subject"] == "[Nhắc việc] 3 thông báo: 3 sắp đến hạn"
            assert all(f"/tasks/{i}\n" in plain(mail[0]) for i in ids)
            assert task_rows(app) == [("truong", DeliveryStatus.SENT, 1)] * 3
            assert "Không có lỗi." in admin.get("/admin/deliveries").get_data(as_text=True)
        finally:
            sink.stop()
    finally:
        app.config["SMTP_PORT"] = 8025


def test_a_crash_between_sending_and_marking_resends_at_most_one_email_per_person(app, factory, mailbox):
    setup_unit(factory)
    unit = factory.unit()
    factory.user(Role.UNIT_HEAD, unit, username="truong2")
    factory.task(factory.plan(), unit, "06/05/2024")
    clock.freeze(MORNING)
    with app.app_context():
        jobs.queue_reminders(clock.now())
        db.session.commit()
        # A scheduler takes the first person's messages, sends their e-mail, and dies before committing.
        first = min(jobs._waiting_people(clock.now()))
        taken = jobs._take(first, clock.now())
        mime, _ = jobs._build(db.session.get(User, first), taken.ids, {})
        with delivery.Mailer() as mailer:
            mailer.send(mime)
        db.session.rollback()  # its transaction never commits (on SQLite the claim already had)
        holds_claims = db.engine.dialect.name != "postgresql"
    assert len(mailbox) == 1
    at(app, MORNING + timedelta(minutes=5))
    # PostgreSQL: nothing was marked, the next tick sends that e-mail again. SQLite: the claim of the dead
    # process is respected until STALE_CLAIM; only the other person's e-mail goes.
    assert len(mailbox) == 2 if holds_claims else 3
    at(app, MORNING + STALE_CLAIM + timedelta(minutes=1))
    by_person = sorted(m["To"].addresses[0].username for m in mailbox)
    assert by_person == ["truong", "truong", "truong2"]  # the one in flight again, once; the other once
    assert {s for _, s, _ in task_rows(app)} == {DeliveryStatus.SENT}
    at(app, MORNING + timedelta(hours=1))
    assert len(mailbox) == 3


def test_a_long_list_is_cut_with_a_link_to_the_full_list(app, factory, mailbox):
    setup_unit(factory, tasks=5)
    app.config["EMAIL_MAX_TASKS_PER_SECTION"] = 2
    try:
        at(app, MORNING)
    finally:
        app.config.pop("EMAIL_MAX_TASKS_PER_SECTION")
    (mail,) = mailbox
    text = plain(mail)
    assert mail["Subject"] == "[Nhắc việc] 5 thông báo: 5 sắp đến hạn"
    assert text.count("http://127.0.0.1:5000/tasks/") == 2  # two task links, then the full list
    assert "… và 3 nhiệm vụ khác. Xem danh sách đầy đủ: http://127.0.0.1:5000/tasks?box=open_in_time" in text
    assert len(task_rows(app)) == 5  # each task is still its own notification in the app
