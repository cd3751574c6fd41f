"""Creating and editing plans and directives, and the list of issuing bodies they come from."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.plans.models import Issuer, Plan, PlanStatus
from tracker.rules.documents import DocumentNumberError, DocumentType, check_number

log = logging.getLogger(__name__)


@dataclass
class PlanInput:
    doc_type: DocumentType
    number: str
    title: str
    issued_on: date | None
    year: int | None = None
    parent_id: int | None = None
    parent_reference: str = ""
    monitoring_unit_id: int | None = None
    status: PlanStatus = PlanStatus.ACTIVE
    requires_confirmation: bool = True
    # The issuing body: its id in the list, or (API, command line, demo) its name as listed.
    issuer_id: int | None = None
    issuer: str = ""


def _tidy(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "")).strip()


def find_issuer(name: str) -> Issuer | None:
    """The listed body of that name, whatever the letter case and spacing it is typed with."""
    key = _tidy(name).casefold()
    if not key:
        return None
    return next((i for i in db.session.scalars(select(Issuer)) if i.name.casefold() == key), None)


def _resolve_issuer(data: PlanInput, plan: Plan | None) -> tuple[Issuer | None, str | None]:
    """The chosen body, or why it cannot be used. A plan keeps a body that was deactivated after."""
    if data.issuer_id:
        issuer = db.session.get(Issuer, data.issuer_id)
        if issuer is None:
            return None, "Cơ quan ban hành không có trong danh mục."
    elif _tidy(data.issuer):
        issuer = find_issuer(data.issuer)
        if issuer is None:
            return None, (
                f"Cơ quan ban hành “{_tidy(data.issuer)}” không có trong danh mục; "
                "hãy chọn trong danh mục hoặc đề nghị Quản trị bổ sung."
            )
    else:
        return None, "Vui lòng chọn cơ quan ban hành."
    if not issuer.active and (plan is None or plan.issuer_id != issuer.id):
        return None, f"Cơ quan ban hành “{issuer.name}” đã ngừng sử dụng trong danh mục."
    return issuer, None


def _validate(data: PlanInput, plan: Plan | None, today: date) -> dict:
    errors: dict[str, str] = {}
    number = ""
    try:
        number = check_number(data.number, data.doc_type)
    except DocumentNumberError as exc:
        errors["number"] = str(exc)
    title = (data.title or "").strip()
    if not title:
        errors["title"] = "Vui lòng nhập trích yếu (tên) của văn bản."
    issuer, issuer_error = _resolve_issuer(data, plan)
    if issuer_error:
        errors["issuer_id"] = issuer_error
    if data.issued_on is None:
        errors["issued_on"] = "Vui lòng nhập ngày ban hành (dd/mm/yyyy)."
    elif data.issued_on > today:
        errors["issued_on"] = f"Ngày ban hành ({fmt_date(data.issued_on)}) không được sau ngày hôm nay ({fmt_date(today)})."
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
        clash = db.session.scalar(
            select(Plan.id).where(func.upper(Plan.number) == number.upper(), Plan.issuer_id == issuer.id, Plan.year == year)
        )
        if clash and (plan is None or clash != plan.id):
            errors["number"] = f"Đã có văn bản số {number} của {issuer.name} năm {year}."
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


def create_plan(data: PlanInput, actor: User | None, today: date | None = None) -> Plan:
    values = _validate(data, None, today or clock.today())
    plan = Plan(created_by_id=actor.id if actor else None, **values)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(plan: Plan, data: PlanInput, actor: User, today: date | None = None) -> Plan:
    values = _validate(data, plan, today or clock.today())
    for key, value in values.items():
        setattr(plan, key, value)
    db.session.flush()
    return plan


# ---------------------------------------------------------------- issuers


def save_issuer(
    issuer: Issuer | None, *, name: str, code: str = "", active: bool = True, actor: User, higher_level: bool | None = None
) -> Issuer:
    """Add or rename a body. Names that differ only in case or spacing are the same body.
    ``higher_level`` (None: unchanged): a body above the Sở, whose tasks reports count apart."""
    name = _tidy(name)
    code = re.sub(r"\s+", "", code or "")
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Vui lòng nhập tên cơ quan ban hành."
    elif len(name) > 200:
        errors["name"] = "Tên quá dài (tối đa 200 ký tự)."
    else:
        same = find_issuer(name)
        if same is not None and (issuer is None or same.id != issuer.id):
            errors["name"] = f"Danh mục đã có “{same.name}”."
    if len(code) > 40:
        errors["code"] = "Ký hiệu quá dài (tối đa 40 ký tự)."
    if errors:
        raise ValidationFailed(errors)
    issuer = issuer or Issuer()
    issuer.name, issuer.code, issuer.active = name, code, active
    if higher_level is not None:
        issuer.higher_level = higher_level
    issuer.updated_at = clock.now()
    issuer.updated_by_id = actor.id
    db.session.add(issuer)
    db.session.flush()
    return issuer


def delete_issuer(issuer: Issuer, actor: User) -> None:
    """Only a body no plan refers to; one in use is deactivated instead (its plans keep it)."""
    used = db.session.scalar(select(func.count()).select_from(Plan).where(Plan.issuer_id == issuer.id))
    if used:
        raise ValidationFailed(f"“{issuer.name}” đang được {used} văn bản sử dụng; chỉ có thể ngừng sử dụng.")
    log.info("issuer %s (%s) deleted by %s", issuer.id, issuer.name, actor.username)
    db.session.delete(issuer)
    db.session.flush()
