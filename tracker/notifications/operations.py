"""Every write of the notifications feature a person makes: reading notifications, the reminder rules
(office-wide and per plan) and the e-mail switch of one's profile (both recorded in the audit trail),
đôn đốc, re-sending failed e-mails; and the outbox insert the events, đôn đốc and the tick share.

They run in the caller's transaction (the view commits once); validation comes first and raises
``ValidationFailed`` before anything is written."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker import clock
from tracker.accounts.models import Role, User
from tracker.audit.operations import changes, record
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.notifications.models import Channel, Delivery, DeliveryStatus
from tracker.notifications.queries import PROBLEM, RULES_KEY, nudge_options, office_rules
from tracker.notifications.rules import ReminderRules, Rule, nudge_refusal
from tracker.plans.models import Plan
from tracker.settings.state import set_state
from tracker.tasks.models import Task

log = logging.getLogger(__name__)


def upsert(table):
    """The dialect's INSERT (with ON CONFLICT) for ``table``."""
    return (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(table)


def inserted(stmt) -> int:
    """Run an INSERT … ON CONFLICT DO NOTHING and count the rows it really inserted (psycopg reports no
    rowcount for INSERT … SELECT built by SQLAlchemy, so the new ids are returned and counted)."""
    return len(db.session.execute(stmt.returning(Delivery.__table__.c.id)).all())


def insert_deliveries(rows: list[dict]) -> int:
    """Add outbox rows; a row whose key is already there is left alone. The number really added."""
    if not rows:
        return 0
    return inserted(upsert(Delivery.__table__).values(rows).on_conflict_do_nothing(index_elements=["key"]))


def person_message(user: User, now: datetime, escalation: bool = False) -> dict:
    """The columns of a message to ``user``: e-mailed too unless they have no address or opted out."""
    wants_email = bool(user.email) and (user.email_reminders or escalation)
    return {
        "recipient_id": user.id,
        "channel": Channel.INAPP,
        "next_attempt_at": now,
        "created_at": now,
        "status": DeliveryStatus.PENDING if wants_email else DeliveryStatus.NONE,
    }


def _rules_details(before: ReminderRules | None, after: ReminderRules | None) -> dict:
    def plain(rules: ReminderRules | None) -> dict:
        if rules is None:
            return {"rules": "office"}
        return {
            "before_days": list(rules.before_days),
            "on_due": rules.on_due,
            "overdue_every": rules.overdue_every,
            "escalate_after": rules.escalate_after,
        }

    return changes(plain(before), plain(after))


def save_office_rules(rules: ReminderRules, actor: User) -> None:
    """The office-wide reminder rules (every plan without its own)."""
    errors = rules.validate()
    if errors:
        raise ValidationFailed(errors)
    before = office_rules()
    set_state(RULES_KEY, rules.to_json(), actor)
    record(actor, "reminder_rules.office", "settings", None, "Sửa quy tắc nhắc việc chung", _rules_details(before, rules))


def save_plan_rules(plan: Plan, rules: ReminderRules | None, actor: User) -> None:
    """A plan's own reminder rules, or None: the plan follows the office-wide rules again."""
    if rules is not None and (errors := rules.validate()):
        raise ValidationFailed(errors)
    before = ReminderRules.from_json(plan.reminder_rules)
    plan.reminder_rules = rules.to_json() if rules is not None else None
    summary = f"Sửa quy tắc nhắc việc của {plan.display_name}" if rules else f"{plan.display_name} dùng quy tắc nhắc việc chung"
    record(actor, "reminder_rules.plan", "plan", plan.id, summary, _rules_details(before, rules))


def set_email_reminders(user: User, enabled: bool, actor: User) -> None:
    """The profile switch "Nhận thư điện tử nhắc việc" (escalations and workflow events are e-mailed
    whatever it says)."""
    if user.email_reminders == enabled:
        return
    before = user.email_reminders
    user.email_reminders = enabled
    summary = f"{'Bật' if enabled else 'Tắt'} thư nhắc việc của {user.username}"
    record(
        actor,
        "profile.email_reminders",
        "user",
        user.id,
        summary,
        changes({"email_reminders": before}, {"email_reminders": enabled}),
    )


def mark_read(user: User, delivery_ids: list[int] | None, now: datetime) -> int:
    """Mark the user's own notifications read (all of them when ``delivery_ids`` is None)."""
    stmt = update(Delivery).where(Delivery.recipient_id == user.id, Delivery.channel == Channel.INAPP, Delivery.read_at.is_(None))
    if delivery_ids is not None:
        stmt = stmt.where(Delivery.id.in_(delivery_ids))
    count = cast("CursorResult[Any]", db.session.execute(stmt.values(read_at=now))).rowcount  # an UPDATE's result
    log.debug("user %s marked %s notifications read", user.username, count)
    return count


def nudge(task: Task, actor: User, note: str, now: datetime) -> int:
    """Đôn đốc: a manual reminder to the lead unit's head and the assignee, at most once a day per task.

    Refused (``ValidationFailed``, nothing written) when ``nudge_options`` says no; journaled only when a
    message was queued. The key (task, local day, recipient) also stops two clicks racing each other."""
    from tracker.tasks.journal import journal

    option = nudge_options([task], now)[task.id]
    if option.reason is not None:  # i.e. not option.allowed
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
                **person_message(user, now),
                "key": f"nudge:{task.id}:{day}:{user.id}",
                "rule": Rule.NUDGE.value,
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
        refusal = nudge_refusal(True, len(recipients), True)
        assert refusal is not None  # sent_today=True always gives a reason
        raise ValidationFailed(refusal)
    journal(task, actor, "nudged", note=f"Đôn đốc: {note}" if note else "Đôn đốc")
    log.info("%s nudged task %s (%s recipients)", actor.username, task.id, count)
    return count


def retry(delivery: Delivery, now: datetime, actor: User | None = None) -> int:
    """Send again at the next tick, with a fresh count of attempts: every failed (or backing-off)
    message of the same person — they failed in the same e-mail and go again in one — or, for the
    webhook, every failed post."""
    same = (
        Delivery.recipient_id == delivery.recipient_id if delivery.recipient_id is not None else Delivery.recipient_id.is_(None)
    )
    stmt = update(Delivery).where(PROBLEM, same, Delivery.channel == delivery.channel)
    result = db.session.execute(stmt.values(status=DeliveryStatus.PENDING, next_attempt_at=now, attempts=0, claimed_at=None))
    count = cast("CursorResult[Any]", result).rowcount  # an UPDATE's result: execute() is typed as returning Result
    log.info("%s asked to re-send %s messages like delivery %s", actor.username if actor else "-", count, delivery.id)
    return count
