"""Queueing reminders into the outbox, and delivering them: in the app, by e-mail, by webhook.

Queueing is set-based: which rule fires depends only on a due date, so the tick enumerates the dates
from the earliest deadline on, decides in Python which rules fire for each, writes those few decisions to
``reminder_firing``, and lets INSERT … SELECT … ON CONFLICT DO NOTHING create the deliveries: a handful
of statements whatever the number of tasks. The unique key makes a replayed or concurrent tick a no-op.

Each row stays one message: one in-app notification, one exactly-once key per (rule, task, recipient).
Only the e-mail is combined: sending claims whole people — every pending message of a person, their
``user_account`` row locked FOR UPDATE SKIP LOCKED on PostgreSQL so two schedulers never split them —
and sends each person ONE e-mail listing all of them, grouped by kind and plan (``grouping``). The rows
of that e-mail are marked sent and committed right after it goes, so a process that dies between
sending and marking re-sends at most that one e-mail per person (its rows stay claimed and are sent
again after STALE_CLAIM: at least once rather than lost), and a task already mailed is never mailed
again. Retries are per e-mail: a failed e-mail counts an attempt on each of its rows, which then share
the backoff (1, 2, 4 … minutes) and go again together; after MAX_ATTEMPTS they stay "failed" and the
administrator's *Thư đi* page lists them by person. Webhook posts stay one per message.
"""

from __future__ import annotations

import contextlib
import email.policy
import json
import smtplib
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app, render_template
from sqlalchemy import Integer, String, and_, any_, case, cast, delete, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker import clock
from tracker.accounts.models import Role, Unit, User
from tracker.database import UTCDateTime
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.notifications.grouping import SUMMARY_RULES, Item, Ref, batch_subject, group, headline, pick, subject_prefix
from tracker.notifications.models import Channel, Delivery, DeliveryStatus, ReminderFiring
from tracker.notifications.rules import (
    DEFAULT_RULES,
    ReminderRules,
    firings_for_due,
    horizon,
    monthly_list_key,
    nudge_refusal,
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
# Webhook posts are marked in batches; a crash in between leaves them "sending", re-sent after STALE_CLAIM.
COMMIT_EVERY = 50
# An e-mail lists at most this many tasks of each kind, then "… và N nhiệm vụ khác" with a link to the
# full list (config ``EMAIL_MAX_TASKS_PER_SECTION``); every task is still its own notification in the app.
EMAIL_MAX_TASKS_PER_SECTION = 100


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


def insert_deliveries(rows: list[dict]) -> int:
    """Add outbox rows; a row whose key is already there is left alone. The number really added."""
    if not rows:
        return 0
    return _inserted(_insert(Delivery.__table__).values(rows).on_conflict_do_nothing(index_elements=["key"]))


def _queue_simple(rule: str, period: str, as_of: date, recipients: list[User], now: datetime) -> int:
    return insert_deliveries(
        [
            {**_person_message(user, now), "key": f"{rule}:{period}:{user.id}", "rule": rule, "seq": 0, "due_date": as_of}
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
        report.by_rule["tổng hợp tuần"] = _queue_simple("digest", week, local.date(), leaders, now)
    month = monthly_list_key(local.date(), load_calendar())
    if month:
        office = db.session.scalars(select(User).where(User.role == Role.OFFICE, User.active)).all()
        report.by_rule["danh sách chậm tháng"] = _queue_simple("monthly", month, local.date(), office, now)
    return report


# ------------------------------------------------------------------ đôn đốc


@dataclass(frozen=True)
class NudgeOption:
    """Whether văn phòng may đôn đốc a task now: ``reason`` says why not (Vietnamese), else it is None."""

    task_id: int
    lead_unit_id: int | None
    receivers: int
    sent_today: bool
    reason: str | None

    @property
    def allowed(self) -> bool:
        return self.reason is None

    @property
    def nobody(self) -> bool:
        """No one could receive it: the lead unit has no head and no one is assigned."""
        return self.receivers == 0


def _local_day_start(now: datetime) -> datetime:
    local = now.astimezone(clock.timezone_info())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def nudge_options(tasks, now: datetime) -> dict[int, NudgeOption]:
    """The đôn đốc verdict for each task (anything with ``id``, ``lead_unit_id``, ``assignee_id`` and
    ``status``: ORM tasks or list rows), in three queries whatever the number of tasks. The one place that
    decides it: the board and the task page show it, ``nudge`` enforces it."""
    tasks = list(tasks)
    unit_ids = {t.lead_unit_id for t in tasks if t.lead_unit_id}
    assignee_ids = {t.assignee_id for t in tasks if t.assignee_id}
    # Always the same three queries (an empty IN is simply false), so pages stay at a fixed query count.
    heads = dict(
        db.session.execute(
            select(User.unit_id, func.count())
            .where(User.active, User.role == Role.UNIT_HEAD, User.unit_id.in_(unit_ids))
            .group_by(User.unit_id)
        ).all()
    )
    active_assignees = set(db.session.scalars(select(User.id).where(User.active, User.id.in_(assignee_ids))))
    nudged = set(
        db.session.scalars(
            select(Delivery.task_id)
            .where(
                Delivery.rule == "nudge",
                Delivery.task_id.in_([t.id for t in tasks]),
                Delivery.created_at >= _local_day_start(now),
            )
            .distinct()
        )
    )
    out = {}
    for t in tasks:
        # The head may also be the assignee: still one person to reach, and reaching one is enough.
        receivers = heads.get(t.lead_unit_id, 0) + (1 if t.assignee_id in active_assignees else 0)
        is_open = t.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)
        sent_today = t.id in nudged
        out[t.id] = NudgeOption(t.id, t.lead_unit_id, receivers, sent_today, nudge_refusal(is_open, receivers, sent_today))
    return out


def nudge(task: Task, actor: User, note: str, now: datetime) -> int:
    """Đôn đốc: a manual reminder to the lead unit's head and the assignee, at most once a day per task.

    Refused (``ValidationFailed``, nothing written) when ``nudge_options`` says no; journaled only when a
    message was queued. The key (task, local day, recipient) also stops two clicks racing each other."""
    from tracker.tasks.operations import journal

    option = nudge_options([task], now)[task.id]
    if not option.allowed:
        raise ValidationFailed(option.reason)
    recipients = db.session.scalars(
        select(User).where(
            User.active,
            or_(and_(User.unit_id == task.lead_unit_id, User.role == Role.UNIT_HEAD), User.id == (task.assignee_id or -1)),
        )
    ).all()
    day = now.astimezone(clock.timezone_info()).date().isoformat()
    count = insert_deliveries(
        [
            {
                **_person_message(user, now),
                "key": f"nudge:{task.id}:{day}:{user.id}",
                "rule": "nudge",
                "seq": 0,
                "task_id": task.id,
                "due_date": task.effective_due,
                "sender_id": actor.id,
                "note": note,
            }
            for user in recipients
        ]
    )
    if not count:
        raise ValidationFailed(nudge_refusal(True, len(recipients), True))
    journal(task, actor, "nudged", note=f"Đôn đốc: {note}" if note else "Đôn đốc")
    return count


# ------------------------------------------------------------------ wording


@dataclass
class Message:
    subject: str
    text: str
    html: str
    url: str
    payload: dict


def _base_url() -> str:
    return current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")


def _summary_title(rule: str, sent_on: date) -> str:
    if rule == "digest":
        return "Tổng hợp tuần: nhiệm vụ quá hạn và đến hạn trong tuần"
    return f"Danh sách đơn vị, cá nhân chậm tiến độ tháng {sent_on.month:02d}/{sent_on.year}"


def _summary_url(as_of: date) -> str:
    return f"{_base_url()}/tasks?box=open_overdue&leaves=1&as_of={fmt_date(as_of)}"


def describe(delivery: Delivery, task: Task | None, unit: Unit | None, plan: Plan | None) -> Message:
    """One message's title, link and webhook payload (the in-app centre lists these; the e-mail of a
    tick combines them, see ``_compose``)."""
    sent_on = delivery.created_at.astimezone(clock.timezone_info()).date()
    rule = delivery.rule
    if rule in SUMMARY_RULES:
        as_of = delivery.due_date or sent_on
        return Message(_summary_title(rule, sent_on), "", "", _summary_url(as_of), {"rule": rule, "as_of": as_of.isoformat()})
    assert task is not None
    due = fmt_date(task.effective_due)
    late = load_calendar().working_days_between(delivery.due_date, sent_on) if delivery.due_date else 0
    head = headline(rule, due, late)
    url = f"{_base_url()}/tasks/{task.id}"
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
    if delivery.note:
        payload["note"] = delivery.note
    return Message(f"{subject_prefix(rule)} {head}: {task.title[:120]}", "", "", url, payload)


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
    emails: int = 0  # e-mails sent (one per person per pass)
    messages: int = 0  # outbox rows they carried, plus webhook posts


def _among(column, ids: list[int]):
    """``column`` among ``ids``, as few conditions as the database allows: one ``= ANY(array)`` on
    PostgreSQL (a 5,000-name IN list costs more to parse than to run there), IN lists of 5,000 on SQLite."""
    if db.engine.dialect.name == "postgresql":
        yield column == any_(literal(list(ids), postgresql.ARRAY(Integer)))
        return
    for i in range(0, len(ids), 5000):
        yield column.in_(ids[i : i + 5000])


def _claim(now: datetime, people: int, hooks: int) -> tuple[dict[int, list[int]], list[int]]:
    """Claim whole people (every pending message of each, for one e-mail) and webhook posts.

    On PostgreSQL the people's rows in ``user_account`` are locked with SKIP LOCKED while their messages
    are claimed, so two schedulers never split one person's messages into two e-mails. A person's
    message is claimed by stamping ``claimed_at`` and leaving its status "pending": no indexed column
    changes, so PostgreSQL may update the row in place (HOT, where its page has room) rather than
    re-index it. A claim older than STALE_CLAIM (its process died) is claimed again. Webhook posts are claimed as "sending", one by one as before."""
    db.session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < now - STALE_CLAIM)
        .values(status=DeliveryStatus.PENDING)
    )
    due = and_(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now)
    unclaimed = and_(
        due,
        Delivery.channel == Channel.INAPP,
        or_(Delivery.claimed_at.is_(None), Delivery.claimed_at < now - STALE_CLAIM),
    )
    waiting = select(Delivery.recipient_id).where(unclaimed)
    person_ids = db.session.scalars(
        select(User.id).where(User.id.in_(waiting)).order_by(User.id).limit(people).with_for_update(skip_locked=True)
    ).all()
    claimed: dict[int, list[int]] = {}
    if person_ids:
        rows = db.session.execute(
            update(Delivery)
            .where(Delivery.recipient_id.in_(person_ids), unclaimed)
            .values(claimed_at=now)
            .returning(Delivery.recipient_id, Delivery.id)
        ).all()
        for recipient_id, delivery_id in rows:
            claimed.setdefault(recipient_id, []).append(delivery_id)
    candidates = (
        select(Delivery.id)
        .where(due, Delivery.channel == Channel.WEBHOOK)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(hooks)
        .with_for_update(skip_locked=True)
    )
    hook_ids = db.session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(candidates), Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING, claimed_at=now)
        .returning(Delivery.id)
    ).all()
    db.session.commit()
    return claimed, list(hook_ids)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def send_pending(now: datetime, people: int = 20, hooks: int = 500) -> SendReport:
    """Deliver what is pending: one e-mail per person carrying all their pending messages, and one
    webhook post per message. Each e-mail is marked sent (and committed) as soon as it has gone, so a
    crash re-sends at most the one e-mail that was in flight, after STALE_CLAIM."""
    report = SendReport()
    summaries: dict = {}
    while True:
        claimed, hook_ids = _claim(now, people, hooks)
        if not claimed and not hook_ids:
            return report
        if claimed:
            _send_emails(claimed, now, report, summaries)
        if hook_ids:
            _send_hooks(hook_ids, now, report)


@dataclass
class Batch:
    """One person's e-mail of this pass: every claimed row (for marking), the items it lists, the totals."""

    ids: list[int] = field(default_factory=list)
    attempts: list[int] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)


def _load_batches(claimed: dict[int, list[int]], summaries: dict) -> dict[int, Batch]:
    """Read the claimed messages in two steps: a narrow row for each (to count and order them), then the
    wording of only those the e-mail lists — a person with 3,000 overdue tasks costs 3,000 narrow rows,
    not 3,000 rendered lines."""
    t, d = Task.__table__, Delivery.__table__
    cap = current_app.config.get("EMAIL_MAX_TASKS_PER_SECTION", EMAIL_MAX_TASKS_PER_SECTION)
    ids = [i for group_ids in claimed.values() for i in group_ids]
    narrow = []
    for among in _among(d.c.id, ids):
        narrow += db.session.execute(
            select(d.c.id, d.c.recipient_id, d.c.rule, d.c.attempts, d.c.task_id, t.c.plan_id, t.c.effective_due, t.c.ordinal)
            .select_from(d.outerjoin(t, t.c.id == d.c.task_id))
            .where(among)
        ).all()
    plan_ids = {r.plan_id for r in narrow if r.plan_id}
    plans = {pl.id: pl.display_name for pl in db.session.scalars(select(Plan).where(Plan.id.in_(plan_ids)))} if plan_ids else {}
    batches: dict[int, Batch] = {rid: Batch() for rid in claimed}
    for r in narrow:
        batch = batches[r.recipient_id]
        batch.ids.append(r.id)
        batch.attempts.append(r.attempts)
        if r.rule in SUMMARY_RULES or r.plan_id is not None:  # (a message about a deleted task says nothing)
            batch.refs.append(Ref(r.id, r.rule, plans.get(r.plan_id, ""), r.effective_due, r.ordinal or ""))
    listed: set[int] = set()
    for batch in batches.values():
        shown, batch.totals = pick(batch.refs, cap)
        listed |= shown
    owner = {r.id: r.recipient_id for r in narrow}
    for item_id, item in _items(sorted(listed), plans, summaries).items():
        batches[owner[item_id]].items.append(item)
    return batches


def _items(ids: list[int], plans: dict[int, str], summaries: dict) -> dict[int, Item]:
    """The wording of the listed messages: title, unit, deadline, why, and the task's link."""
    t, u, d = Task.__table__, Unit.__table__, Delivery.__table__
    rows = []
    for among in _among(d.c.id, ids):
        rows += db.session.execute(
            select(
                d.c.id,
                d.c.rule,
                d.c.due_date,
                d.c.created_at,
                d.c.note,
                d.c.task_id,
                t.c.title,
                t.c.ordinal,
                t.c.effective_due,
                t.c.deadline_text,
                t.c.plan_id,
                u.c.name,
            )
            .select_from(d.outerjoin(t, t.c.id == d.c.task_id).outerjoin(u, u.c.id == t.c.lead_unit_id))
            .where(among)
        ).all()
    tz = clock.timezone_info()
    sent_days = [r.created_at.astimezone(tz).date() for r in rows]
    dues = [r.due_date for r in rows if r.due_date and r.rule in ("overdue", "escalate")]
    between = load_calendar().counter(min(dues), max(sent_days)) if dues else None
    base = _base_url()
    out: dict[int, Item] = {}
    for r, sent_on in zip(rows, sent_days, strict=True):
        if r.rule in SUMMARY_RULES:
            out[r.id] = _summary_item(r.rule, r.due_date or sent_on, sent_on, summaries)
            continue
        due = fmt_date(r.effective_due)
        late = between(r.due_date, sent_on) if between and r.rule in ("overdue", "escalate") else 0
        head = headline(r.rule, due, late)
        out[r.id] = Item(
            rule=r.rule,
            head=head,
            subject=f"{subject_prefix(r.rule)} {head}: {r.title[:120]}",
            url=f"{base}/tasks/{r.task_id}",
            title=r.title,
            ordinal=r.ordinal or "",
            plan_id=r.plan_id,
            plan_name=plans.get(r.plan_id, ""),
            unit_name=r.name or "",
            due=r.effective_due,
            due_text=due + (f" ({r.deadline_text})" if r.deadline_text and r.deadline_text != due else ""),
            note=r.note or "",
        )
    return out


def _summary_item(rule: str, as_of: date, sent_on: date, cache: dict) -> Item:
    """The weekly digest or the monthly list as one item, its figures computed once per send pass."""
    key = (rule, as_of, sent_on)
    if key not in cache:
        title = _summary_title(rule, sent_on)
        url = _summary_url(as_of)
        context = _digest_context(as_of, rule)
        cache[key] = Item(
            rule=rule,
            head=title,
            subject=title,
            url=url,
            text=render_template(f"notifications/{rule}.txt", title=title, url=url, **context),
            html=render_template(f"notifications/{rule}.html", title=title, url=url, **context),
        )
    return cache[key]


def _compose(user: User, items: list[Item], totals: Counter | None = None) -> Message:
    base = _base_url()
    sections = group(items, current_app.config.get("EMAIL_MAX_TASKS_PER_SECTION", EMAIL_MAX_TASKS_PER_SECTION), totals)
    unit = f"&unit={user.unit_id}" if user.unit_id and user.role in (Role.UNIT_HEAD, Role.STAFF) else ""
    lists = {
        "overdue": f"{base}/tasks?box=open_overdue&leaves=1{unit}",
        "escalate": f"{base}/tasks?box=open_overdue&leaves=1",
        "due": f"{base}/tasks?box=open_in_time&leaves=1&sort=due{unit}",
        "soon": f"{base}/tasks?box=open_in_time&leaves=1&sort=due{unit}",
    }
    for section in sections:
        section.list_url = lists.get(section.key, f"{base}/notifications")
    total = sum(totals.values()) if totals else len(items)
    context = {"recipient": user, "sections": sections, "centre_url": f"{base}/notifications", "total": total}
    return Message(
        batch_subject(items, totals),
        render_template("notifications/batch.txt", **context),
        render_template("notifications/batch.html", **context),
        f"{base}/notifications",
        {},
    )


def _send_emails(claimed: dict[int, list[int]], now: datetime, report: SendReport, summaries: dict) -> None:
    batches = _load_batches(claimed, summaries)
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(list(claimed))))}
    smtp = None
    smtp_error: Exception | None = None
    try:
        for recipient_id, batch in batches.items():
            user = users.get(recipient_id)
            if user is None or not user.email or not batch.items:
                # No address any more, or only messages about deleted tasks: nothing to e-mail.
                _mark(batch.ids, status=DeliveryStatus.NONE, last_error="")
                db.session.commit()
                continue
            message = _compose(user, batch.items, batch.totals)
            try:
                if smtp is None and smtp_error is None:
                    try:
                        smtp = _smtp_connect()
                    except (OSError, smtplib.SMTPException) as exc:
                        smtp_error = exc
                if smtp_error is not None:
                    raise smtp_error
                _send_email(smtp, user, message)
            except (OSError, smtplib.SMTPException) as exc:
                _failed(batch.ids, batch.attempts, now, exc)
                report.failed.append(f"thư → {user.email} ({len(batch.ids)} thông báo): {exc}")
                if smtp is not None and not isinstance(exc, smtplib.SMTPRecipientsRefused):
                    with contextlib.suppress(OSError, smtplib.SMTPException):
                        smtp.close()
                    smtp = None
                continue
            _mark(batch.ids, status=DeliveryStatus.SENT, sent_at=now, last_error="", attempts=Delivery.attempts + 1)
            db.session.commit()
            report.emails += 1
            report.messages += len(batch.ids)
            report.sent.append(f"thư → {user.email}: {message.subject}")
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
        db.session.commit()


def _mark(ids: list[int], **values) -> None:
    for among in _among(Delivery.id, ids):
        db.session.execute(update(Delivery).where(among).values(**values))


def _failed(ids: list[int], attempts: list[int], now: datetime, exc: Exception) -> None:
    """Every message of a failed e-mail counts the attempt; they share the backoff of their attempt
    number, so they are retried together (in one e-mail) and end "failed" after MAX_ATTEMPTS."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    by_attempts: dict[int, list[int]] = {}
    for delivery_id, n in zip(ids, attempts, strict=False):
        by_attempts.setdefault(n + 1, []).append(delivery_id)
    for n, group_ids in by_attempts.items():
        if n >= MAX_ATTEMPTS:
            _mark(group_ids, status=DeliveryStatus.FAILED, attempts=n, last_error=error)
        else:
            _mark(
                group_ids,
                status=DeliveryStatus.PENDING,
                attempts=n,
                last_error=error,
                next_attempt_at=now + backoff(n),
                claimed_at=None,
            )
    db.session.commit()


def _send_hooks(ids: list[int], now: datetime, report: SendReport) -> None:
    from sqlalchemy.orm import selectinload

    deliveries = db.session.scalars(select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)).all()
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
    since_commit = 0
    for delivery in deliveries:
        task = tasks.get(delivery.task_id) if delivery.task_id else None
        if task is None and delivery.rule not in SUMMARY_RULES:
            delivery.status = DeliveryStatus.NONE
            continue
        message = describe(delivery, task, task.lead_unit if task else None, task.plan if task else None)
        try:
            _post_webhook(message.payload)
        except OSError as exc:
            _failed([delivery.id], [delivery.attempts], now, exc)
            report.failed.append(f"webhook: {exc}")
            continue
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.attempts += 1
        delivery.last_error = ""
        report.messages += 1
        report.sent.append(f"webhook → {current_app.config.get('WEBHOOK_URL')}: {message.subject}")
        since_commit += 1
        if since_commit >= COMMIT_EVERY:
            db.session.commit()
            since_commit = 0
    db.session.commit()


def _smtp_connect() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10)
    if cfg.get("SMTP_STARTTLS"):
        smtp.starttls()
    if cfg.get("SMTP_USER"):
        smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
    return smtp


# Headers folded at 78 columns lose the space between two encoded words on the way back (CPython's
# folding of long non-ASCII subjects, which every Vietnamese subject is): fold only at SMTP's 998.
MAIL_POLICY = email.policy.default.clone(max_line_length=998)


def _send_email(smtp: smtplib.SMTP, recipient: User, message: Message) -> None:
    msg = EmailMessage(policy=MAIL_POLICY)
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
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (the office's own URL, http(s) only: web.py)  # nosec B310
        if response.status >= 300:
            raise OSError(f"webhook trả về {response.status}")


_PROBLEM = and_(
    or_(Delivery.status == DeliveryStatus.FAILED, Delivery.last_error != ""),
    Delivery.status.in_([DeliveryStatus.FAILED, DeliveryStatus.PENDING]),
)


@dataclass(frozen=True)
class DeliveryProblem:
    """What the administrator sees under *Thư đi*: one line per person whose e-mail failed (however
    many messages it carried), one for the webhook."""

    delivery_id: int  # the one the "Gửi lại" button names; it retries the whole line
    channel: Channel
    recipient: User | None
    messages: int
    attempts: int
    failed: bool
    next_attempt_at: datetime
    last_error: str
    created_at: datetime


def delivery_problems(limit: int = 200) -> list[DeliveryProblem]:
    rows = db.session.execute(
        select(
            Delivery.recipient_id,
            Delivery.channel,
            func.count(),
            func.max(Delivery.attempts),
            func.max(case((Delivery.status == DeliveryStatus.FAILED, 1), else_=0)),
            func.min(Delivery.next_attempt_at),
            func.max(Delivery.last_error),
            func.min(Delivery.id),
            func.max(Delivery.created_at),
        )
        .where(_PROBLEM)
        .group_by(Delivery.recipient_id, Delivery.channel)
        .order_by(func.max(Delivery.created_at).desc())
        .limit(limit)
    ).all()
    ids = {r[0] for r in rows if r[0]}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [
        DeliveryProblem(first, Channel(channel), users.get(rid), n, attempts or 0, bool(failed), nxt, error or "", created)
        for rid, channel, n, attempts, failed, nxt, error, first, created in rows
    ]


def retry(delivery: Delivery, now: datetime) -> int:
    """Send again at the next tick, with a fresh count of attempts: every failed (or backing-off)
    message of the same person — they failed in the same e-mail and go again in one — or, for the
    webhook, every failed post."""
    same = (
        Delivery.recipient_id == delivery.recipient_id if delivery.recipient_id is not None else Delivery.recipient_id.is_(None)
    )
    stmt = update(Delivery).where(_PROBLEM, same, Delivery.channel == delivery.channel)
    return db.session.execute(
        stmt.values(status=DeliveryStatus.PENDING, next_attempt_at=now, attempts=0, claimed_at=None)
    ).rowcount


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
    if sent.emails:
        lines.append(f"{sent.emails} thư điện tử, {sent.messages} thông báo")
    lines += [f"đã gửi {line}" for line in sent.sent]
    lines += [f"LỖI {line}" for line in sent.failed]
    if not lines:
        lines.append("không có gì để gửi")
    return lines
