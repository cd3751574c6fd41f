"""Every write to a task goes through here: validate first, then change, journal and flush.

The caller (a view, the API, the CLI) commits once; on ``ValidationFailed`` it rolls back, so nothing
is ever half-saved. This module holds the public entry points (create, edit, assign, progress,
confirmation, extensions); the concepts they share live beside it and are re-exported here:
``journal`` (the journal), ``deadlines`` (the deadline in force), ``occurrences`` (periodic duties),
``structure`` (the tree: moves and deletes), ``evidence`` (files).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.accounts.models import Role, Unit, User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.notifications import events
from tracker.notifications.events import EventKind
from tracker.permissions import can_backdate_completion
from tracker.plans.models import Plan
from tracker.rules.completion import earliest_completion_date, self_confirmation_refusal, within_backdating_limit
from tracker.rules.documents import auto_ordinal
from tracker.rules.extensions import extension_refusal
from tracker.rules.journal import JournalAction
from tracker.rules.status import Confirmation, TaskStatus
from tracker.settings.queries import backdate_working_days, load_calendar
from tracker.tasks.deadlines import (  # noqa: F401  (re-exported: the old entry points of this module)
    ResolvedDeadline,
    recompute_effective_dues,
    refresh_effective_due,
    resolve_deadline,
)
from tracker.tasks.evidence import ALLOWED_EVIDENCE, add_attachment, attachment_path  # noqa: F401
from tracker.tasks.journal import ACTION_LABELS, FIELD_LABELS, apply_changes, journal  # noqa: F401
from tracker.tasks.models import ExtensionRequest, ExtensionState, Task
from tracker.tasks.occurrences import sync_occurrences
from tracker.tasks.structure import NEW_TASK_STATE, delete_task, has_history, move_task, move_task_to, next_position  # noqa: F401
from tracker.tasks.versions import versioned

log = logging.getLogger(__name__)

_apply = apply_changes  # the old private name, for one merge


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


def create_task(plan: Plan, data: TaskInput, actor: User | None, parent: Task | None = None) -> Task:
    if parent is not None and parent.plan_id != plan.id:
        raise ValidationFailed({"parent_id": "Nhiệm vụ cha không thuộc kế hoạch này."})
    if parent is not None and parent.status is TaskStatus.CANCELLED:
        raise ValidationFailed({"parent_id": "Không thể thêm phần việc vào nhiệm vụ đã hủy."})
    lead, coop, assignee, deadline = _validate_input(plan, data)
    position = next_position(plan.id, parent.id if parent else None)
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
    journal(task, actor, JournalAction.CREATED, note="Tạo nhiệm vụ")
    sync_occurrences(task, actor)
    events.task_event(EventKind.ASSIGNED, task, actor)
    return task


def edit_task(task: Task, data: TaskInput, actor: User, based_on: int | None = None) -> bool:
    """``based_on``: the version the form was read at; a write based on an older one is refused
    (``StaleVersion``, nothing saved). ``None``: not checked (API clients without If-Match)."""
    with versioned(task, based_on):
        lead, coop, assignee, deadline = _validate_input(task.plan, data)
        old_frequency = task.frequency
        changed = apply_changes(
            task,
            actor,
            JournalAction.EDITED,
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
    sync_occurrences(task, actor, periods_changed=old_frequency != task.frequency)
    events.task_event((EventKind.ASSIGNED, EventKind.DEADLINE_CHANGED), task, actor)
    return changed


def assign_task(task: Task, assignee_id: int | None, actor: User) -> None:
    assignee = None
    if assignee_id:
        assignee = db.session.get(User, assignee_id)
        if assignee is None or not assignee.active or assignee.unit_id != task.lead_unit_id:
            raise ValidationFailed({"assignee_id": "Người thực hiện phải là cán bộ đang làm việc của đơn vị chủ trì."})
    apply_changes(task, actor, JournalAction.ASSIGNED, {"assignee": assignee})
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


def _status_errors(task: Task, data: ProgressInput, actor: User) -> dict[str, str]:
    errors: dict[str, str] = {}
    if task.status is TaskStatus.CANCELLED and data.status is not TaskStatus.CANCELLED and actor.role is not Role.OFFICE:
        errors["status"] = "Nhiệm vụ đã hủy; chỉ Văn phòng có thể khôi phục."
    if data.status is TaskStatus.CANCELLED and actor.role is not Role.OFFICE:
        errors["status"] = "Chỉ Văn phòng được hủy nhiệm vụ."
    return errors


def _completion_date_error(task: Task, completed_on: date, actor: User, today: date) -> str | None:
    if completed_on > today:
        return "Ngày hoàn thành không được sau ngày hôm nay."
    if completed_on < today and completed_on != task.completed_on and not _may_backdate(actor, completed_on, today):
        return _backdate_refusal(actor, today)
    if task.start_date and completed_on < task.start_date:
        return "Ngày hoàn thành không được trước ngày bắt đầu."
    return None


def _confirmation_on_completion(task: Task, actor: User) -> Confirmation:
    """A new (or re-reported) completion waits for the monitoring unit, unless the plan asks for no
    confirmation or the one reporting may confirm it."""
    if task.status is TaskStatus.DONE and task.confirmation is not Confirmation.RETURNED:
        return task.confirmation
    if not task.plan.requires_confirmation:
        return Confirmation.NONE
    # Even văn phòng's own completion waits for a second person (issue 16.12).
    return Confirmation.PENDING


def _progress_changes(task: Task, data: ProgressInput, actor: User, today: date) -> dict:
    """The fields an update sets, or ``ValidationFailed`` with every reason it cannot."""
    errors = _status_errors(task, data, actor)
    progress = task.progress if data.progress is None else data.progress
    if not 0 <= progress <= 100:
        errors["progress"] = "Tiến độ phải từ 0 đến 100%."
    completed_on = None
    confirmation = task.confirmation
    if data.status is TaskStatus.DONE:
        completed_on = data.completed_on or (task.completed_on if task.status is TaskStatus.DONE else None) or today
        date_error = _completion_date_error(task, completed_on, actor, today)
        if date_error:
            errors["completed_on"] = date_error
        progress = 100
        confirmation = _confirmation_on_completion(task, actor)
    elif data.completed_on is not None:
        errors["completed_on"] = "Chỉ ghi ngày hoàn thành khi trạng thái là “Hoàn thành”."
    elif task.confirmation is not Confirmation.RETURNED:
        confirmation = Confirmation.NONE
    if errors:
        raise ValidationFailed(errors)
    changes = {"status": data.status, "progress": progress, "completed_on": completed_on, "confirmation": confirmation}
    if data.result is not None:
        changes["result"] = data.result.strip()
    return changes


def _reporter(task: Task, changes: dict, actor: User) -> int | None:
    """Who recorded the completion waiting for confirmation: kept while the same completion is edited,
    the actor for a new (or re-reported) one, nobody once the task is not done."""
    if changes["confirmation"] is not Confirmation.PENDING:
        return None
    if task.confirmation is Confirmation.PENDING and task.reported_by_id is not None:
        return task.reported_by_id
    return actor.id


def update_progress(task: Task, data: ProgressInput, actor: User, today: date, based_on: int | None = None) -> bool:
    """``based_on`` as for ``edit_task``."""
    with versioned(task, based_on):
        changes = _progress_changes(task, data, actor, today)
        reporter = _reporter(task, changes, actor)
        changed = apply_changes(task, actor, JournalAction.UPDATED, changes)
        task.reported_by_id = reporter
    events.task_event(EventKind.COMPLETION_PENDING, task, actor)
    return changed


def confirm_completion(task: Task, actor: User) -> None:
    if task.confirmation is not Confirmation.PENDING:
        raise ValidationFailed("Nhiệm vụ này không chờ xác nhận hoàn thành.")
    refusal = self_confirmation_refusal(task.reported_by_id, actor.id)
    if refusal:
        raise ValidationFailed(refusal)
    apply_changes(task, actor, JournalAction.CONFIRMED, {"confirmation": Confirmation.CONFIRMED})
    db.session.flush()


def return_completion(task: Task, actor: User, reason: str) -> None:
    if task.confirmation is not Confirmation.PENDING:
        raise ValidationFailed("Nhiệm vụ này không chờ xác nhận hoàn thành.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Vui lòng nêu lý do trả lại."})
    journal(task, actor, JournalAction.RETURNED, note=reason)
    apply_changes(
        task,
        actor,
        JournalAction.RETURNED,
        {"status": TaskStatus.IN_PROGRESS, "completed_on": None, "confirmation": Confirmation.RETURNED},
    )
    task.reported_by_id = None
    db.session.flush()
    events.task_event(EventKind.COMPLETION_RETURNED, task, actor)


# ---------------------------------------------------------------- extensions


def has_pending_extension(task: Task) -> bool:
    return (
        db.session.scalar(
            select(ExtensionRequest.id).where(
                ExtensionRequest.task_id == task.id, ExtensionRequest.state == ExtensionState.PENDING
            )
        )
        is not None
    )


def extension_refusal_for(task: Task, pending: bool | None = None) -> str | None:
    """``rules.extensions.extension_refusal`` for this task: the page shows the form exactly when it is
    ``None``, and ``request_extension`` refuses with it otherwise."""
    if pending is None:
        pending = has_pending_extension(task)
    return extension_refusal(task.deadline_kind, task.effective_due, task.status, pending)


def _proposal_errors(task: Task, reason: str, proposed_due: date | None, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (reason or "").strip():
        errors["reason"] = "Vui lòng nêu lý do xin gia hạn."
    if proposed_due is None:
        errors["proposed_due"] = "Vui lòng nhập thời hạn đề nghị."
    elif task.effective_due and proposed_due <= task.effective_due:
        errors["proposed_due"] = f"Thời hạn đề nghị phải sau thời hạn hiện tại ({fmt_date(task.effective_due)})."
    elif proposed_due < today:
        errors["proposed_due"] = "Thời hạn đề nghị không được trước ngày hôm nay."
    return errors


def request_extension(task: Task, actor: User, reason: str, proposed_due: date | None, today: date) -> ExtensionRequest:
    refusal = extension_refusal_for(task)
    errors = {"": refusal} if refusal else {}
    errors.update(_proposal_errors(task, reason, proposed_due, today))
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
        JournalAction.EXTENSION_REQUESTED,
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
        apply_changes(task, actor, JournalAction.EXTENSION_APPROVED, {"extended_due": req.proposed_due}, note=req.decision_note)
        refresh_effective_due(task)
    else:
        journal(
            task,
            actor,
            JournalAction.EXTENSION_REJECTED,
            note=f"Đề nghị đến ngày {fmt_date(req.proposed_due)}. Ý kiến: {req.decision_note}",
        )
    db.session.flush()
    events.task_event(EventKind.EXTENSION_DECIDED, task, actor)
