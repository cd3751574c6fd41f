"""Reads for "Việc của tôi" and the calendar feed, built on tracker.tasks.queries' public functions
(``TaskFilter``, ``task_list``, ``BOX_GROUPS``) so the boxes are the lists' own.

What waits for a person depends on what their role acts on: a unit head gives the unit's open tasks to
someone (``unassigned``) and redoes completions văn phòng returned; văn phòng confirms reported
completions; lãnh đạo decides extension requests. Staff act on what is assigned to them, which is the
first section for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from tracker.accounts.models import Role, User, hash_token
from tracker.extensions import db
from tracker.me.models import CalendarFeed
from tracker.rules.status import Confirmation
from tracker.tasks.conditions import AWAITING
from tracker.tasks.models import ExtensionRequest, ExtensionState, Task
from tracker.tasks.queries import BOX_GROUPS, TaskFilter, task_list
from tracker.tasks.rows import TaskRow

SECTION_LIMIT = 200
# The feed holds deadlines from this many days back (so a late task still shows) onwards.
FEED_PAST_DAYS = 92
FEED_LIMIT = 2000


@dataclass
class Section:
    key: str
    title: str
    empty: str
    rows: list[tuple[TaskRow, str | None]]
    total: int


def _open(**kw) -> TaskFilter:
    return TaskFilter(boxes=BOX_GROUPS["open"], leaves_only=True, **kw)


def waiting_filters(user: User) -> list[tuple[str, str, str, TaskFilter]]:
    """The sections of what waits for ``user`` (key, title, sentence when empty, filter), by role."""
    sections = [("assigned", "Nhiệm vụ giao cho tôi (chưa hoàn thành)", "Không có nhiệm vụ nào đang giao cho bạn.",
                 _open(assignee_id=user.id))]  # fmt: skip
    returned = TaskFilter(leaves_only=True, extra=[Task.confirmation == Confirmation.RETURNED])
    if user.role is Role.UNIT_HEAD and user.unit_id:
        sections.append(("unassigned", "Việc của đơn vị chưa giao cho ai", "Mọi việc đang mở của đơn vị đã có người thực hiện.",
                         _open(unit_id=user.unit_id, extra=[Task.assignee_id.is_(None)])))  # fmt: skip
        returned.unit_id = user.unit_id
        sections.append(("returned", "Hoàn thành bị trả lại, cần bổ sung", "Không có việc nào bị trả lại.", returned))
    elif user.role is Role.STAFF:
        returned.assignee_id = user.id
        sections.append(("returned", "Hoàn thành bị trả lại, cần bổ sung", "Không có việc nào bị trả lại.", returned))
    if user.role is Role.OFFICE:
        pending = TaskFilter(leaves_only=True, extra=[AWAITING])
        sections.append(("confirm", "Chờ Văn phòng xác nhận hoàn thành", "Không có hoàn thành nào chờ xác nhận.", pending))
    if user.role in (Role.LEADER, Role.OFFICE):
        asked = select(ExtensionRequest.task_id).where(ExtensionRequest.state == ExtensionState.PENDING)
        sections.append(("extension", "Đề nghị gia hạn chờ quyết định", "Không có đề nghị gia hạn nào đang chờ.",
                         TaskFilter(extra=[Task.id.in_(asked)])))  # fmt: skip
    return sections


def my_sections(user: User, as_of: date) -> list[Section]:
    out = []
    for key, title, empty, flt in waiting_filters(user):
        rows, total = task_list(flt, as_of, sort="due", per_page=SECTION_LIMIT)
        out.append(Section(key, title, empty, rows, total))
    return out


def feed_filter(user: User, as_of: date) -> TaskFilter:
    """The feed's tasks: assigned to ``user`` or led by their unit, dated, deadline from three months
    back onwards (done ones too: the calendar shows what was due)."""
    from sqlalchemy import or_

    mine = [Task.assignee_id == user.id]
    if user.unit_id:
        mine.append(Task.lead_unit_id == user.unit_id)
    return TaskFilter(
        leaves_only=True,
        extra=[or_(*mine), Task.effective_due.is_not(None), Task.effective_due >= as_of - timedelta(days=FEED_PAST_DAYS)],
    )


def feed_tasks(user: User, as_of: date) -> list[tuple[TaskRow, str | None]]:
    rows, _ = task_list(feed_filter(user, as_of), as_of, sort="due", per_page=FEED_LIMIT)
    return rows


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def user_of_feed(token: str) -> User | None:
    """The active account whose feed address holds ``token``, or None."""
    if not token or len(token) > 200:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token)))
    if feed is None or not feed.user.active:
        return None
    return feed.user
