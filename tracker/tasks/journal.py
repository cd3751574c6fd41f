"""A task's journal (nhật ký): every change to a task is written here by the operation that makes it,
with who made it, the field, the old and new values as the page shows them, and a note."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.rules.journal import JournalAction, shown_values
from tracker.tasks.models import Task, TaskEvent

log = logging.getLogger(__name__)


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum) and hasattr(value, "label"):
        return value.label
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, Unit):
        return value.name
    if isinstance(value, User):
        return value.full_name
    if isinstance(value, list):
        return ", ".join(_display(v) for v in value)
    return str(value)


FIELD_LABELS = {
    "title": "Tên nhiệm vụ",
    "description": "Nội dung",
    "ordinal": "Số thứ tự",
    "lead_unit": "Đơn vị chủ trì",
    "cooperating_units": "Đơn vị phối hợp",
    "assignee": "Người thực hiện",
    "start_date": "Ngày bắt đầu",
    "deadline_text": "Thời hạn (theo văn bản)",
    "due_date": "Thời hạn",
    "extended_due": "Thời hạn gia hạn",
    "status": "Trạng thái",
    "progress": "Tiến độ (%)",
    "completed_on": "Ngày hoàn thành",
    "result": "Kết quả",
    "confirmation": "Xác nhận",
    "parent": "Nhiệm vụ cha",
    "attachment": "Tài liệu kiểm chứng",
}

# What each journal entry records, as the task page's journal shows it ("created" and "nudged" entries
# say it in their note, so they have no label here).
ACTION_LABELS = {a.value: a.label for a in JournalAction if a.label}


def journal(task: Task, actor: User | None, action: JournalAction | str, field: str = "", old="", new="", note: str = "") -> None:
    """One journal entry; ``action`` must be a ``JournalAction`` (its value is accepted for callers that
    still pass the string)."""
    action = JournalAction(action)
    db.session.add(
        TaskEvent(
            task_id=task.id,
            user_id=actor.id if actor else None,
            action=action.value,
            field=field,
            old_value=_display(old),
            new_value=_display(new),
            note=note,
            task_version=task.version,
        )
    )
    log.info("task %s: %s %s by user %s", task.id, action.value, field, actor.id if actor else None)


def apply_changes(task: Task, actor: User | None, action: JournalAction, changes: dict, note: str = "") -> bool:
    """Set each changed attribute and journal it; returns whether anything changed."""
    changed = False
    for field, new in changes.items():
        old = getattr(task, field)
        if old == new or (isinstance(old, list) and [o.id for o in old] == [n.id for n in new]):
            continue
        journal(task, actor, action, field, old, new, note)
        setattr(task, field, new)
        changed = True
    if changed:
        # A change to a collection alone (cooperating units) writes no row of ``task``: this does, so
        # the version moves with every journaled change (tasks.versions).
        task.updated_at = clock.now()
    return changed


@dataclass(frozen=True)
class JournalLine:
    """A journal entry as the task page shows it to one reader (``journal_lines``)."""

    at: datetime
    user: User | None
    action: str
    field: str
    old_value: str
    new_value: str
    note: str


def journal_lines(events: Iterable[TaskEvent], may_download: bool) -> list[JournalLine]:
    """The journal for a reader: file names only if they may download the files (issue 16.12)."""
    lines = []
    for e in events:
        old, new = shown_values(e.action, e.field, e.old_value, e.new_value, may_download)
        lines.append(JournalLine(e.at, e.user, e.action, e.field, old, new, e.note))
    return lines
