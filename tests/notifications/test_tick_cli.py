"""What a newcomer does: load the demo, move the clock with `scheduler tick --now`, see reminders once."""

from datetime import datetime

from sqlalchemy import select

from tracker import clock
from tracker.extensions import db
from tracker.notifications.models import Delivery


def test_tick_on_the_demo_sends_each_reminder_once(runner, app, mailbox):
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    first = runner.invoke(args=["scheduler", "tick", "--now", "2024-12-26T07:00"])
    assert first.exit_code == 0, first.output
    # 25/KH-SNV: the Par Index task (due 31/12/2024, extension pending) is 3 working days away.
    assert "đã gửi thư → truongphong@demo.invalid: [Nhắc việc] Còn 3 ngày làm việc đến hạn (31/12/2024)" in first.output
    count = len(mailbox)
    assert count > 0
    again = runner.invoke(args=["scheduler", "tick", "--now", "2024-12-26T07:00"])
    assert "đã gửi thư" not in again.output and len(mailbox) == count
    with app.app_context():
        keys = db.session.scalars(select(Delivery.key)).all()
    assert len(keys) == len(set(keys))
