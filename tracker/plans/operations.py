"""Creating and editing plans and directives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.accounts.models import Unit, User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.rules.documents import DocumentNumberError, DocumentType, check_number


@dataclass
class PlanInput:
    doc_type: DocumentType
    number: str
    title: str
    issuer: str
    issued_on: date | None
    year: int | None = None
    parent_id: int | None = None
    parent_reference: str = ""
    monitoring_unit_id: int | None = None
    status: PlanStatus = PlanStatus.ACTIVE
    requires_confirmation: bool = True


def _validate(data: PlanInput, plan: Plan | None) -> dict:
    errors: dict[str, str] = {}
    number = ""
    try:
        number = check_number(data.number, data.doc_type)
    except DocumentNumberError as exc:
        errors["number"] = str(exc)
    title = (data.title or "").strip()
    if not title:
        errors["title"] = "Vui lòng nhập trích yếu (tên) của văn bản."
    issuer = (data.issuer or "").strip()
    if not issuer:
        errors["issuer"] = "Vui lòng nhập cơ quan ban hành."
    if data.issued_on is None:
        errors["issued_on"] = "Vui lòng nhập ngày ban hành (dd/mm/yyyy)."
    year = data.year or (data.issued_on.year if data.issued_on else None)
    if year is not None and not 2000 <= year <= 2100:
        errors["year"] = "Năm không hợp lệ."
    parent = None
    if data.parent_id:
        parent = db.session.get(Plan, data.parent_id)
        if parent is None:
            errors["parent_id"] = "Kế hoạch cấp trên không tồn tại."
        elif plan is not None:
            node: Plan | None = parent
            while node is not None:
                if node.id == plan.id:
                    errors["parent_id"] = "Một kế hoạch không thể thực hiện chính nó."
                    break
                node = node.parent
    monitoring = None
    if data.monitoring_unit_id:
        monitoring = db.session.get(Unit, data.monitoring_unit_id)
        if monitoring is None:
            errors["monitoring_unit_id"] = "Đơn vị theo dõi không tồn tại."
    if number and issuer and year and "number" not in errors:
        clash = db.session.scalar(select(Plan.id).where(Plan.number == number, Plan.issuer == issuer, Plan.year == year))
        if clash and (plan is None or clash != plan.id):
            errors["number"] = f"Đã có văn bản số {number} của {issuer} năm {year}."
    if errors:
        raise ValidationFailed(errors)
    return {
        "doc_type": data.doc_type,
        "number": number,
        "title": title,
        "issuer": issuer,
        "issued_on": data.issued_on,
        "year": year,
        "parent": parent,
        "parent_reference": "" if parent else (data.parent_reference or "").strip()[:300],
        "monitoring_unit": monitoring,
        "status": data.status,
        "requires_confirmation": data.requires_confirmation,
    }


def create_plan(data: PlanInput, actor: User | None) -> Plan:
    values = _validate(data, None)
    plan = Plan(created_by_id=actor.id if actor else None, **values)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(plan: Plan, data: PlanInput, actor: User) -> Plan:
    values = _validate(data, plan)
    for key, value in values.items():
        setattr(plan, key, value)
    db.session.flush()
    return plan
