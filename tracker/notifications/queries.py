"""Reads of the notifications feature: the reminder rules in force, what the reminder sweep speaks
about, the in-app centre (its page, the unread badge), đôn đốc eligibility, and the administrator's
*Thư đi* page. Each page's reads are a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.notifications.messages import Message, describe
from tracker.notifications.models import Channel, Delivery, DeliveryStatus
from tracker.notifications.rules import DEFAULT_RULES, ReminderRules, Rule, nudge_refusal
from tracker.plans.models import Plan
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Box, TaskStatus
from tracker.settings.queries import load_calendar
from tracker.settings.state import get_state
from tracker.tasks.conditions import box_condition, leaf
from tracker.tasks.models import Task

RULES_KEY = "settings.reminder_rules"
INBOX_PAGE_SIZE = 50


def office_rules() -> ReminderRules:
    row = get_state(RULES_KEY)
    return ReminderRules.from_json(row.value if row else None) or DEFAULT_RULES


def plan_rules(plan: Plan) -> ReminderRules:
    return ReminderRules.from_json(plan.reminder_rules) or office_rules()


def reminded_tasks(today: date):
    """The tasks the reminder sweep speaks about: dated, neither cancelled nor paused, and in neither
    completed box at ``today`` (the boxes' own SQL, ``tasks.queries.box_condition``, which is exact for
    completions: one dated after ``today``, as in a replayed past moment, leaves the task open), leaves
    only. ``rules.reminded`` in Python; a test checks the two agree on every combination."""
    return and_(
        Task.deadline_kind == DeadlineKind.FIXED,
        Task.effective_due.is_not(None),
        Task.status.not_in([TaskStatus.CANCELLED, TaskStatus.PAUSED]),
        ~box_condition(Box.DONE_ON_TIME, today),
        ~box_condition(Box.DONE_LATE, today),
        leaf(),
    )


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


@dataclass
class InboxPage:
    items: list[tuple[Delivery, Message]]
    total: int
    page: int
    per_page: int = INBOX_PAGE_SIZE


def inbox(user: User, page: int) -> InboxPage:
    """One page of the user's notifications, newest first, each with its title and link: four queries
    (count, rows with their senders, tasks with units and plans) and the calendar once."""
    page = max(page, 1)
    base = select(Delivery).where(Delivery.recipient_id == user.id, Delivery.channel == Channel.INAPP)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(
        base.order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(INBOX_PAGE_SIZE)
        .offset((page - 1) * INBOX_PAGE_SIZE)
        .options(selectinload(Delivery.sender))
    ).all()
    task_ids = {d.task_id for d in rows if d.task_id}
    tasks = {
        t.id: t
        for t in db.session.scalars(
            select(Task).where(Task.id.in_(task_ids)).options(selectinload(Task.lead_unit), selectinload(Task.plan))
        )
    }
    calendar = load_calendar()
    items = []
    for d in rows:
        task = tasks.get(d.task_id) if d.task_id else None
        if task is None and d.rule not in (Rule.DIGEST, Rule.MONTHLY):
            continue  # a message about a task deleted since says nothing
        items.append((d, describe(d, task, task.lead_unit if task else None, task.plan if task else None, calendar)))
    return InboxPage(items, total, page)


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
    decides it: the board and the task page show it, ``operations.nudge`` enforces it."""
    tasks = list(tasks)
    unit_ids = {t.lead_unit_id for t in tasks if t.lead_unit_id}
    assignee_ids = {t.assignee_id for t in tasks if t.assignee_id}
    # Always the same three queries (an empty IN is simply false), so pages stay at a fixed query count.
    heads = dict(
        db.session.execute(
            select(User.unit_id, func.count())
            .where(User.active, User.role == Role.UNIT_HEAD, User.unit_id.in_(unit_ids))
            .group_by(User.unit_id)
        )
        .tuples()
        .all()
    )
    active_assignees = set(db.session.scalars(select(User.id).where(User.active, User.id.in_(assignee_ids))))
    nudged = set(
        db.session.scalars(
            select(Delivery.task_id)
            .where(
                Delivery.rule == Rule.NUDGE.value,
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


# ------------------------------------------------------------------ Thư đi (administrator)


PROBLEM = and_(
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
        .where(PROBLEM)
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


def delivery_counts() -> dict[DeliveryStatus, int]:
    """How many messages are in each outgoing state (leaving out those never e-mailed)."""
    return dict(
        db.session.execute(
            select(Delivery.status, func.count()).where(Delivery.status != DeliveryStatus.NONE).group_by(Delivery.status)
        )
        .tuples()
        .all()
    )
