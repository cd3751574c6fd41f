"""What the API answers with: plans, tasks, summaries and extension requests as JSON-ready dicts,
read through the same queries as the pages (the CLI's ``report summary`` uses ``summary_json`` too)."""

from __future__ import annotations

from datetime import date

from tracker.plans.models import Plan
from tracker.rules.rollup import headline
from tracker.rules.status import Box
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import ExtensionRequest, Task
from tracker.tasks.queries import task_list
from tracker.tasks.rollup import summarize
from tracker.tasks.rows import TaskRow


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def plan_json(plan: Plan) -> dict:
    return {
        "id": plan.id,
        "doc_type": plan.doc_type.value,
        "doc_type_label": plan.doc_type.label,
        "number": plan.number,
        "title": plan.title,
        "issuer_id": plan.issuer_id,
        "issuer": plan.issuer.name,
        "issued_on": iso(plan.issued_on),
        "year": plan.year,
        "parent_id": plan.parent_id,
        "parent_reference": plan.parent_reference,
        "monitoring_unit_id": plan.monitoring_unit_id,
        "status": plan.status.value,
        "requires_confirmation": plan.requires_confirmation,
    }


def task_json(task: TaskRow, as_of: date, box: str | None) -> dict:
    """A task as ``queries.task_list`` reads it. A parent (``is_leaf`` false) has no box: ``"box": null``,
    its leaves' ``rollup`` instead, and the roll-up's sentence as its label; a leaf has ``"rollup": null``."""
    rollup = task.rollup.as_dict() if task.rollup is not None else None
    label = rollup["text"] if rollup is not None else Box(box).label if box else "Đã hủy"
    return {
        "id": task.id,
        "plan_id": task.plan_id,
        "parent_id": task.parent_id,
        "ordinal": task.ordinal,
        "title": task.title,
        "lead_unit": {"id": task.lead_unit.id, "name": task.lead_unit.name},
        "cooperating_unit_ids": list(task.cooperating_unit_ids),
        "assignee_id": task.assignee_id,
        "start_date": iso(task.start_date),
        "deadline_text": task.deadline_text,
        "deadline_kind": task.deadline_kind.value,
        "due_date": iso(task.due_date),
        "extended_due": iso(task.extended_due),
        "effective_due": iso(task.effective_due),
        "status": task.status.value,
        "progress": task.progress,
        "completed_on": iso(task.completed_on),
        "confirmation": task.confirmation.value,
        "result": task.result,
        "as_of": as_of.isoformat(),
        "is_leaf": task.is_leaf,
        "box": None if rollup is not None else box,
        "box_label": label,
        "rollup": rollup,
        "extension_pending": task.extension_pending,
    }


def one_task_json(task_id: int, as_of: date) -> dict:
    """One task read as the lists read it, so it carries the same roll-up and flags."""
    rows, _ = task_list(TaskFilter(extra=[Task.id == task_id]), as_of, per_page=1)
    task, box = rows[0]
    return task_json(task, as_of, box)


def summary_json(plan: Plan | None, as_of: date) -> dict:
    counts = summarize(TaskFilter(plan_id=plan.id if plan else None), as_of)
    return {
        "plan": plan_json(plan) if plan else None,
        "as_of": as_of.isoformat(),
        **counts.as_dict(),
        "rate_all_label": "Tỷ lệ hoàn thành trên tổng số phần việc",
        "rate_due_label": "Tỷ lệ hoàn thành trên số phần việc đã đến hạn",
        "headline": headline(counts),
    }


def extension_json(req: ExtensionRequest) -> dict:
    return {
        "id": req.id,
        "task_id": req.task_id,
        "reason": req.reason,
        "previous_due": iso(req.previous_due),
        "proposed_due": iso(req.proposed_due),
        "state": req.state.value,
        "decision_note": req.decision_note,
    }
