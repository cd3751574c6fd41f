"""One bad value never stops the tick (issue 16 items 1, 2 and 16): a message that cannot be built fails
alone, a deadline typed as year 1024 costs nothing, the webhook goes only to http(s)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from tests.conftest import login
from tests.steps import python_lines
from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.notifications import jobs
from tracker.notifications.jobs import tick
from tracker.notifications.models import Channel, Delivery, DeliveryStatus
from tracker.rules.status import TaskStatus
from tracker.tasks.models import Task

MORNING = datetime(2024, 5, 2, 7, 0, tzinfo=clock.timezone_info())


def at(app, moment: datetime) -> list[str]:
    clock.freeze(moment)
    with app.app_context():
        return tick(clock.now())


def statuses(app) -> dict[str, tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(User.username, Delivery.status, Delivery.last_error)
            .join(User, User.id == Delivery.recipient_id)
            .where(Delivery.task_id.is_not(None), Delivery.channel == Channel.INAPP)
        ).all()
    return {u: (s, e) for u, s, e in rows}


def test_a_message_that_cannot_be_built_fails_alone_and_the_rest_go_out(app, factory, mailbox):
    """A title with a line break (pasted from Word) cannot be an e-mail subject: that one e-mail is marked
    failed with the reason, shown under *Thư đi*; the four other people of the pass get theirs."""
    plan = factory.plan()
    names = ["bad", "p1", "p2", "p3", "p4"]
    for name in names:
        unit = factory.unit()
        factory.user(Role.UNIT_HEAD, unit, username=name)
        task_id = factory.task(plan, unit, "06/05/2024", title=f"Việc của {name}")
    with app.app_context():  # the API or an old row: input validation is not this test's concern
        bad = db.session.scalar(select(Task.id).where(Task.title == "Việc của bad"))
        db.session.execute(update(Task).where(Task.id == bad).values(title="Dòng một\r\nDòng hai"))
        db.session.commit()
    assert task_id
    lines = at(app, MORNING)
    received = sorted(m["To"].addresses[0].username for m in mailbox)
    assert received == ["p1", "p2", "p3", "p4"]
    rows = statuses(app)
    assert {u: s for u, (s, _) in rows.items()} == {
        "bad": DeliveryStatus.FAILED,
        **{u: DeliveryStatus.SENT for u in names[1:]},
    }
    assert rows["bad"][1].startswith("Không tạo được thư")
    assert any(line.startswith("LỖI thư → bad@example.invalid") for line in lines)
    admin = app.test_client()
    login(admin, factory.user(Role.ADMIN))
    page = admin.get("/admin/deliveries").get_data(as_text=True)
    table = page[page.index('data-testid="problems"') :]
    assert "bad@example.invalid" in table and "Không tạo được thư" in table
    assert at(app, MORNING.replace(minute=30)) and len(mailbox) == 4  # failed stays failed: not retried in a loop


@pytest.mark.parametrize("year", [1024, 1])
def test_a_deadline_typed_as_year_1024_does_not_stop_the_tick(app, factory, mailbox, year):
    unit = factory.unit()
    factory.user(Role.UNIT_HEAD, unit, username="truong")
    plan = factory.plan()
    ancient = factory.task(plan, unit, "06/05/2024", title="Năm gõ nhầm")
    cancelled = factory.task(plan, unit, "06/05/2024", title="Đã hủy, năm gõ nhầm")
    factory.task(plan, unit, "06/05/2024", title="Việc bình thường")
    with app.app_context():
        old = date(year, 1, 1)
        db.session.execute(update(Task).where(Task.id.in_([ancient, cancelled])).values(effective_due=old, due_date=old))
        db.session.execute(update(Task).where(Task.id == cancelled).values(status=TaskStatus.CANCELLED))
        db.session.commit()
    # Python lines, not seconds: the tick runs ~410,000 here; enumerating the days since 1024 adds ~10 a day.
    lines, steps = python_lines(lambda: at(app, MORNING))
    assert steps < 1_500_000, f"the tick enumerated every day since the oldest deadline ({steps} lines)"
    assert not any(line.startswith("LỖI") for line in lines), lines
    (mail,) = mailbox
    assert mail["Subject"] == "[Nhắc việc] Còn 3 ngày làm việc đến hạn (06/05/2024): Việc bình thường"
    with app.app_context():  # the dates considered start at the repeats' reach, not at the oldest row
        firings, _ = jobs._plan_firings(MORNING.date())
    assert firings and min(f["due"] for f in firings) >= date(2014, 5, 2)


def test_the_webhook_goes_only_to_http_or_https(app, factory, webhook):
    unit = factory.unit()
    plan = factory.plan()
    factory.task(plan, unit, "06/05/2024", title="Việc")
    app.config["WEBHOOK_URL"] = "file:///etc/passwd"
    at(app, MORNING)
    with app.app_context():
        (row,) = db.session.execute(select(Delivery.status, Delivery.last_error).where(Delivery.channel == Channel.WEBHOOK)).all()
    assert row.status is DeliveryStatus.FAILED and "http:// hoặc https://" in row.last_error
    assert webhook == []
