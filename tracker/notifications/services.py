"""Queueing reminders into the outbox, and delivering them: in the app, by e-mail, by webhook.

Queueing is set-based: which rule fires depends only on a due date, so the tick enumerates the dates
from the earliest deadline on, decides in Python which rules fire for each, writes those few decisions to
``reminder_firing``, and lets INSERT … SELECT … ON CONFLICT DO NOTHING create the deliveries: a handful
of statements whatever the number of tasks. The unique key makes a replayed or concurrent tick a no-op.

Sending claims rows (FOR UPDATE SKIP LOCKED on PostgreSQL) before it sends, marks each sent or failed,
and retries failures with exponential backoff; after MAX_ATTEMPTS a delivery stays "failed" and is shown
to the administrator. A process that dies after sending and before marking leaves the row "sending";
after STALE_CLAIM it is sent again (at least once rather than lost).
"""

from __future__ import annotations

import contextlib
import json
import smtplib
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app, render_template
from sqlalchemy import String, and_, case, cast, delete, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker import clock
from tracker.accounts.models import Role, Unit, User
from tracker.database import UTCDateTime
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.notifications.models import Channel, Delivery, DeliveryStatus, ReminderFiring
from tracker.notifications.rules import (
    DEFAULT_RULES,
    ReminderRules,
    firings_for_due,
    horizon,
    monthly_list_key,
    weekly_digest_key,
)
from tracker.plans.models import Plan
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import TaskStatus
from tracker.settings.services import get_state, load_calendar, set_state
from tracker.tasks.models import Task
from tracker.tasks.queries import box_condition, completed_condition, leaf

RULES_KEY = "settings.reminder_rules"
MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=10)
# Sent rows are marked in batches; a crash in between leaves them "sending", re-sent after STALE_CLAIM.
COMMIT_EVERY = 50


def office_rules() -> ReminderRules:
    row = get_state(RULES_KEY)
    return ReminderRules.from_json(row.value if row else None) or DEFAULT_RULES


def save_office_rules(rules: ReminderRules) -> None:
    set_state(RULES_KEY, rules.to_json())


def plan_rules(plan: Plan) -> ReminderRules:
    return ReminderRules.from_json(plan.reminder_rules) or office_rules()


def _insert(table):
    return (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(table)


def _open_dated_task(today: date):
    return and_(
        Task.deadline_kind == DeadlineKind.FIXED,
        Task.effective_due.is_not(None),
        Task.status.not_in([TaskStatus.CANCELLED, TaskStatus.PAUSED]),
        ~completed_condition(today),
        leaf(),
    )


@dataclass
class QueueReport:
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


def _plan_firings(today: date) -> tuple[list[dict], list[int]]:
    """(plan or all plans, due date, rule, seq) for every due date that calls for a reminder today.

    Which rule fires depends only on the due date, so the dates are enumerated from the earliest
    deadline in the database (an index lookup) to the furthest a "before" rule reaches; no task is read.
    """
    calendar = load_calendar()
    default = office_rules()
    overrides = {
        pid: ReminderRules.from_json(text)
        for pid, text in db.session.execute(select(Plan.id, Plan.reminder_rules).where(Plan.reminder_rules.is_not(None)))
    }
    earliest = db.session.scalar(select(func.min(Task.effective_due)))
    if earliest is None or earliest > today + max([horizon(r) for r in [default, *overrides.values()]]):
        return [], list(overrides)
    last = today + max(horizon(r) for r in [default, *overrides.values()])
    between = calendar.counter(min(earliest, today), last)
    rows: list[dict] = []
    for plan_id, rules in [(None, default), *overrides.items()]:
        day = earliest
        end = today + horizon(rules)
        while day <= end:
            for firing in firings_for_due(day, today, rules, calendar, between):
                rows.append({"plan_id": plan_id, "due": day, "rule": firing.rule, "seq": firing.seq})
            day += timedelta(days=1)
    return rows, list(overrides)


def _inserted(stmt) -> int:
    """Run an INSERT … ON CONFLICT DO NOTHING and count the rows it really inserted (psycopg reports no
    rowcount for INSERT … SELECT built by SQLAlchemy, so the new ids are returned and counted)."""
    return len(db.session.execute(stmt.returning(Delivery.__table__.c.id)).all())


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
    tick = uuid.uuid4().hex
    db.session.execute(_insert(ReminderFiring.__table__).values([{**f, "tick": tick} for f in firings]))
    f = ReminderFiring
    plan_match = or_(
        and_(f.plan_id.is_(None), Task.plan_id.not_in(override_plans) if override_plans else literal(True)),
        f.plan_id == Task.plan_id,
    )
    firing_join = and_(f.tick == tick, f.due == Task.effective_due, plan_match)
    open_task = _open_dated_task(today)
    webhook = bool(current_app.config.get("WEBHOOK_URL"))
    rule_col = f.rule
    wants_email = and_(User.email != "", or_(User.email_reminders, rule_col == "escalate"))
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
        stmt = _insert(Delivery.__table__).from_select(columns, source).on_conflict_do_nothing(index_elements=["key"])
        return _inserted(stmt)

    unit_rules = rule_col != "escalate"
    report.by_rule["nhắc việc"] = insert_for(and_(User.unit_id == Task.lead_unit_id, User.role == Role.UNIT_HEAD), unit_rules)
    if db.session.scalar(select(Task.id).where(Task.assignee_id.is_not(None)).limit(1)) is not None:
        report.by_rule["nhắc việc"] += insert_for(User.id == Task.assignee_id, unit_rules)
    report.by_rule["báo lãnh đạo"] = insert_for(User.role.in_([Role.LEADER, Role.OFFICE]), rule_col == "escalate")
    if webhook:
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
        stmt = _insert(Delivery.__table__).from_select(columns, source).on_conflict_do_nothing(index_elements=["key"])
        report.by_rule["webhook"] = _inserted(stmt)
    db.session.execute(delete(ReminderFiring).where(ReminderFiring.tick == tick))
    return report


def _person_message(user: User, now: datetime, escalation: bool = False) -> dict:
    wants_email = bool(user.email) and (user.email_reminders or escalation)
    return {
        "recipient_id": user.id,
        "channel": Channel.INAPP,
        "next_attempt_at": now,
        "created_at": now,
        "status": DeliveryStatus.PENDING if wants_email else DeliveryStatus.NONE,
    }


def _queue_simple(rule: str, period: str, as_of: date, recipients: list[User], now: datetime) -> int:
    rows = [
        {**_person_message(user, now), "key": f"{rule}:{period}:{user.id}", "rule": rule, "seq": 0, "due_date": as_of}
        for user in recipients
    ]
    if not rows:
        return 0
    return _inserted(_insert(Delivery.__table__).values(rows).on_conflict_do_nothing(index_elements=["key"]))


def queue_digests(now: datetime) -> QueueReport:
    """The weekly digest to each lãnh đạo (Monday 07:30) and the monthly late list to văn phòng."""
    local = now.astimezone(clock.timezone_info())
    report = QueueReport()
    week = weekly_digest_key(local)
    if week:
        leaders = db.session.scalars(select(User).where(User.role == Role.LEADER, User.active)).all()
        report.by_rule["tổng hợp tuần"] = _queue_simple("digest", week, local.date(), leaders, now)
    month = monthly_list_key(local.date(), load_calendar())
    if month:
        office = db.session.scalars(select(User).where(User.role == Role.OFFICE, User.active)).all()
        report.by_rule["danh sách chậm tháng"] = _queue_simple("monthly", month, local.date(), office, now)
    return report


def nudge(task: Task, actor: User, note: str, now: datetime) -> int:
    """Đôn đốc: a manual reminder to the lead unit's head and the assignee, each click one message."""
    from tracker.tasks.operations import journal

    recipients = db.session.scalars(
        select(User).where(
            User.active,
            or_(and_(User.unit_id == task.lead_unit_id, User.role == Role.UNIT_HEAD), User.id == (task.assignee_id or -1)),
        )
    ).all()
    stamp = uuid.uuid4().hex[:12]
    rows = [
        {
            **_person_message(user, now),
            "key": f"nudge:{stamp}:{task.id}:{user.id}",
            "rule": "nudge",
            "seq": 0,
            "task_id": task.id,
            "due_date": task.effective_due,
            "sender_id": actor.id,
            "note": note,
        }
        for user in recipients
    ]
    if rows:
        db.session.execute(_insert(Delivery.__table__).values(rows))
    journal(task, actor, "nudged", note=f"Đôn đốc: {note}" if note else "Đôn đốc")
    return len(rows)


# ------------------------------------------------------------------ wording


@dataclass
class Message:
    subject: str
    text: str
    html: str
    url: str
    payload: dict


def _late_days(due: date | None, on: date) -> int:
    return load_calendar().working_days_between(due, on) if due else 0


def describe(delivery: Delivery, task: Task | None, unit: Unit | None, plan: Plan | None) -> Message:
    base = current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    sent_on = delivery.created_at.astimezone(clock.timezone_info()).date()
    rule = delivery.rule
    if rule in ("digest", "monthly"):
        title = (
            "Tổng hợp tuần: nhiệm vụ quá hạn và đến hạn trong tuần"
            if rule == "digest"
            else f"Danh sách đơn vị, cá nhân chậm tiến độ tháng {sent_on.month:02d}/{sent_on.year}"
        )
        context = _digest_context(delivery.due_date or sent_on, rule)
        url = f"{base}/tasks?box=open_overdue&leaves=1&as_of={fmt_date(delivery.due_date or sent_on)}"
        text = render_template(f"notifications/{rule}.txt", title=title, url=url, **context)
        html = render_template(f"notifications/{rule}.html", title=title, url=url, **context)
        return Message(
            title,
            text,
            html,
            url,
            {
                "rule": rule,
                "as_of": (delivery.due_date or sent_on).isoformat(),
                **{
                    "units": [
                        {"unit": r["unit"], "overdue": r["overdue"], "due_this_week": r["due_soon"]} for r in context["rows"]
                    ]
                },
            },
        )
    assert task is not None
    due = fmt_date(task.effective_due)
    if rule.startswith("before_"):
        n = rule.split("_", 1)[1]
        head = f"Còn {n} ngày làm việc đến hạn ({due})"
    elif rule == "due":
        head = f"Hôm nay đến hạn ({due})"
    elif rule == "overdue":
        head = f"Đã quá hạn {_late_days(delivery.due_date, sent_on)} ngày làm việc (hạn {due})"
    elif rule == "escalate":
        head = f"Báo cáo lãnh đạo: quá hạn {_late_days(delivery.due_date, sent_on)} ngày làm việc (hạn {due})"
    elif rule == "nudge":
        head = "Văn phòng đôn đốc thực hiện"
    else:
        head = "Nhắc việc"
    subject = f"[Nhắc việc] {head}: {task.title[:120]}"
    url = f"{base}/tasks/{task.id}"
    context = {
        "head": head,
        "task": task,
        "unit": unit,
        "plan": plan,
        "url": url,
        "due": due,
        "note": delivery.note,
        "recipient": delivery.recipient,
    }
    payload = {
        "rule": rule,
        "seq": delivery.seq,
        "task_id": task.id,
        "title": task.title,
        "plan": plan.number if plan else None,
        "lead_unit": unit.name if unit else None,
        "due_date": task.effective_due.isoformat() if task.effective_due else None,
        "url": url,
        "message": head,
    }
    return Message(
        subject,
        render_template("notifications/reminder.txt", **context),
        render_template("notifications/reminder.html", **context),
        url,
        payload,
    )


def _digest_context(as_of: date, rule: str) -> dict:
    """Overdue (and, for the weekly digest, due within 7 days) by lead unit, and late people: two queries."""
    from tracker.rules.status import Box

    overdue = func.sum(case((box_condition(Box.OPEN_OVERDUE, as_of), 1), else_=0))
    soon = func.sum(
        case((and_(box_condition(Box.OPEN_IN_TIME, as_of), Task.effective_due <= as_of + timedelta(days=7)), 1), else_=0)
    )
    stmt = (
        select(Unit.name, overdue, soon)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(leaf())
        .group_by(Unit.name)
        .order_by(overdue.desc(), Unit.name)
    )
    rows = [{"unit": name, "overdue": int(o or 0), "due_soon": int(s or 0)} for name, o, s in db.session.execute(stmt)]
    rows = [r for r in rows if r["overdue"] or (rule == "digest" and r["due_soon"])]
    people = []
    if rule == "monthly":
        people = [
            {"name": name, "unit": unit, "overdue": int(n)}
            for name, unit, n in db.session.execute(
                select(User.full_name, Unit.name, func.count())
                .join(Task, Task.assignee_id == User.id)
                .join(Unit, Unit.id == Task.lead_unit_id)
                .where(leaf(), box_condition(Box.OPEN_OVERDUE, as_of))
                .group_by(User.full_name, Unit.name)
                .order_by(func.count().desc())
            )
        ]
    return {"rows": rows, "people": people, "as_of": fmt_date(as_of)}


# ------------------------------------------------------------------ sending


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _claim(now: datetime, limit: int) -> list[int]:
    db.session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < now - STALE_CLAIM)
        .values(status=DeliveryStatus.PENDING)
    )
    candidates = (
        select(Delivery.id)
        .where(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now)
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


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def send_pending(now: datetime, limit: int = 500) -> SendReport:
    report = SendReport()
    while True:
        ids = _claim(now, limit)
        if not ids:
            return report
        _send_batch(ids, now, report)
        if len(ids) < limit:
            return report


def _send_batch(ids: list[int], now: datetime, report: SendReport) -> None:
    from sqlalchemy.orm import selectinload

    deliveries = db.session.scalars(
        select(Delivery).where(Delivery.id.in_(ids)).options(selectinload(Delivery.recipient)).order_by(Delivery.id)
    ).all()
    task_ids = {d.task_id for d in deliveries if d.task_id}
    tasks = (
        {
            t.id: t
            for t in db.session.scalars(
                select(Task).where(Task.id.in_(task_ids)).options(selectinload(Task.lead_unit), selectinload(Task.plan))
            )
        }
        if task_ids
        else {}
    )
    smtp = None
    smtp_error = None
    sent_since_commit = 0
    try:
        for delivery in deliveries:
            task = tasks.get(delivery.task_id) if delivery.task_id else None
            message = describe(delivery, task, task.lead_unit if task else None, task.plan if task else None)
            try:
                if delivery.channel is Channel.INAPP:
                    if smtp is None and smtp_error is None:
                        try:
                            smtp = _smtp_connect()
                        except OSError as exc:
                            smtp_error = exc
                    if smtp_error is not None:
                        raise smtp_error
                    _send_email(smtp, delivery.recipient, message)
                else:
                    _post_webhook(message.payload)
            except (OSError, smtplib.SMTPException) as exc:
                _failed(delivery, now, exc)
                report.failed.append(f"{'thư → ' + delivery.recipient.email if delivery.recipient else 'webhook'}: {exc}")
                continue
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
            delivery.attempts += 1
            delivery.last_error = ""
            report.sent.append(
                f"thư → {delivery.recipient.email}: {message.subject}"
                if delivery.recipient
                else f"webhook → {current_app.config.get('WEBHOOK_URL')}: {message.subject}"
            )
            sent_since_commit += 1
            if sent_since_commit >= COMMIT_EVERY:
                db.session.commit()
                sent_since_commit = 0
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
        db.session.commit()


def _failed(delivery: Delivery, now: datetime, exc: Exception) -> None:
    delivery.attempts += 1
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    db.session.commit()


def _smtp_connect() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10)
    if cfg.get("SMTP_STARTTLS"):
        smtp.starttls()
    if cfg.get("SMTP_USER"):
        smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
    return smtp


def _send_email(smtp: smtplib.SMTP, recipient: User, message: Message) -> None:
    msg = EmailMessage()
    msg["Subject"] = message.subject
    msg["From"] = formataddr(("Theo dõi nhiệm vụ", current_app.config["SMTP_SENDER"]))
    msg["To"] = formataddr((recipient.full_name, recipient.email))
    msg.set_content(message.text)
    msg.add_alternative(message.html, subtype="html")
    smtp.send_message(msg)


def _post_webhook(payload: dict) -> None:
    url = current_app.config["WEBHOOK_URL"]
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (the office's own URL)
        if response.status >= 300:
            raise OSError(f"webhook trả về {response.status}")


def retry(delivery: Delivery, now: datetime) -> None:
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now
    delivery.attempts = 0


# ------------------------------------------------------------------ the in-app centre


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.recipient_id == user.id, Delivery.channel == Channel.INAPP, Delivery.read_at.is_(None))
        )
        or 0
    )


def mark_read(user: User, delivery_ids: list[int] | None, now: datetime) -> None:
    stmt = update(Delivery).where(Delivery.recipient_id == user.id, Delivery.channel == Channel.INAPP, Delivery.read_at.is_(None))
    if delivery_ids is not None:
        stmt = stmt.where(Delivery.id.in_(delivery_ids))
    db.session.execute(stmt.values(read_at=now))


def tick(now: datetime) -> list[str]:
    """One pass: queue what is due at ``now``, then deliver what is pending."""
    queued = queue_reminders(now)
    digests = queue_digests(now)
    db.session.commit()
    sent = send_pending(now)
    lines = [f"xếp hàng {k}: {v}" for k, v in {**queued.by_rule, **digests.by_rule}.items() if v]
    lines += [f"đã gửi {line}" for line in sent.sent]
    lines += [f"LỖI {line}" for line in sent.failed]
    if not lines:
        lines.append("không có gì để gửi")
    return lines
