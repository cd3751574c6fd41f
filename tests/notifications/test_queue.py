"""The sender's queue (``delivery_unsent``, migration 0021) is kept by the database's triggers: after every
kind of write to the outbox it holds exactly the deliveries whose outgoing part is still to go (status
pending or sending) — whatever wrote them, a tick, an event, a retry, a task deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from tracker import clock
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.notifications.jobs import tick
from tracker.notifications.models import UNSENT, Channel, Delivery, DeliveryStatus, UnsentDelivery

MORNING = datetime(2024, 5, 2, 7, 0, tzinfo=clock.timezone_info())


def queue_matches_outbox(app) -> tuple[set, set]:
    with app.app_context():
        queued = set(db.session.execute(select(UnsentDelivery.delivery_id, UnsentDelivery.recipient_id)).all())
        expected = set(
            db.session.execute(select(Delivery.id, Delivery.recipient_id).where(Delivery.status.in_(list(UNSENT)))).all()
        )
    return queued, expected


def write(app, stmt) -> None:
    with app.app_context():
        db.session.execute(stmt)
        db.session.commit()


def row(key: str, status: DeliveryStatus, recipient_id: int | None, channel: Channel = Channel.INAPP) -> dict:
    return {"key": key, "rule": "test", "recipient_id": recipient_id, "channel": channel, "status": status}


def test_every_kind_of_write_keeps_the_queue_equal_to_the_unsent_rows(app, factory):
    unit = factory.unit()
    head_id = factory.user_id(factory.user(Role.UNIT_HEAD, unit))
    statuses = list(DeliveryStatus)
    # Inserted in every status (one statement, several rows), for a person and for the webhook.
    write(
        app,
        Delivery.__table__.insert().values(
            [row(f"k{i}", s, head_id) for i, s in enumerate(statuses)]
            + [row(f"w{i}", s, None, Channel.WEBHOOK) for i, s in enumerate(statuses)]
        ),
    )
    queued, expected = queue_matches_outbox(app)
    assert queued == expected and len(expected) == 4
    # Every status to every other, several rows per statement, and an update that changes no status.
    for status in statuses:
        write(app, update(Delivery).where(Delivery.key.like("k%")).values(status=status))
        assert queue_matches_outbox(app)[0] == queue_matches_outbox(app)[1]
    write(app, update(Delivery).values(note="x"))
    write(app, update(Delivery).where(Delivery.key == "w1").values(status=DeliveryStatus.SENT))
    queued, expected = queue_matches_outbox(app)
    assert queued == expected
    # Deleted: rows pending and rows sent.
    write(app, delete(Delivery).where(Delivery.key.in_(["w0", "w2", "w3"])))
    queued, expected = queue_matches_outbox(app)
    assert queued == expected
    write(app, delete(Delivery))
    assert queue_matches_outbox(app) == (set(), set())


def test_a_tick_empties_the_queue_and_a_retry_refills_it(app, factory, mailbox):
    """Through the app: the tick queues (rows in), sends (rows out); a failed e-mail leaves for good at
    its last attempt; the administrator's "Gửi lại" puts it back."""
    plan = factory.plan()
    unit = factory.unit()
    factory.user(Role.UNIT_HEAD, unit, username="truong")
    factory.task(plan, unit, "06/05/2024")
    clock.freeze(MORNING)
    with app.app_context():
        from tracker.notifications.jobs import queue_reminders

        queue_reminders(clock.now())
        db.session.commit()
    queued, expected = queue_matches_outbox(app)
    assert queued == expected and queued
    with app.app_context():
        tick(clock.now())
    assert queue_matches_outbox(app) == (set(), set())
    assert mailbox
    with app.app_context():
        from tracker.notifications.operations import retry

        sent = db.session.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.SENT)).first()
        assert sent is not None
        write(app, update(Delivery).where(Delivery.id == sent.id).values(status=DeliveryStatus.FAILED))
        retry(db.session.get(Delivery, sent.id), clock.now())
        db.session.commit()
    queued, expected = queue_matches_outbox(app)
    assert queued == expected and len(queued) == 1
