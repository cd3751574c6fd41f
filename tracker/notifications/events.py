"""Notifications for workflow events: queued into the outbox in the same transaction as the operation.

Each operation of ``tracker.tasks.operations`` that someone else must act on ends with one call,
``task_event(EventKind.…, task, actor)``. The event is identified by the journal entry the operation
wrote in this transaction (found through the session, see ``_remember_journal``), so the outbox key
``ev:<kind>:<journal id>:<recipient>`` makes every event reach each recipient once: an operation that
changed nothing wrote no entry and queues nothing, and a repeated call for the same entry is a no-op.
Nothing is sent here: the next scheduler tick delivers the rows (in the app at once, by e-mail grouped
with that person's other messages of the tick, and to the webhook).

Only writes by a person notify: the demo loader and other system writes (``actor`` None) do not.

Recipients (never the actor):
* extension requested → every lãnh đạo and văn phòng;
* extension decided → the lead unit's head, the assignee, and whoever asked;
* completion awaiting confirmation → văn phòng;
* completion returned → the lead unit's head and the assignee, with the reason;
* task assigned → the assignee;
* a task's deadline changed → the lead unit's head.

E-mail: workflow events are not reminders, so they are e-mailed whatever the user's reminder switch
("Nhận thư điện tử nhắc việc" silences only the repeated reminders); like escalations, they are what the
person must act on. They always appear in the in-app centre.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import ColumnElement, and_, event, or_, select
from sqlalchemy.orm import Session

from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.notifications.grouping import EVENT_LABELS
from tracker.rules.labels import LabelledEnum
from tracker.rules.status import Confirmation, TaskStatus
from tracker.tasks.models import ExtensionRequest, ExtensionState, Task, TaskEvent

_JOURNAL = "tracker.journal_written"


class EventKind(LabelledEnum):
    # The labels are the e-mail headings, kept with the (pure) grouping of a person's e-mail.
    EXTENSION_REQUESTED = "ev_ext_requested", EVENT_LABELS["ev_ext_requested"]
    EXTENSION_DECIDED = "ev_ext_decided", EVENT_LABELS["ev_ext_decided"]
    COMPLETION_PENDING = "ev_completion_pending", EVENT_LABELS["ev_completion_pending"]
    COMPLETION_RETURNED = "ev_completion_returned", EVENT_LABELS["ev_completion_returned"]
    ASSIGNED = "ev_assigned", EVENT_LABELS["ev_assigned"]
    DEADLINE_CHANGED = "ev_deadline_changed", EVENT_LABELS["ev_deadline_changed"]


@event.listens_for(Session, "after_flush")
def _remember_journal(session: Session, _context) -> None:
    """Keep the journal entries this transaction wrote (with their ids), so an event can name its own."""
    new = [obj for obj in session.new if isinstance(obj, TaskEvent)]
    if new:
        session.info.setdefault(_JOURNAL, []).extend(new)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_journal(session: Session, *_args) -> None:
    session.info.pop(_JOURNAL, None)


def _written(task: Task) -> list[TaskEvent]:
    db.session.flush()
    return [e for e in db.session.info.get(_JOURNAL, []) if e.task_id == task.id]


def _matches(kind: EventKind, entry: TaskEvent, task: Task) -> bool:
    if kind is EventKind.EXTENSION_REQUESTED:
        return entry.action == "extension_requested"
    if kind is EventKind.EXTENSION_DECIDED:
        return entry.action in ("extension_approved", "extension_rejected")
    if kind is EventKind.COMPLETION_PENDING:
        return entry.field == "confirmation" and entry.action != "returned" and task.confirmation is Confirmation.PENDING
    if kind is EventKind.COMPLETION_RETURNED:
        return entry.action == "returned"
    if kind is EventKind.ASSIGNED:
        return task.assignee_id is not None and (entry.field == "assignee" or entry.action == "created")
    if kind is EventKind.DEADLINE_CHANGED:
        return entry.field == "due_date" and entry.action != "created"
    return False


def _heads(unit_id: int | None) -> ColumnElement[bool]:
    return and_(User.unit_id == unit_id, User.role == Role.UNIT_HEAD)


def _recipients_and_note(kind: EventKind, task: Task, entry: TaskEvent) -> tuple[ColumnElement[bool], str]:
    if kind is EventKind.EXTENSION_REQUESTED:
        req = db.session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.task_id == task.id, ExtensionRequest.state == ExtensionState.PENDING)
            .order_by(ExtensionRequest.id.desc())
        ).first()
        note = f"Đề nghị gia hạn đến {fmt_date(req.proposed_due)}. Lý do: {req.reason}" if req else entry.note
        return User.role.in_([Role.LEADER, Role.OFFICE]), note
    if kind is EventKind.EXTENSION_DECIDED:
        req = db.session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.task_id == task.id, ExtensionRequest.state != ExtensionState.PENDING)
            .order_by(ExtensionRequest.decided_at.desc(), ExtensionRequest.id.desc())
        ).first()
        if req is not None and req.state is ExtensionState.APPROVED:
            note = f"Đã duyệt gia hạn đến {fmt_date(req.proposed_due)}."
            if req.decision_note:
                note += f" Ghi chú: {req.decision_note}"
        else:
            note = f"Không duyệt đề nghị gia hạn. Lý do: {req.decision_note if req else entry.note}"
        requester = req.requested_by_id if req else None
        return or_(_heads(task.lead_unit_id), User.id == (task.assignee_id or -1), User.id == (requester or -1)), note
    if kind is EventKind.COMPLETION_PENDING:
        return User.role == Role.OFFICE, f"Báo hoàn thành ngày {fmt_date(task.completed_on)}, chờ Văn phòng xác nhận."
    if kind is EventKind.COMPLETION_RETURNED:
        return or_(_heads(task.lead_unit_id), User.id == (task.assignee_id or -1)), f"Lý do trả lại: {entry.note}"
    if kind is EventKind.ASSIGNED:
        return User.id == task.assignee_id, f"Thời hạn: {fmt_date(task.effective_due) or task.deadline_text}"
    # DEADLINE_CHANGED
    return _heads(
        task.lead_unit_id
    ), f"Thời hạn thay đổi từ {entry.old_value or '(chưa có)'} thành {entry.new_value or '(chưa có)'}."


def task_event(kind: EventKind | tuple[EventKind, ...], task: Task, actor: User | None) -> int:
    """Queue the notifications of ``kind`` for what this transaction journaled on ``task``; the count."""
    from tracker.notifications.models import Channel, DeliveryStatus
    from tracker.notifications.operations import insert_deliveries

    kinds = kind if isinstance(kind, tuple) else (kind,)
    written = _written(task)
    if actor is None or not written or task.status is TaskStatus.CANCELLED:
        return 0  # system writes (demo data, loads) notify no one; nor does anything on a cancelled task
    now = clock.now()
    rows = []
    for k in kinds:
        entry = next((e for e in written if _matches(k, e, task)), None)
        if entry is None:
            continue
        who, note = _recipients_and_note(k, task, entry)
        users = db.session.scalars(select(User).where(User.active, who, User.id != actor.id)).all()
        base = {
            "rule": k.value,
            "seq": 0,
            "task_id": task.id,
            "due_date": task.effective_due,
            "sender_id": actor.id,
            "note": note,
            "next_attempt_at": now,
            "created_at": now,
        }
        for user in users:
            rows.append(
                {
                    **base,
                    "key": f"ev:{k.value}:{entry.id}:{user.id}",
                    "recipient_id": user.id,
                    "channel": Channel.INAPP,
                    # Not reminders: e-mailed whatever the reminder switch says (see the module's docstring).
                    "status": DeliveryStatus.PENDING if user.email else DeliveryStatus.NONE,
                }
            )
        if current_app.config.get("WEBHOOK_URL"):
            rows.append(
                {
                    **base,
                    "key": f"ev:{k.value}:{entry.id}:webhook",
                    "recipient_id": None,
                    "channel": Channel.WEBHOOK,
                    "status": DeliveryStatus.PENDING,
                }
            )
    return insert_deliveries(rows)
