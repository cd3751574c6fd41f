"""The outbox: one row per message to one person (seen in the app, e-mailed too), or per webhook post.
Its unique key (rule, sequence, task, due date, recipient) is what makes every reminder go out exactly
once, whichever scheduler process or replayed tick queued it."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, Index, Integer, String, Text, any_, cast, func, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import User
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.rules.labels import LabelledEnum


class Channel(LabelledEnum):
    """A message to a person (shown in the app, and e-mailed unless they have no address or opted out),
    or a post to the office's webhook."""

    INAPP = "inapp", "Thư điện tử"
    WEBHOOK = "webhook", "Webhook"


class DeliveryStatus(LabelledEnum):
    """The state of the outgoing part: the e-mail of a person's message, or the webhook post."""

    NONE = "none", "Không gửi thư"
    PENDING = "pending", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi lỗi"


class Delivery(db.Model):
    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_inbox", "recipient_id", "channel", "read_at"),)
    # On PostgreSQL half of each page is left free (migration 0021: fillfactor 50): marking a tick's
    # rows sent rewrites each of them once, and with room on its page and no index on what changes
    # (see UnsentDelivery) that is a heap-only update, touching none of the indexes.

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    # Plain integer references, not foreign keys: a reminder tick writes tens of thousands of rows at
    # once, and per-row key checks (and their row locks on PostgreSQL) would double its cost. Users are
    # never deleted (only deactivated); deleting a task deletes its deliveries (tasks.operations).
    task_id: Mapped[int | None] = mapped_column(Integer, index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    recipient_id: Mapped[int | None] = mapped_column(Integer)
    sender_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    recipient: Mapped[User | None] = relationship(primaryjoin="foreign(Delivery.recipient_id) == User.id", viewonly=True)
    sender: Mapped[User | None] = relationship(primaryjoin="foreign(Delivery.sender_id) == User.id", viewonly=True)


UNSENT = ("pending", "sending")


class UnsentDelivery(db.Model):
    """The deliveries whose outgoing part is still to go (status pending or sending): the sender's
    queue. Kept by the database's triggers (migration 0021) on every write to ``delivery``, never from
    Python; rows leave when their e-mail or post has gone (or failed for good).

    An index on ``delivery.status`` would do the same, but every row a tick marks sent would then be
    re-indexed in all of the table's indexes (76,551 rows at a million tasks: 2,4 of the tick's 10 s);
    with the queue apart, marking sent changes no indexed column of ``delivery``.
    """

    __tablename__ = "delivery_unsent"

    delivery_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recipient_id: Mapped[int | None] = mapped_column(Integer, index=True)


def unsent(recipient_id: int | None = None, *, webhook: bool = False) -> ColumnElement:
    """``Delivery.id`` among the queue's rows (one person's; the webhook's, which have no recipient)."""
    queue = select(UnsentDelivery.delivery_id)
    if recipient_id is not None:
        queue = queue.where(UnsentDelivery.recipient_id == recipient_id)
    elif webhook:
        queue = queue.where(UnsentDelivery.recipient_id.is_(None))
    return Delivery.id.in_(queue)


class ReminderFiring(db.Model):
    """Scratch rows of one tick: which (plan, due date) pairs call for which rule today.

    The queueing INSERT … SELECT joins tasks to these rows, so finding what is due costs a handful of
    queries whatever the number of tasks. ``tick`` keeps concurrent ticks apart.
    """

    __tablename__ = "reminder_firing"

    id: Mapped[int] = mapped_column(primary_key=True)
    tick: Mapped[str] = mapped_column(String(40), index=True)
    plan_id: Mapped[int | None] = mapped_column(Integer)
    due: Mapped[date] = mapped_column(Date)
    rule: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer, default=0)


def among(column, ids: list[int]) -> ColumnElement:
    """``column`` among ``ids`` as one condition with one parameter however many ids there are:
    ``= ANY(array)`` on PostgreSQL (a long IN list costs more to parse than to run there), a JSON
    array through ``json_each`` on SQLite (which caps the number of parameters of a statement)."""
    if db.engine.dialect.name == "postgresql":
        # Sent as the array's text ('{1,2,3}'), cast by the server: psycopg would otherwise inspect each
        # of tens of thousands of ints to choose the array's type.
        text_array = "{" + ",".join(str(int(i)) for i in ids) + "}"
        return column == any_(cast(literal(text_array, String), postgresql.ARRAY(Integer)))
    each = func.json_each(literal(json.dumps(list(ids)), String)).table_valued("value")
    return column.in_(select(each.c.value).scalar_subquery())
