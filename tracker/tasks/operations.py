"""Every write to a task goes through here: validate first, then change, journal and flush.

The caller (a view, the API, the CLI) commits once; on ``ValidationFailed`` it rolls back, so nothing
is ever half-saved.
"""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

from flask import current_app
from sqlalchemy import bindparam, func, select
from werkzeug.datastructures import FileStorage

from tracker.accounts.models import Role, Unit, User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.notifications import events
from tracker.notifications.events import EventKind
from tracker.permissions import can_backdate_completion, can_confirm
from tracker.plans.models import Plan
from tracker.rules.completion import earliest_completion_date, within_backdating_limit
from tracker.rules.deadlines import DeadlineError, DeadlineKind, DeadlineRule, occurrences, parse_deadline
from tracker.rules.documents import auto_ordinal
from tracker.rules.status import Confirmation, TaskStatus, effective_due
from tracker.settings.services import backdate_working_days, load_calendar, shift_deadlines
from tracker.tasks.models import Attachment, ExtensionRequest, ExtensionState, Task, TaskEvent

ALLOWED_EVIDENCE = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".odt",
    ".ods",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".tif",
    ".tiff",
}


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
# say it in their note).
ACTION_LABELS = {
    "edited": "Sửa",
    "updated": "Cập nhật tình hình",
    "assigned": "Giao việc",
    "confirmed": "Xác nhận hoàn thành",
    "returned": "Trả lại",
    "extension_requested": "Đề nghị gia hạn",
    "extension_approved": "Duyệt gia hạn",
    "extension_rejected": "Không duyệt gia hạn",
    "moved": "Chuyển vị trí",
    "cancelled": "Hủy",
    "attachment_added": "Tải lên tài liệu kiểm chứng",
}


def journal(task: Task, actor: User | None, action: str, field: str = "", old="", new="", note: str = "") -> None:
    db.session.add(
        TaskEvent(
            task_id=task.id,
            user_id=actor.id if actor else None,
            action=action,
            field=field,
            old_value=_display(old),
            new_value=_display(new),
            note=note,
        )
    )


def _apply(task: Task, actor: User | None, action: str, changes: dict, note: str = "") -> bool:
    """Set each changed attribute and journal it; returns whether anything changed."""
    changed = False
    for field, new in changes.items():
        old = getattr(task, field)
        if old == new or (isinstance(old, list) and [o.id for o in old] == [n.id for n in new]):
            continue
        journal(task, actor, action, field, old, new, note)
        setattr(task, field, new)
        changed = True
    return changed


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class ResolvedDeadline:
    text: str
    kind: DeadlineKind
    due: date | None
    frequency: object = None
    day: int | None = None


def resolve_deadline(phrase: str, explicit_due: date | None, default_year: int | None) -> ResolvedDeadline:
    """An explicit date wins; otherwise the phrase is parsed. The phrase is always kept verbatim."""
    phrase = (phrase or "").strip()
    if explicit_due is not None:
        return ResolvedDeadline(phrase or fmt_date(explicit_due), DeadlineKind.FIXED, explicit_due)
    if not phrase:
        raise ValidationFailed(
            {"deadline_text": "Vui lòng nhập thời hạn (một ngày, hoặc cụm từ như “Quý III/2024”, “Thường xuyên”)."}
        )
    try:
        rule = parse_deadline(phrase, default_year)
    except DeadlineError as exc:
        raise ValidationFailed({"deadline_text": str(exc)}) from None
    return ResolvedDeadline(phrase, rule.kind, rule.due, rule.frequency, rule.day)


def refresh_effective_due(task: Task) -> None:
    if task.deadline_kind is DeadlineKind.FIXED:
        task.effective_due = effective_due(task.due_date, task.extended_due, load_calendar(), shift_deadlines())
    else:
        task.effective_due = None


def recompute_effective_dues() -> int:
    """After the calendar changes: re-derive every fixed deadline whose target may have moved.

    Runs in batches so a million tasks do not sit in memory at once.
    """
    calendar = load_calendar()
    shift = shift_deadlines()
    count = 0
    last_id = 0
    while True:
        rows = db.session.execute(
            select(Task.id, Task.due_date, Task.extended_due, Task.effective_due)
            .where(Task.deadline_kind == DeadlineKind.FIXED, Task.id > last_id)
            .order_by(Task.id)
            .limit(5000)
        ).all()
        if not rows:
            break
        updates = []
        for task_id, due, extended, current in rows:
            new = effective_due(due, extended, calendar, shift)
            if new != current:
                updates.append({"id": task_id, "effective_due": new})
        if updates:
            table = Task.__table__
            db.session.execute(
                table.update().where(table.c.id == bindparam("b_id")).values(effective_due=bindparam("b_due")),
                [{"b_id": u["id"], "b_due": u["effective_due"]} for u in updates],
            )
            count += len(updates)
        last_id = rows[-1][0]
    db.session.expire_all()
    return count


# ---------------------------------------------------------------- create / edit


@dataclass
class TaskInput:
    title: str
    lead_unit_id: int | None
    deadline_text: str = ""
    due_date: date | None = None
    description: str = ""
    cooperating_unit_ids: tuple[int, ...] = ()
    assignee_id: int | None = None
    start_date: date | None = None
    ordinal: str = ""


def _load_units(data: TaskInput) -> tuple[Unit, list[Unit], dict[str, str]]:
    errors: dict[str, str] = {}
    lead = db.session.get(Unit, data.lead_unit_id) if data.lead_unit_id else None
    if lead is None or not lead.active:
        errors["lead_unit_id"] = "Đơn vị chủ trì không tồn tại hoặc đã ngừng hoạt động."
    coop: list[Unit] = []
    for uid in dict.fromkeys(data.cooperating_unit_ids):
        unit = db.session.get(Unit, uid)
        if unit is None or not unit.active:
            errors["cooperating_unit_ids"] = f"Đơn vị phối hợp (mã {uid}) không tồn tại."
        elif lead is None or unit.id != lead.id:
            coop.append(unit)
    return lead, coop, errors  # type: ignore[return-value]


def _validate_input(plan: Plan, data: TaskInput) -> tuple[Unit, list[Unit], User | None, ResolvedDeadline]:
    errors: dict[str, str] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = "Vui lòng nhập tên nhiệm vụ."
    elif len(title) > 2000:
        errors["title"] = "Tên nhiệm vụ quá dài (tối đa 2.000 ký tự)."
    lead, coop, unit_errors = _load_units(data)
    errors.update(unit_errors)
    assignee = None
    if data.assignee_id:
        assignee = db.session.get(User, data.assignee_id)
        if assignee is None or not assignee.active:
            errors["assignee_id"] = "Người thực hiện không tồn tại."
        elif lead is not None and assignee.unit_id != lead.id:
            errors["assignee_id"] = "Người thực hiện phải thuộc đơn vị chủ trì."
    deadline = None
    try:
        deadline = resolve_deadline(data.deadline_text, data.due_date, plan.year)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if deadline and deadline.due and data.start_date and deadline.due < data.start_date:
        errors["due_date" if data.due_date else "deadline_text"] = (
            f"Thời hạn ({fmt_date(deadline.due)}) không được trước ngày bắt đầu ({fmt_date(data.start_date)})."
        )
    if len(data.ordinal or "") > 30:
        errors["ordinal"] = "Số thứ tự quá dài."
    if errors:
        raise ValidationFailed(errors)
    return lead, coop, assignee, deadline  # type: ignore[return-value]


# Set explicitly (not left to column defaults) so a new task classifies correctly before it is flushed.
NEW_TASK_STATE = {"status": TaskStatus.NOT_STARTED, "progress": 0, "confirmation": Confirmation.NONE, "result": ""}


def _next_position(plan_id: int, parent_id: int | None) -> int:
    same_parent = Task.parent_id.is_(None) if parent_id is None else Task.parent_id == parent_id
    current = db.session.scalar(select(func.max(Task.position)).where(Task.plan_id == plan_id, same_parent))
    return (current or 0) + 1


def create_task(plan: Plan, data: TaskInput, actor: User | None, parent: Task | None = None) -> Task:
    if parent is not None and parent.plan_id != plan.id:
        raise ValidationFailed({"parent_id": "Nhiệm vụ cha không thuộc kế hoạch này."})
    if parent is not None and parent.status is TaskStatus.CANCELLED:
        raise ValidationFailed({"parent_id": "Không thể thêm phần việc vào nhiệm vụ đã hủy."})
    lead, coop, assignee, deadline = _validate_input(plan, data)
    position = _next_position(plan.id, parent.id if parent else None)
    task = Task(
        plan=plan,
        parent=parent,
        position=position,
        ordinal=(data.ordinal or "").strip() or auto_ordinal(parent.ordinal if parent else None, position),
        title=data.title.strip(),
        description=(data.description or "").strip(),
        lead_unit=lead,
        cooperating_units=coop,
        assignee=assignee,
        start_date=data.start_date,
        deadline_text=deadline.text,
        deadline_kind=deadline.kind,
        due_date=deadline.due,
        frequency=deadline.frequency,
        periodic_day=deadline.day,
        **NEW_TASK_STATE,
    )
    db.session.add(task)
    refresh_effective_due(task)
    db.session.flush()
    journal(task, actor, "created", note="Tạo nhiệm vụ")
    sync_occurrences(task, actor)
    events.task_event(EventKind.ASSIGNED, task, actor)
    return task


def edit_task(task: Task, data: TaskInput, actor: User) -> bool:
    lead, coop, assignee, deadline = _validate_input(task.plan, data)
    old_frequency = task.frequency
    changed = _apply(
        task,
        actor,
        "edited",
        {
            "title": data.title.strip(),
            "description": (data.description or "").strip(),
            "ordinal": (data.ordinal or "").strip() or task.ordinal,
            "lead_unit": lead,
            "cooperating_units": coop,
            "assignee": assignee,
            "start_date": data.start_date,
            "deadline_text": deadline.text,
            "due_date": deadline.due,
        },
    )
    task.deadline_kind = deadline.kind
    task.frequency = deadline.frequency
    task.periodic_day = deadline.day
    refresh_effective_due(task)
    db.session.flush()
    sync_occurrences(task, actor, periods_changed=old_frequency != task.frequency)
    events.task_event((EventKind.ASSIGNED, EventKind.DEADLINE_CHANGED), task, actor)
    return changed


def _occurrence_window(task: Task) -> tuple[date, date]:
    """A periodic duty recurs over its plan's year, from the task's start (or the plan's issue date)."""
    year = task.plan.year
    start = task.start_date or task.plan.issued_on or date(year, 1, 1)
    return max(start, date(year, 1, 1)), date(year, 12, 31)


def sync_occurrences(task: Task, actor: User | None, periods_changed: bool = False) -> None:
    """Give a periodic duty one child task per period, each with its own due date, status and result.

    Occurrences are ordinary tasks (so evidence, confirmation, extensions, lists and counting all apply),
    marked by ``period_start``; the duty itself is then counted through them. Re-run after an edit:
    missing periods are added, moved due dates follow the rule, and occurrences of periods that no longer
    apply are deleted, or cancelled when they have history. When the frequency changes, every period is
    a new one (a quarter is not a half-year that starts the same day).
    """
    existing = {c.period_start: c for c in task.children if c.period_start is not None and c.status is not TaskStatus.CANCELLED}
    if periods_changed:
        for child in existing.values():
            delete_task(child, actor)
        existing = {}
    wanted: dict = {}
    if task.deadline_kind is DeadlineKind.PERIODIC and task.frequency is not None:
        rule = DeadlineRule(DeadlineKind.PERIODIC, task.deadline_text, frequency=task.frequency, day=task.periodic_day)
        start, end = _occurrence_window(task)
        wanted = {o.period_start: o for o in occurrences(rule, start, end)}
    for period_start, child in existing.items():
        if period_start not in wanted:
            delete_task(child, actor)
    position = max((c.position for c in task.children), default=0)
    for period_start, occ in sorted(wanted.items()):
        text = f"{task.deadline_text} ({occ.label})"
        child = existing.get(period_start)
        if child is not None:
            _apply(child, actor, "edited", {"due_date": occ.due, "deadline_text": text, "lead_unit": task.lead_unit})
            refresh_effective_due(child)
            continue
        position += 1
        child = Task(
            plan_id=task.plan_id,
            parent=task,
            position=position,
            ordinal=auto_ordinal(task.ordinal, position),
            title=f"{task.title} — {occ.label}",
            description="",
            lead_unit=task.lead_unit,
            cooperating_units=list(task.cooperating_units),
            assignee=task.assignee,
            start_date=occ.period_start,
            deadline_text=text,
            deadline_kind=DeadlineKind.FIXED,
            due_date=occ.due,
            period_start=period_start,
            **NEW_TASK_STATE,
        )
        db.session.add(child)
        refresh_effective_due(child)
        db.session.flush()
        journal(child, actor, "created", note=f"Kỳ {occ.label} của nhiệm vụ định kỳ")
    db.session.flush()


def assign_task(task: Task, assignee_id: int | None, actor: User) -> None:
    assignee = None
    if assignee_id:
        assignee = db.session.get(User, assignee_id)
        if assignee is None or not assignee.active or assignee.unit_id != task.lead_unit_id:
            raise ValidationFailed({"assignee_id": "Người thực hiện phải là cán bộ đang làm việc của đơn vị chủ trì."})
    _apply(task, actor, "assigned", {"assignee": assignee})
    db.session.flush()
    events.task_event(EventKind.ASSIGNED, task, actor)


# ---------------------------------------------------------------- status updates


@dataclass
class ProgressInput:
    status: TaskStatus
    progress: int | None = None
    result: str | None = None
    completed_on: date | None = None


def _backdate_limit(actor: User) -> int:
    """Working days back a completion date may go: văn phòng and lãnh đạo any, a trưởng đơn vị a few
    (a setting), anyone else none."""
    return backdate_working_days() if actor.role is Role.UNIT_HEAD else 0


def _may_backdate(actor: User, completed_on: date, today: date) -> bool:
    if can_backdate_completion(actor):
        return True
    return within_backdating_limit(completed_on, today, _backdate_limit(actor), load_calendar())


def _backdate_refusal(actor: User, today: date) -> str:
    limit = _backdate_limit(actor)
    if not limit:
        return "Chỉ Văn phòng hoặc Lãnh đạo Sở được ghi ngày hoàn thành trước ngày hôm nay."
    earliest = fmt_date(earliest_completion_date(today, limit, load_calendar()))
    return (
        f"Trưởng đơn vị chỉ được ghi ngày hoàn thành lùi tối đa {limit} ngày làm việc (từ ngày {earliest}); "
        "ngày sớm hơn do Văn phòng hoặc Lãnh đạo Sở ghi."
    )


def update_progress(task: Task, data: ProgressInput, actor: User, today: date) -> bool:
    errors: dict[str, str] = {}
    if task.status is TaskStatus.CANCELLED and data.status is not TaskStatus.CANCELLED and actor.role is not Role.OFFICE:
        errors["status"] = "Nhiệm vụ đã hủy; chỉ Văn phòng có thể khôi phục."
    if data.status is TaskStatus.CANCELLED and actor.role is not Role.OFFICE:
        errors["status"] = "Chỉ Văn phòng được hủy nhiệm vụ."
    progress = task.progress if data.progress is None else data.progress
    if not 0 <= progress <= 100:
        errors["progress"] = "Tiến độ phải từ 0 đến 100%."
    completed_on = None
    confirmation = task.confirmation
    if data.status is TaskStatus.DONE:
        completed_on = data.completed_on or (task.completed_on if task.status is TaskStatus.DONE else None) or today
        if completed_on > today:
            errors["completed_on"] = "Ngày hoàn thành không được sau ngày hôm nay."
        elif completed_on < today and completed_on != task.completed_on and not _may_backdate(actor, completed_on, today):
            errors["completed_on"] = _backdate_refusal(actor, today)
        elif task.start_date and completed_on < task.start_date:
            errors["completed_on"] = "Ngày hoàn thành không được trước ngày bắt đầu."
        progress = 100
        if task.status is not TaskStatus.DONE or task.confirmation is Confirmation.RETURNED:
            if not task.plan.requires_confirmation or can_confirm(actor, task):
                confirmation = Confirmation.CONFIRMED if task.plan.requires_confirmation else Confirmation.NONE
            else:
                confirmation = Confirmation.PENDING
    elif data.completed_on is not None:
        errors["completed_on"] = "Chỉ ghi ngày hoàn thành khi trạng thái là “Hoàn thành”."
    elif task.confirmation is not Confirmation.RETURNED:
        confirmation = Confirmation.NONE
    if errors:
        raise ValidationFailed(errors)
    changes = {"status": data.status, "progress": progress, "completed_on": completed_on, "confirmation": confirmation}
    if data.result is not None:
        changes["result"] = data.result.strip()
    changed = _apply(task, actor, "updated", changes)
    db.session.flush()
    events.task_event(EventKind.COMPLETION_PENDING, task, actor)
    return changed


def confirm_completion(task: Task, actor: User) -> None:
    if task.confirmation is not Confirmation.PENDING:
        raise ValidationFailed("Nhiệm vụ này không chờ xác nhận hoàn thành.")
    _apply(task, actor, "confirmed", {"confirmation": Confirmation.CONFIRMED})
    db.session.flush()


def return_completion(task: Task, actor: User, reason: str) -> None:
    if task.confirmation is not Confirmation.PENDING:
        raise ValidationFailed("Nhiệm vụ này không chờ xác nhận hoàn thành.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Vui lòng nêu lý do trả lại."})
    journal(task, actor, "returned", note=reason)
    _apply(
        task,
        actor,
        "returned",
        {"status": TaskStatus.IN_PROGRESS, "completed_on": None, "confirmation": Confirmation.RETURNED},
    )
    db.session.flush()
    events.task_event(EventKind.COMPLETION_RETURNED, task, actor)


# ---------------------------------------------------------------- extensions


def request_extension(task: Task, actor: User, reason: str, proposed_due: date | None, today: date) -> ExtensionRequest:
    errors: dict[str, str] = {}
    if task.deadline_kind is not DeadlineKind.FIXED or task.effective_due is None:
        errors[""] = "Chỉ gia hạn được nhiệm vụ có thời hạn cụ thể."
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        errors[""] = "Nhiệm vụ đã hoàn thành hoặc đã hủy, không cần gia hạn."
    if not (reason or "").strip():
        errors["reason"] = "Vui lòng nêu lý do xin gia hạn."
    if proposed_due is None:
        errors["proposed_due"] = "Vui lòng nhập thời hạn đề nghị."
    elif task.effective_due and proposed_due <= task.effective_due:
        errors["proposed_due"] = f"Thời hạn đề nghị phải sau thời hạn hiện tại ({fmt_date(task.effective_due)})."
    elif proposed_due < today:
        errors["proposed_due"] = "Thời hạn đề nghị không được trước ngày hôm nay."
    pending = db.session.scalar(
        select(ExtensionRequest.id).where(ExtensionRequest.task_id == task.id, ExtensionRequest.state == ExtensionState.PENDING)
    )
    if pending:
        errors[""] = "Nhiệm vụ đang có một đề nghị gia hạn chờ duyệt."
    if errors:
        raise ValidationFailed(errors)
    req = ExtensionRequest(
        task_id=task.id,
        requested_by_id=actor.id,
        reason=reason.strip(),
        previous_due=task.effective_due,
        proposed_due=proposed_due,
        state=ExtensionState.PENDING,
    )
    db.session.add(req)
    # A request, not a change: the deadline in force moves only when it is approved.
    journal(
        task,
        actor,
        "extension_requested",
        note=f"Đến ngày {fmt_date(proposed_due)} (thời hạn hiện tại {fmt_date(task.effective_due)}). Lý do: {reason.strip()}",
    )
    db.session.flush()
    events.task_event(EventKind.EXTENSION_REQUESTED, task, actor)
    return req


def decide_extension(req: ExtensionRequest, actor: User, approve: bool, note: str, now) -> None:
    if req.state is not ExtensionState.PENDING:
        raise ValidationFailed("Đề nghị gia hạn này đã được xử lý.")
    if not approve and not (note or "").strip():
        raise ValidationFailed({"decision_note": "Vui lòng nêu lý do không duyệt."})
    req.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    req.decided_by_id = actor.id
    req.decided_at = now
    req.decision_note = (note or "").strip()
    task = req.task
    if approve:
        _apply(task, actor, "extension_approved", {"extended_due": req.proposed_due}, note=req.decision_note)
        refresh_effective_due(task)
    else:
        journal(
            task, actor, "extension_rejected", note=f"Đề nghị đến ngày {fmt_date(req.proposed_due)}. Ý kiến: {req.decision_note}"
        )
    db.session.flush()
    events.task_event(EventKind.EXTENSION_DECIDED, task, actor)


# ---------------------------------------------------------------- tree edits


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
            "moved",
            "parent",
            old_parent.ordinal + " " + old_parent.title if old_parent else "(cấp cao nhất)",
            new_parent.ordinal + " " + new_parent.title if new_parent else "(cấp cao nhất)",
        )
        task.parent = new_parent
    for i, sibling in enumerate(siblings, start=1):
        sibling.position = i
    db.session.flush()


def _children(plan_id: int, parent_id: int | None) -> list[Task]:
    cond = Task.parent_id.is_(None) if parent_id is None else Task.parent_id == parent_id
    return list(db.session.scalars(select(Task).where(Task.plan_id == plan_id, cond).order_by(Task.position, Task.id)))


def has_history(task: Task) -> bool:
    """Anything beyond its creation: a journal entry, evidence, an extension, or sub-tasks."""
    events = db.session.scalar(
        select(func.count()).select_from(TaskEvent).where(TaskEvent.task_id == task.id, TaskEvent.action != "created")
    )
    files = db.session.scalar(select(func.count()).select_from(Attachment).where(Attachment.task_id == task.id))
    exts = db.session.scalar(select(func.count()).select_from(ExtensionRequest).where(ExtensionRequest.task_id == task.id))
    kids = db.session.scalar(select(func.count()).select_from(Task).where(Task.parent_id == task.id))
    return bool(events or files or exts or kids)


def delete_task(task: Task, actor: User) -> str:
    """Delete a task that has no history; cancel one that has (its history stays readable)."""
    if has_history(task):
        _apply(task, actor, "cancelled", {"status": TaskStatus.CANCELLED})
        db.session.flush()
        return "cancelled"
    from tracker.notifications.models import Delivery

    db.session.execute(TaskEvent.__table__.delete().where(TaskEvent.task_id == task.id))
    db.session.execute(Delivery.__table__.delete().where(Delivery.task_id == task.id))
    task.cooperating_units = []
    db.session.delete(task)
    db.session.flush()
    return "deleted"


# ---------------------------------------------------------------- evidence


def add_attachment(task: Task, upload: FileStorage | None, actor: User) -> Attachment:
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": "Vui lòng chọn tệp tài liệu kiểm chứng."})
    name = Path(upload.filename).name.strip()[:255]
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED_EVIDENCE:
        raise ValidationFailed({"file": f"Loại tệp “{ext or name}” không được phép. Chấp nhận: PDF, Word, Excel, ảnh."})
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed({"file": f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB)."})
    if not data:
        raise ValidationFailed({"file": "Tệp rỗng."})
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stored = uuid.uuid4().hex + ext
    (folder / stored).write_bytes(data)
    att = Attachment(
        task_id=task.id,
        filename=name,
        stored_name=stored,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(data),
        uploaded_by_id=actor.id,
    )
    db.session.add(att)
    journal(task, actor, "attachment_added", "attachment", "", name)
    db.session.flush()
    return att


def attachment_path(att: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / att.stored_name
