"""Creating and editing plans and directives, and the list of issuing bodies they come from."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.audit.models import AuditAction, AuditKind
from tracker.audit.operations import record, record_changes
from tracker.audit.queries import audit_line, recent
from tracker.errors import StaleVersion, ValidationFailed
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.plans.models import Issuer, Plan, PlanDocument, PlanStatus
from tracker.rules.documents import DocumentNumberError, DocumentType, check_number
from tracker.rules.versions import Change, is_stale, stale_message
from tracker.tasks.evidence import store_upload

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


def _issued_on_error(issued_on: date | None, today: date) -> str | None:
    if issued_on is None:
        return "Vui lòng nhập ngày ban hành (dd/mm/yyyy)."
    if issued_on > today:
        return f"Ngày ban hành ({fmt_date(issued_on)}) không được sau ngày hôm nay ({fmt_date(today)})."
    return None


def _parent(parent_id: int | None, plan: Plan | None) -> tuple[Plan | None, str | None]:
    """The plan this one implements, or why it cannot be (missing, or a cycle back to ``plan``)."""
    if not parent_id:
        return None, None
    parent = db.session.get(Plan, parent_id)
    if parent is None:
        return None, "Kế hoạch cấp trên không tồn tại."
    node: Plan | None = parent
    while plan is not None and node is not None:
        if node.id == plan.id:
            return parent, "Một kế hoạch không thể thực hiện chính nó."
        node = node.parent
    return parent, None


def _monitoring_unit(unit_id: int | None) -> tuple[Unit | None, str | None]:
    if not unit_id:
        return None, None
    unit = db.session.get(Unit, unit_id)
    return unit, None if unit is not None else "Đơn vị theo dõi không tồn tại."


def _number_clash(number: str, issuer: Issuer, year: int, plan: Plan | None) -> str | None:
    """Serials are unique per issuing body and year."""
    clash = db.session.scalar(
        select(Plan.id).where(func.upper(Plan.number) == number.upper(), Plan.issuer_id == issuer.id, Plan.year == year)
    )
    if clash and (plan is None or clash != plan.id):
        return f"Đã có văn bản số {number} của {issuer.name} năm {year}."
    return None


def _checked_number(data: PlanInput) -> tuple[str, str | None]:
    try:
        return check_number(data.number, data.doc_type), None
    except DocumentNumberError as exc:
        return "", str(exc)


def _validate(data: PlanInput, plan: Plan | None, today: date) -> dict:
    number, number_error = _checked_number(data)
    title = (data.title or "").strip()
    issuer, issuer_error = _resolve_issuer(data, plan)
    year = data.year or (data.issued_on.year if data.issued_on else None)
    parent, parent_error = _parent(data.parent_id, plan)
    monitoring, monitoring_error = _monitoring_unit(data.monitoring_unit_id)
    if number and issuer and year and not number_error:
        number_error = _number_clash(number, issuer, year, plan)
    found = {
        "number": number_error,
        "title": None if title else "Vui lòng nhập trích yếu (tên) của văn bản.",
        "issuer_id": issuer_error,
        "issued_on": _issued_on_error(data.issued_on, today),
        "year": "Năm không hợp lệ." if year is not None and not 2000 <= year <= 2100 else None,
        "parent_id": parent_error,
        "monitoring_unit_id": monitoring_error,
    }
    errors = {field: message for field, message in found.items() if message}
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


def _plan_facts(plan: Plan) -> dict[str, Any]:
    """What the audit page shows of a plan, as a reader names it (bodies and units by name)."""
    return {
        "doc_type": plan.doc_type.label,
        "number": plan.number,
        "title": plan.title,
        "issuer": plan.issuer.name if plan.issuer else None,
        "issued_on": fmt_date(plan.issued_on),
        "year": plan.year,
        "parent": plan.parent.display_name if plan.parent else None,
        "parent_reference": plan.parent_reference,
        "monitoring_unit": plan.monitoring_unit.name if plan.monitoring_unit else None,
        "status": plan.status.label,
        "requires_confirmation": plan.requires_confirmation,
    }


def create_plan(data: PlanInput, actor: User | None, today: date | None = None) -> Plan:
    values = _validate(data, None, today or clock.today())
    plan = Plan(created_by_id=actor.id if actor else None, **values)
    db.session.add(plan)
    db.session.flush()
    action = AuditAction.PLAN_CREATED
    record_changes(actor, action, AuditKind.PLAN, plan.id, f"{action.label}: {plan.display_name}", None, _plan_facts(plan))
    log.info("plan %s (%s) created by %s", plan.id, plan.display_name, actor.username if actor else "-")
    return plan


def _plan_changes_since(plan_id: int, based_on: int) -> list[Change]:
    """The audit trail's changes to the plan made on version ``based_on`` or later, oldest first."""
    entries = [
        e
        for e in reversed(recent(50, AuditKind.PLAN, plan_id))
        if e.action == AuditAction.PLAN_UPDATED and int((e.details or {}).get("plan_version") or 0) >= based_on
    ]
    return [Change(line.at, line.actor, *change) for line in map(audit_line, entries) for change in line.changes]


def _stale(plan_id: int, based_on: int, current: int) -> StaleVersion:
    log.info("plan %s: edit based on version %s refused, version %s stored", plan_id, based_on, current)
    return StaleVersion(stale_message("kế hoạch", _plan_changes_since(plan_id, based_on)), current)


def _set_versioned(plan: Plan, values: dict[str, Any], based_on: int | None) -> None:
    """Set and flush; if another connection updated the plan since it was read, roll back and refuse."""
    plan_id, read_at = plan.id, plan.version
    try:
        for key, value in values.items():
            setattr(plan, key, value)
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        current = db.session.scalar(select(Plan.version).where(Plan.id == plan_id)) or 0
        raise _stale(plan_id, read_at if based_on is None else based_on, current) from None


def update_plan(plan: Plan, data: PlanInput, actor: User | None, today: date | None = None, based_on: int | None = None) -> Plan:
    """Edit a plan; the audit trail gets the fields that changed (nothing when none did). ``based_on``:
    the version the form was read at; an edit based on an older one is refused (``StaleVersion``,
    nothing saved); ``None``: not checked."""
    if is_stale(based_on, plan.version):
        raise _stale(plan.id, based_on, plan.version)  # type: ignore[arg-type]
    values = _validate(data, plan, today or clock.today())
    before = _plan_facts(plan)
    version = plan.version
    _set_versioned(plan, values, based_on)
    action = AuditAction.PLAN_UPDATED
    summary = f"{action.label}: {plan.display_name}"
    record_changes(actor, action, AuditKind.PLAN, plan.id, summary, before, _plan_facts(plan), {"plan_version": version})
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
    before = _issuer_facts(issuer) if issuer is not None else None
    issuer = issuer or Issuer()
    issuer.name, issuer.code, issuer.active = name, code, active
    if higher_level is not None:
        issuer.higher_level = higher_level
    issuer.updated_at = clock.now()
    issuer.updated_by_id = actor.id
    db.session.add(issuer)
    db.session.flush()
    action = AuditAction.ISSUER_CREATED if before is None else AuditAction.ISSUER_UPDATED
    record_changes(actor, action, AuditKind.ISSUER, issuer.id, f"{action.label}: {issuer.name}", before, _issuer_facts(issuer))
    return issuer


def _issuer_facts(issuer: Issuer) -> dict[str, Any]:
    return {"name": issuer.name, "code": issuer.code, "active": issuer.active, "higher_level": bool(issuer.higher_level)}


def delete_issuer(issuer: Issuer, actor: User) -> None:
    """Only a body no plan refers to; one in use is deactivated instead (its plans keep it)."""
    used = db.session.scalar(select(func.count()).select_from(Plan).where(Plan.issuer_id == issuer.id))
    if used:
        raise ValidationFailed(f"“{issuer.name}” đang được {used} văn bản sử dụng; chỉ có thể ngừng sử dụng.")
    log.info("issuer %s (%s) deleted by %s", issuer.id, issuer.name, actor.username)
    action = AuditAction.ISSUER_DELETED
    record(actor, action, AuditKind.ISSUER, issuer.id, f"{action.label}: {issuer.name}", _issuer_facts(issuer))
    db.session.delete(issuer)
    db.session.flush()


# ---------------------------------------------------------------- the plan's own document


# The signed plan is a text: PDF (the scan or the signed file) or Word. A subset of what evidence takes.
PLAN_DOCUMENT_TYPES = (".pdf", ".doc", ".docx", ".odt")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _document_note(note: str) -> str:
    text = unicodedata.normalize("NFC", note or "").strip()
    if _CONTROL.search(text):
        raise ValidationFailed({"note": "Ghi chú có ký tự điều khiển (xuống dòng, tab…); hãy nhập trên một dòng."})
    if len(text) > 200:
        raise ValidationFailed({"note": "Ghi chú quá dài (tối đa 200 ký tự)."})
    return text


def add_plan_document(plan: Plan, upload: FileStorage | None, note: str, actor: User) -> PlanDocument:
    """Attach a version of the signed plan. The file is checked and stored by the evidence upload's own
    function (``tasks.evidence.store_upload``: kind, size, content), so the checks are the same."""
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": "Vui lòng chọn tệp văn bản kế hoạch (PDF hoặc Word)."})
    if Path(upload.filename).suffix.lower() not in PLAN_DOCUMENT_TYPES:
        raise ValidationFailed({"file": "Văn bản kế hoạch phải là tệp PDF hoặc Word (.pdf, .doc, .docx, .odt)."})
    note = _document_note(note)
    kept = store_upload(upload, "file")
    doc = PlanDocument(
        plan_id=plan.id,
        filename=kept.name,
        stored_name=kept.stored,
        content_type=kept.content_type,
        size=kept.size,
        note=note,
        uploaded_by_id=actor.id,
    )
    db.session.add(doc)
    db.session.flush()
    action = AuditAction.PLAN_DOCUMENT_ADDED
    facts = {"document_id": doc.id, "filename": doc.filename, "size": doc.size, "note": note}
    record(actor, action, AuditKind.PLAN, plan.id, f"{action.label}: {plan.display_name} — {doc.filename}", facts)
    return doc


def plan_document_path(doc: PlanDocument) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / doc.stored_name


def remove_plan_document(doc: PlanDocument, actor: User) -> None:
    """Remove one version (a wrong upload): the row, then its file once the row is gone from the session.
    The audit line keeps its name and size."""
    plan = db.session.get(Plan, doc.plan_id)
    assert plan is not None  # the foreign key
    action = AuditAction.PLAN_DOCUMENT_REMOVED
    facts = {"document_id": doc.id, "filename": doc.filename, "size": doc.size, "note": doc.note}
    record(actor, action, AuditKind.PLAN, plan.id, f"{action.label}: {plan.display_name} — {doc.filename}", facts)
    path = plan_document_path(doc)
    db.session.delete(doc)
    db.session.flush()
    path.unlink(missing_ok=True)
