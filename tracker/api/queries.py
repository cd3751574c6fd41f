"""Reads the API shares with the command line: a plan and its figures as JSON-ready dictionaries.

(Moved here from ``api/views.py``, which re-exports them, so that ``flask summary`` no longer imports a
view module of another feature.)"""

from __future__ import annotations

from datetime import date

from tracker.plans.models import Plan
from tracker.rules.rollup import headline
from tracker.tasks.queries import TaskFilter, summarize


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
