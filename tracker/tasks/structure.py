"""The shape of a plan's task tree: positions, moves, and deleting (or, with history, cancelling) a task."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.rules.journal import JournalAction
from tracker.rules.status import Confirmation, TaskStatus
from tracker.tasks.journal import apply_changes, journal
from tracker.tasks.models import Attachment, ExtensionRequest, Task, TaskEvent

log = logging.getLogger(__name__)

# Set explicitly (not left to column defaults) so a new task classifies correctly before it is flushed.
NEW_TASK_STATE = {"status": TaskStatus.NOT_STARTED, "progress": 0, "confirmation": Confirmation.NONE, "result": ""}


def next_position(plan_id: int, parent_id: int | None) -> int:
    same_parent = Task.parent_id.is_(None) if parent_id is None else Task.parent_id == parent_id
    current = db.session.scalar(select(func.max(Task.position)).where(Task.plan_id == plan_id, same_parent))
    return (current or 0) + 1


def move_task(task: Task, new_parent: Task | None, position: int | None, actor: User) -> None:
    if new_parent is not None:
        if new_parent.plan_id != task.plan_id:
            raise ValidationFailed({"parent_id": "Chỉ chuyển được trong cùng một kế hoạch."})
        node: Task | None = new_parent
        while node is not None:
            if node.id == task.id:
                raise ValidationFailed({"parent_id": "Không thể chuyển một nhiệm vụ vào chính nó hoặc phần việc của nó."})
            node = node.parent
    old_parent = task.parent
    siblings = [t for t in _children(task.plan_id, new_parent.id if new_parent else None) if t.id != task.id]
    index = len(siblings) if position is None else max(0, min(position - 1, len(siblings)))
    siblings.insert(index, task)
    if (old_parent.id if old_parent else None) != (new_parent.id if new_parent else None):
        journal(
            task,
            actor,
            JournalAction.MOVED,
            "parent",
            old_parent.ordinal + " " + old_parent.title if old_parent else "(cấp cao nhất)",
            new_parent.ordinal + " " + new_parent.title if new_parent else "(cấp cao nhất)",
        )
        task.parent = new_parent
    for i, sibling in enumerate(siblings, start=1):
        sibling.position = i
    db.session.flush()


def move_task_to(task: Task, parent_id: int | None, position: int | None, actor: User, field: str = "parent_id") -> None:
    """``move_task`` with the new parent given by its number (the move form; a plan of thousands of tasks
    has it typed, not chosen): an unknown number is refused, and every refusal about the parent is
    reported on ``field``, the form's field that carried it."""
    parent = db.session.get(Task, parent_id) if parent_id else None
    try:
        if parent_id and parent is None:
            raise ValidationFailed({"parent_id": f"Không có nhiệm vụ số {parent_id}."})
        move_task(task, parent, position, actor)
    except ValidationFailed as exc:
        raise ValidationFailed({field if key == "parent_id" else key: text for key, text in exc.errors.items()}) from exc


def _children(plan_id: int, parent_id: int | None) -> list[Task]:
    cond = Task.parent_id.is_(None) if parent_id is None else Task.parent_id == parent_id
    return list(db.session.scalars(select(Task).where(Task.plan_id == plan_id, cond).order_by(Task.position, Task.id)))


def has_history(task: Task) -> bool:
    """Anything beyond its creation: a journal entry, evidence, an extension, or sub-tasks."""
    events = db.session.scalar(
        select(func.count())
        .select_from(TaskEvent)
        .where(TaskEvent.task_id == task.id, TaskEvent.action != JournalAction.CREATED.value)
    )
    files = db.session.scalar(select(func.count()).select_from(Attachment).where(Attachment.task_id == task.id))
    exts = db.session.scalar(select(func.count()).select_from(ExtensionRequest).where(ExtensionRequest.task_id == task.id))
    kids = db.session.scalar(select(func.count()).select_from(Task).where(Task.parent_id == task.id))
    return bool(events or files or exts or kids)


def delete_task(task: Task, actor: User | None) -> str:
    """Delete a task that has no history; cancel one that has (its history stays readable)."""
    if has_history(task):
        apply_changes(task, actor, JournalAction.CANCELLED, {"status": TaskStatus.CANCELLED})
        db.session.flush()
        return "cancelled"
    from tracker.notifications.models import Delivery

    db.session.execute(TaskEvent.__table__.delete().where(TaskEvent.task_id == task.id))
    db.session.execute(Delivery.__table__.delete().where(Delivery.task_id == task.id))
    task.cooperating_units = []
    db.session.delete(task)
    db.session.flush()
    return "deleted"
