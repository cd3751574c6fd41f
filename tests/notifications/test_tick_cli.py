"""What a newcomer does: load the demo, move the clock with `scheduler tick --now`, see reminders once —
one e-mail per person, listing every task that person was reminded of (issue 10, item 9)."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from tracker import clock
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.notifications.models import Channel, Delivery, DeliveryStatus


def test_tick_on_the_demo_sends_one_email_per_person_listing_all_their_tasks(runner, app, mailbox):
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    first = runner.invoke(args=["scheduler", "tick", "--now", "2024-12-26T07:00"])
    assert first.exit_code == 0, first.output
    # 25/KH-SNV: the Par Index task (due 31/12/2024, extension pending) is 3 working days away; the head
    # of Phòng Cải cách hành chính also has three more tasks that tick: one e-mail carries all four.
    assert "đã gửi thư → truongphong@demo.invalid: [Nhắc việc] 4 thông báo: 1 quá hạn, 3 sắp đến hạn" in first.output
    with app.app_context():
        rows = db.session.execute(
            select(User.email, Delivery.task_id, Delivery.rule)
            .join(User, User.id == Delivery.recipient_id)
            .where(Delivery.channel == Channel.INAPP, Delivery.status == DeliveryStatus.SENT)
        ).all()
    expected: dict[str, set] = defaultdict(set)
    for email, task_id, rule in rows:
        expected[email].add(task_id or rule)
    by_person = defaultdict(list)
    for m in mailbox:
        by_person[m["To"].addresses[0].addr_spec].append(m)
    assert set(by_person) == set(expected) and len(by_person) >= 4
    assert all(len(messages) == 1 for messages in by_person.values())  # one e-mail per person
    for email, wanted in expected.items():
        text = by_person[email][0].get_body(("plain",)).get_content().replace("\r\n", "\n")
        html = by_person[email][0].get_body(("html",)).get_content()
        for task_id in (w for w in wanted if isinstance(w, int)):
            assert f"http://127.0.0.1:5000/tasks/{task_id}\n" in text and f'href="http://127.0.0.1:5000/tasks/{task_id}"' in html
        listed = {int(part.split()[0]) for part in text.split("http://127.0.0.1:5000/tasks/")[1:] if part.split()[0].isdigit()}
        assert listed == {w for w in wanted if isinstance(w, int)}  # every task of theirs, and only theirs
    par_index = by_person["truongphong@demo.invalid"][0].get_body(("plain",)).get_content()
    assert "== Quá hạn (1) ==" in par_index and "== Sắp đến hạn (3) ==" in par_index
    assert "Kế hoạch số 25/KH-SNV:" in par_index and "Par Index" in par_index
    count = len(mailbox)
    queued = _messages(app)
    again = runner.invoke(args=["scheduler", "tick", "--now", "2024-12-26T07:00"])
    assert "đã gửi thư" not in again.output and len(mailbox) == count
    # The replay queued nothing (the key is stable across ticks), and no one has a reminder twice for
    # the same rule and task (the key is not merely unique, it names what makes a message the same).
    assert _messages(app) == queued
    reminders = [(rule, task, person) for rule, task, person, _ in queued if task is not None]
    assert reminders and len(reminders) == len(set(reminders))


def _messages(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(Delivery.rule, Delivery.task_id, Delivery.recipient_id, Delivery.channel).order_by(Delivery.id)
        ).all()
