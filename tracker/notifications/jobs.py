"""What the scheduler's tick calls: queue today's reminders and summaries into the outbox, then deliver
what is pending — in the app at once, by e-mail one per person, and to the webhook.

Queueing is set-based: which rule fires depends only on a due date, so the tick enumerates the dates
that can fire today (from the earliest open deadline, never more than ``REMINDER_REACH_YEARS`` back, to
the furthest a "before" rule reaches), decides in Python which rules fire for each, writes those few
decisions to ``reminder_firing``, and lets INSERT … SELECT … ON CONFLICT DO NOTHING create the
deliveries: a handful of statements whatever the number of tasks. The unique key makes a replayed or
concurrent tick a no-op.

Each row stays one message: one in-app notification, one exactly-once key per (rule, task, recipient).
Only the e-mail is combined: each person waiting gets ONE e-mail listing all their pending messages,
grouped by kind and plan (``messages.read_batch``), and the rows are settled in the same transaction:

* PostgreSQL: the person's ``user_account`` row is locked (FOR UPDATE SKIP LOCKED, so two schedulers
  never split one person's messages), their rows are marked sent, the e-mail goes, and the transaction
  commits. One UPDATE per message and no claim stamp; a process that dies before the commit has marked
  nothing, and the next tick sends that one e-mail again (at least once rather than lost).
* SQLite (one writer at a time, no row locks): holding the database's write lock while talking to an
  SMTP server would stall every web write, so the rows are claimed (``claimed_at``) and committed,
  the e-mail goes, and they are marked sent. A process that dies in between leaves them claimed; they
  are sent again after STALE_CLAIM.

Either way a task already mailed is never mailed again and a crash re-sends at most one e-mail per
person. Retries are per e-mail: a failed e-mail counts an attempt on each of its rows, which back off
together (1, 2, 4 … minutes) and go again together; after MAX_ATTEMPTS they stay "failed" and the
administrator's *Thư đi* page lists them by person. An e-mail that cannot be built at all (a value no
header may hold) fails at once, alone, with the reason; the rest of the pass goes on. Webhook posts
stay one per message.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import String, and_, case, cast, delete, func, literal, or_, select, update
from sqlalchemy.orm import SessionTransaction, selectinload

from tracker import clock
from tracker.accounts.models import Role, User
from tracker.database import UTCDateTime
from tracker.extensions import db
from tracker.notifications import delivery, messages
from tracker.notifications.grouping import SUMMARY_RULES
from tracker.notifications.models import Channel, Delivery, DeliveryStatus, ReminderFiring, UnsentDelivery, among, unsent
from tracker.notifications.operations import insert_deliveries, inserted, person_message, upsert
from tracker.notifications.queries import office_rules, reminded_tasks
from tracker.notifications.rules import (
    REMINDER_REACH_YEARS,
    ReminderRules,
    Rule,
    enumeration_start,
    firings_for_due,
    horizon,
    monthly_list_key,
    weekly_digest_key,
)
from tracker.plans.models import Plan
from tracker.settings.queries import load_calendar
from tracker.tasks.models import Task

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=10)
# Webhook posts are marked in batches; a crash in between leaves them "sending", re-sent after STALE_CLAIM.
COMMIT_EVERY = 50


@dataclass
class QueueReport:
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


def _plan_firings(today: date) -> tuple[list[dict], list[int]]:
    """(plan or all plans, due date, rule, seq) for every due date that calls for a reminder today.

    Which rule fires depends only on the due date, so the dates are enumerated from the earliest
    deadline of a reminded task (an index lookup) to the furthest a "before" rule reaches; no task is
    read. The enumeration never starts before ``enumeration_start``: a deadline typed as year 1024 costs
    nothing, open or cancelled."""
    calendar = load_calendar()
    default = office_rules()
    overrides = {
        pid: ReminderRules.from_json(text) or default  # as queries.plan_rules; only NULL is ever empty
        for pid, text in db.session.execute(select(Plan.id, Plan.reminder_rules).where(Plan.reminder_rules.is_not(None)))
    }
    earliest = db.session.scalar(select(func.min(Task.effective_due)).where(reminded_tasks(today)))
    last = today + max(horizon(r) for r in [default, *overrides.values()])
    if earliest is None or earliest > last:
        return [], list(overrides)
    first = max(earliest, enumeration_start(today, current_app.config.get("REMINDER_REACH_YEARS", REMINDER_REACH_YEARS)))
    between = calendar.counter(min(first, today), last)
    rows: list[dict] = []
    for plan_id, rules in [(None, default), *overrides.items()]:
        day = first
        end = today + horizon(rules)
        while day <= end:
            for firing in firings_for_due(day, today, rules, calendar, between):
                rows.append({"plan_id": plan_id, "due": day, "rule": firing.rule, "seq": firing.seq})
            day += timedelta(days=1)
    return rows, list(overrides)


def _key(*parts):
    expr = None
    for part in parts:
        piece = part if isinstance(part, str) else cast(part, String)
        piece = literal(piece) if isinstance(piece, str) else piece
        expr = piece if expr is None else expr + literal(":") + piece
    return expr


def queue_reminders(now: datetime) -> QueueReport:
    """Queue today's task reminders (first tick at or after 07:00 on a working day). Idempotent."""
    local = now.astimezone(clock.timezone_info())
    today = local.date()
    report = QueueReport()
    if local.hour < 7 or not load_calendar().is_working_day(today):
        return report
    firings, override_plans = _plan_firings(today)
    if not firings:
        return report
    tick_id = uuid.uuid4().hex
    # executemany, not one multi-row VALUES: SQLite caps the number of bound variables per statement.
    db.session.execute(ReminderFiring.__table__.insert(), [{**f, "tick": tick_id} for f in firings])
    f = ReminderFiring
    plan_match = or_(
        and_(f.plan_id.is_(None), Task.plan_id.not_in(override_plans) if override_plans else literal(True)),
        f.plan_id == Task.plan_id,
    )
    firing_join = and_(f.tick == tick_id, f.due == Task.effective_due, plan_match)
    open_task = reminded_tasks(today)
    rule_col = f.rule
    wants_email = and_(User.email != "", or_(User.email_reminders, rule_col == Rule.ESCALATE.value))
    columns = ["key", "rule", "seq", "task_id", "due_date", "recipient_id", "channel", "status", "next_attempt_at", "created_at"]

    def insert_for(recipient_join, rule_filter) -> int:
        source = (
            select(
                _key(rule_col, f.seq, Task.id, Task.effective_due, User.id),
                rule_col,
                f.seq,
                Task.id,
                Task.effective_due,
                User.id,
                literal(Channel.INAPP.value),
                case((wants_email, DeliveryStatus.PENDING.value), else_=DeliveryStatus.NONE.value),
                literal(now, UTCDateTime),
                literal(now, UTCDateTime),
            )
            .select_from(Task)
            .join(f, firing_join)
            .join(User, recipient_join)
            .where(open_task, rule_filter, User.active)
        )
        stmt = upsert(Delivery.__table__).from_select(columns, source).on_conflict_do_nothing(index_elements=["key"])
        return inserted(stmt)

    unit_rules = rule_col != Rule.ESCALATE.value
    report.by_rule["nhắc việc"] = insert_for(and_(User.unit_id == Task.lead_unit_id, User.role == Role.UNIT_HEAD), unit_rules)
    if db.session.scalar(select(Task.id).where(Task.assignee_id.is_not(None)).limit(1)) is not None:
        report.by_rule["nhắc việc"] += insert_for(User.id == Task.assignee_id, unit_rules)
    report.by_rule["báo lãnh đạo"] = insert_for(User.role.in_([Role.LEADER, Role.OFFICE]), rule_col == Rule.ESCALATE.value)
    if current_app.config.get("WEBHOOK_URL"):
        source = (
            select(
                _key(rule_col, f.seq, Task.id, Task.effective_due, "webhook"),
                rule_col,
                f.seq,
                Task.id,
                Task.effective_due,
                literal(None),
                literal(Channel.WEBHOOK.value),
                literal(DeliveryStatus.PENDING.value),
                literal(now, UTCDateTime),
                literal(now, UTCDateTime),
            )
            .select_from(Task)
            .join(f, firing_join)
            .where(open_task)
        )
        stmt = upsert(Delivery.__table__).from_select(columns, source).on_conflict_do_nothing(index_elements=["key"])
        report.by_rule["webhook"] = inserted(stmt)
    db.session.execute(delete(ReminderFiring).where(ReminderFiring.tick == tick_id))
    return report


def _queue_simple(rule: str, period: str, as_of: date, recipients: Sequence[User], now: datetime) -> int:
    return insert_deliveries(
        [
            {**person_message(user, now), "key": f"{rule}:{period}:{user.id}", "rule": rule, "seq": 0, "due_date": as_of}
            for user in recipients
        ]
    )


def queue_digests(now: datetime) -> QueueReport:
    """The weekly digest to each lãnh đạo (Monday 07:30) and the monthly late list to văn phòng."""
    local = now.astimezone(clock.timezone_info())
    report = QueueReport()
    week = weekly_digest_key(local)
    if week:
        leaders = db.session.scalars(select(User).where(User.role == Role.LEADER, User.active)).all()
        report.by_rule["tổng hợp tuần"] = _queue_simple(Rule.DIGEST, week, local.date(), leaders, now)
    month = monthly_list_key(local.date(), load_calendar())
    if month:
        office = db.session.scalars(select(User).where(User.role == Role.OFFICE, User.active)).all()
        report.by_rule["danh sách chậm tháng"] = _queue_simple(Rule.MONTHLY, month, local.date(), office, now)
    return report


# ------------------------------------------------------------------ sending


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    emails: int = 0  # e-mails sent (one per person per pass)
    messages: int = 0  # outbox rows they carried, plus webhook posts


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _locks_rows() -> bool:
    return db.engine.dialect.name == "postgresql"


def _waiting(now: datetime, person_id: int | None = None):
    """Messages (a person's) whose e-mail is due now (on SQLite: and not claimed by a live process),
    found through the sender's queue (``delivery_unsent``)."""
    due = and_(
        unsent(person_id),
        Delivery.status == DeliveryStatus.PENDING,
        Delivery.next_attempt_at <= now,
        Delivery.channel == Channel.INAPP,
    )
    if _locks_rows():
        return due
    return and_(due, or_(Delivery.claimed_at.is_(None), Delivery.claimed_at < now - STALE_CLAIM))


@dataclass
class Taken:
    """One person's messages taken for one e-mail. On PostgreSQL they are already marked sent inside
    ``savepoint`` (the person's row locked until the commit); on SQLite they are claimed and committed."""

    ids: list[int]
    savepoint: SessionTransaction | None = None

    def sent(self, now: datetime) -> None:
        if self.savepoint is None:
            _mark(self.ids, status=DeliveryStatus.SENT, sent_at=now, last_error="", attempts=Delivery.attempts + 1)
        db.session.commit()

    def settle(self, **values) -> None:
        """Not sent: undo the marking and write ``values`` instead (committed)."""
        if self.savepoint is not None:
            self.savepoint.rollback()
        _mark(self.ids, **values)
        db.session.commit()


def _take(person_id: int, now: datetime) -> Taken | None:
    """The person's due messages, or None when another process has them (or nothing is left)."""
    if _locks_rows():
        if db.session.scalar(select(User.id).where(User.id == person_id).with_for_update(skip_locked=True)) is None:
            db.session.rollback()
            return None
        savepoint = db.session.begin_nested()
        values: dict = {"status": DeliveryStatus.SENT, "sent_at": now, "last_error": "", "attempts": Delivery.attempts + 1}
    else:
        savepoint, values = None, {"claimed_at": now}
    # On the table, not the mapped class: the ids come back as plain rows, not through the ORM.
    outbox = Delivery.__table__
    ids = list(
        db.session.scalars(
            update(outbox)
            .where(Delivery.recipient_id == person_id, _waiting(now, person_id))
            .values(**values)
            .returning(outbox.c.id)
        )
    )
    if not ids:
        db.session.rollback()
        return None
    if savepoint is None:
        db.session.commit()
    return Taken(ids, savepoint)


def _mark(ids: list[int], **values) -> None:
    stmt = update(Delivery).where(among(Delivery.id, ids)).values(**values)
    db.session.execute(stmt.execution_options(synchronize_session=False))


def _failure(now: datetime, error: str) -> dict:
    """The columns of a failed attempt, for rows whatever their attempt count: each counts the attempt,
    backs off by its number, and is "failed" for good at MAX_ATTEMPTS."""
    n = Delivery.attempts + 1
    return {
        "attempts": n,
        "last_error": error[:2000],
        "status": case((n >= MAX_ATTEMPTS, DeliveryStatus.FAILED.value), else_=DeliveryStatus.PENDING.value),
        "next_attempt_at": case(
            *[(n == k, literal(now + backoff(k), UTCDateTime)) for k in range(1, MAX_ATTEMPTS)],
            else_=literal(now + backoff(MAX_ATTEMPTS), UTCDateTime),
        ),
        "claimed_at": None,
    }


def _build(user: User | None, ids: list[int], summaries: dict):
    """The e-mail of ``ids`` for ``user``: (MIME message, subject), or None when there is nothing to
    e-mail (no address any more, or only messages about deleted tasks). Raises what building raises."""
    if user is None or not user.email:
        return None
    batch = messages.read_batch(ids, summaries)
    if not batch.items:
        return None
    message = messages.compose(user, batch.items, batch.totals)
    return messages.build_email(user, message), message.subject


def _send_person(person_id: int, now: datetime, report: SendReport, summaries: dict, mailer: delivery.Mailer) -> None:
    taken = _take(person_id, now)
    if taken is None:
        return
    user = db.session.get(User, person_id)
    try:
        built = _build(user, taken.ids, summaries)
    except Exception as exc:  # noqa: BLE001 — whatever breaks building one e-mail must not stop the others
        log.exception("cannot build the e-mail of user %s", person_id)
        reason = f"Không tạo được thư (dữ liệu không hợp lệ, cần sửa rồi bấm Gửi lại): {type(exc).__name__}: {exc}"
        taken.settle(status=DeliveryStatus.FAILED, attempts=Delivery.attempts + 1, last_error=reason[:2000], claimed_at=None)
        report.failed.append(f"thư → {user.email if user else person_id} ({len(taken.ids)} thông báo): {reason}")
        return
    if built is None:
        taken.settle(status=DeliveryStatus.NONE, last_error="", claimed_at=None)
        return
    assert user is not None
    mime, subject = built
    try:
        mailer.send(mime)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("e-mail to %s failed: %s", user.email, exc)
        taken.settle(**_failure(now, f"{type(exc).__name__}: {exc}"))
        report.failed.append(f"thư → {user.email} ({len(taken.ids)} thông báo): {exc}")
        return
    taken.sent(now)
    report.emails += 1
    report.messages += len(taken.ids)
    report.sent.append(f"thư → {user.email}: {subject}")


def _waiting_people(now: datetime) -> list[int]:
    people = db.session.scalars(
        select(User.id)
        .where(
            User.id.in_(
                select(UnsentDelivery.recipient_id).join(Delivery, Delivery.id == UnsentDelivery.delivery_id).where(_waiting(now))
            )
        )
        .order_by(User.id)
    ).all()
    db.session.commit()
    return list(people)


def send_pending(now: datetime, hooks: int = 500) -> SendReport:
    """Deliver what is pending: one e-mail per person carrying all their pending messages, and one
    webhook post per message. Each e-mail's rows are settled as soon as it has gone (see the module's
    docstring), so a crash re-sends at most the one e-mail that was in flight."""
    report = SendReport()
    summaries: dict = {}
    with delivery.Mailer() as mailer:
        for person_id in _waiting_people(now):
            _send_person(person_id, now, report, summaries, mailer)
    while hook_ids := _claim_hooks(now, hooks):
        _send_hooks(hook_ids, now, report)
    return report


def _claim_hooks(now: datetime, limit: int) -> list[int]:
    """Webhook posts, claimed as "sending" (a claim older than STALE_CLAIM is taken again)."""
    db.session.execute(
        update(Delivery)
        .where(unsent(webhook=True), Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < now - STALE_CLAIM)
        .values(status=DeliveryStatus.PENDING)
    )
    candidates = (
        select(Delivery.id)
        .where(
            unsent(webhook=True),
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.next_attempt_at <= now,
            Delivery.channel == Channel.WEBHOOK,
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = db.session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(candidates), Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING, claimed_at=now)
        .returning(Delivery.id)
    ).all()
    db.session.commit()
    return list(ids)


def _send_hooks(ids: list[int], now: datetime, report: SendReport) -> None:
    deliveries = db.session.scalars(select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)).all()
    task_ids = {d.task_id for d in deliveries if d.task_id}
    tasks = {
        t.id: t
        for t in db.session.scalars(
            select(Task).where(Task.id.in_(task_ids)).options(selectinload(Task.lead_unit), selectinload(Task.plan))
        )
    }
    calendar = load_calendar()
    since_commit = 0
    for row in deliveries:
        task = tasks.get(row.task_id) if row.task_id else None
        if task is None and row.rule not in SUMMARY_RULES:
            row.status = DeliveryStatus.NONE
            continue
        message = messages.describe(row, task, task.lead_unit if task else None, task.plan if task else None, calendar)
        try:
            delivery.post_webhook(message.payload)
        except delivery.WebhookRefused as exc:
            _mark([row.id], status=DeliveryStatus.FAILED, attempts=Delivery.attempts + 1, last_error=str(exc), claimed_at=None)
            report.failed.append(f"webhook: {exc}")
            continue
        except OSError as exc:
            _mark([row.id], **_failure(now, f"{type(exc).__name__}: {exc}"))
            report.failed.append(f"webhook: {exc}")
            continue
        row.status = DeliveryStatus.SENT
        row.sent_at = now
        row.attempts += 1
        row.last_error = ""
        report.messages += 1
        report.sent.append(f"webhook → {current_app.config.get('WEBHOOK_URL')}: {message.subject}")
        since_commit += 1
        if since_commit >= COMMIT_EVERY:
            db.session.commit()
            since_commit = 0
    db.session.commit()


def tick(now: datetime) -> list[str]:
    """One pass: queue what is due at ``now``, then deliver what is pending."""
    queued = queue_reminders(now)
    digests = queue_digests(now)
    db.session.commit()
    sent = send_pending(now)
    lines = [f"xếp hàng {k}: {v}" for k, v in {**queued.by_rule, **digests.by_rule}.items() if v]
    if sent.emails:
        lines.append(f"{sent.emails} thư điện tử, {sent.messages} thông báo")
    lines += [f"đã gửi {line}" for line in sent.sent]
    lines += [f"LỖI {line}" for line in sent.failed]
    if not lines:
        lines.append("không có gì để gửi")
    return lines
