"""No lost edits (issue 16.9): a write based on an older version of a task is refused, saying what
changed since, from the journal lines written on the versions in between (``task_event.task_version``).

Two guards: the operation compares the version the form or API write was based on with the stored one
(``check_version``); and the flush itself (``version_id_col``: ``UPDATE … WHERE version = <read>``)
catches the write that raced past the check on another connection (``versioned``). Both raise
``StaleVersion``: the pages show the current values with the message, the API answers 412.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.models import User
from tracker.errors import StaleVersion
from tracker.extensions import db
from tracker.formatting import fmt_datetime
from tracker.rules.versions import Change, is_stale, stale_message
from tracker.tasks.journal import FIELD_LABELS
from tracker.tasks.models import Task, TaskEvent

log = logging.getLogger(__name__)

NOUN = "nhiệm vụ"


def changes_since(task_id: int, based_on: int) -> list[Change]:
    """The journal's field changes made on version ``based_on`` or later, oldest first."""
    rows = db.session.execute(
        select(TaskEvent, User.full_name)
        .outerjoin(User, User.id == TaskEvent.user_id)
        .where(TaskEvent.task_id == task_id, TaskEvent.task_version >= based_on, TaskEvent.field != "")
        .order_by(TaskEvent.id)
        .limit(200)
    ).all()
    return [
        Change(fmt_datetime(e.at), name or "", FIELD_LABELS.get(e.field, e.field), e.old_value, e.new_value) for e, name in rows
    ]


def stale_error(task_id: int, based_on: int, current: int) -> StaleVersion:
    log.info("task %s: write based on version %s refused, version %s stored", task_id, based_on, current)
    return StaleVersion(stale_message(NOUN, changes_since(task_id, based_on)), current)


def check_version(task: Task, based_on: int | None) -> None:
    """Refuse (``StaleVersion``) a write based on another version than the stored one; ``None``: unchecked."""
    if is_stale(based_on, task.version):
        raise stale_error(task.id, based_on, task.version)  # type: ignore[arg-type]


@contextmanager
def versioned(task: Task, based_on: int | None) -> Iterator[None]:
    """Check the version, then run the block; if another connection updated the row since it was read
    (a flush inside the block, autoflush included, matched no row), roll back and refuse."""
    check_version(task, based_on)
    read_at, task_id = task.version, task.id
    try:
        yield
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        current = db.session.scalar(select(Task.version).where(Task.id == task_id)) or 0
        raise stale_error(task_id, based_on if based_on is not None else read_at, current) from None
