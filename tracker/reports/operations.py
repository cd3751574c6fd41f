"""Every write of the reports feature: the office details, drafts, and issuing.

Each validates everything before it writes (``ValidationFailed`` with Vietnamese messages by field),
records who acted on the row, and logs it. Issuing renders the three files from the snapshot and
stores them outside the web root; if anything fails, nothing is kept (the caller rolls back, and the
files written are removed).
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app

from tracker import clock
from tracker.accounts.models import User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reports import queries as q
from tracker.reports.models import SECTIONS, Report, ReportScope, ReportState
from tracker.rules.periods import Period
from tracker.rules.reports import check_serial, clean_text, cutoff_errors, narrative_error
from tracker.settings.state import set_state

log = logging.getLogger(__name__)

FORMATS = ("pdf", "docx", "xlsx")


def save_office_settings(values: dict[str, str], actor: User) -> dict[str, str]:
    """The office details every report prints (governing body, name, place, signer, recipients), kept
    once by the administrator. Empty values are allowed here (a report then asks for them)."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, label, _required in q.OFFICE_FIELDS:
        value = clean_text(values.get(key, "") or "").strip()
        if len(value) > 2000:
            errors[key] = f"“{label}” quá dài (tối đa 2.000 ký tự)."
        cleaned[key] = value
    if cleaned.get("code") and not all(ch.isalnum() or ch in ".-" for ch in cleaned["code"]):
        errors["code"] = "Chữ viết tắt chỉ gồm chữ, số, dấu chấm hoặc gạch nối (ví dụ: SNV, STTTT)."
    if errors:
        raise ValidationFailed(errors)
    set_state(q.OFFICE_KEY, json.dumps(cleaned, ensure_ascii=False))
    from tracker.settings.models import AppState

    row = db.session.get(AppState, q.OFFICE_KEY)
    if row is not None:
        row.updated_by_id = actor.id
    db.session.flush()
    log.info("report office settings changed by %s", actor.username)
    return cleaned


@dataclass
class DraftInput:
    scope: ReportScope
    as_of: date | None
    plan_id: int | None = None
    year: int | None = None
    period: Period | None = None
    subject: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    office: dict[str, str] = field(default_factory=dict)


def validate_spec(data: DraftInput, today: date) -> q.ReportSpec:
    """The scope, period and cut-off, or every reason they cannot be used."""
    errors: dict[str, str] = {}
    if data.scope is ReportScope.PLAN:
        if not data.plan_id or db.session.get(Plan, data.plan_id) is None:
            errors["plan_id"] = "Vui lòng chọn kế hoạch, văn bản cần báo cáo (không tìm thấy kế hoạch đã chọn)."
    else:
        # A year's plans need the year; "nhiệm vụ cấp trên giao" may cover every year.
        missing = data.year is None and data.scope is ReportScope.YEAR
        if missing or (data.year is not None and not 2000 <= data.year <= 2100):
            errors["year"] = "Vui lòng nhập năm báo cáo (từ 2000 đến 2100)."
    errors.update(cutoff_errors(data.as_of, today, data.period))
    if errors:
        raise ValidationFailed(errors)
    assert data.as_of is not None
    plan_id = data.plan_id if data.scope is ReportScope.PLAN else None
    year = data.year if data.scope is not ReportScope.PLAN else None
    return q.ReportSpec(data.scope, data.as_of, plan_id, year, data.period)


def _text_errors(data: DraftInput) -> dict[str, str]:
    errors = {}
    for key, label in SECTIONS:
        if message := narrative_error(label, data.sections.get(key, "")):
            errors[key] = message
    if len(data.subject or "") > 1000:
        errors["subject"] = "Trích yếu quá dài (tối đa 1.000 ký tự)."
    return errors


def save_draft(report: Report | None, data: DraftInput, actor: User, today: date | None = None) -> Report:
    """Create or edit a draft. An issued report cannot be changed."""
    today = today or clock.today()
    if report is not None and report.is_issued:
        raise ValidationFailed("Báo cáo đã ban hành không thể sửa; hãy tạo báo cáo mới.")
    errors = _text_errors(data)
    try:
        spec = validate_spec(data, today)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        spec = None
    if errors or spec is None:
        raise ValidationFailed(errors)
    report = report or Report(created_by_id=actor.id, state=ReportState.DRAFT)
    report.scope = spec.scope
    report.plan_id = spec.plan_id
    report.year = spec.year
    p = spec.period
    report.period_kind = p.kind.value if p else None
    report.period_scheme = p.scheme.value if p else None
    report.period_year = p.year if p else None
    report.period_index = p.index if p else None
    report.as_of = spec.as_of
    typed = clean_text(data.subject).strip()
    if report is not None and typed == report.subject and report.subject == q.default_subject(q.ReportSpec.of(report)):
        typed = ""  # the subject made for the old scope or date, left as it was: made again for the new one
    report.subject = typed or q.default_subject(spec)
    report.sections = json.dumps({k: clean_text(data.sections.get(k, "")).strip() for k, _ in SECTIONS}, ensure_ascii=False)
    office = {k: clean_text(v).strip() for k, v in (data.office or {}).items() if isinstance(v, str) and v.strip()}
    report.office_override = json.dumps(office, ensure_ascii=False)
    report.updated_by_id = actor.id
    report.updated_at = clock.now()
    db.session.add(report)
    db.session.flush()
    log.info("report %s draft saved by %s", report.id, actor.username)
    return report


def report_dir() -> Path:
    return Path(current_app.config.get("REPORTS_DIR") or Path(current_app.instance_path) / "reports")


def issue_report(report: Report, serial: str, actor: User, today: date | None = None) -> Report:
    """Give the report its number and date, freeze its figures (JSON snapshot) and store its PDF, DOCX
    and XLSX. Refused: an issued report, a missing office detail, a cut-off now invalid, a bad or used
    number."""
    from tracker.reports.render import render

    today = today or clock.today()
    if report.is_issued:
        raise ValidationFailed("Báo cáo này đã được ban hành.")
    office = q.office_details(q.override_of(report))
    errors = q.office_errors(office)
    spec = q.ReportSpec.of(report)
    errors.update(cutoff_errors(spec.as_of, today, spec.period))
    if spec.scope is ReportScope.PLAN and (spec.plan_id is None or db.session.get(Plan, spec.plan_id) is None):
        errors["plan_id"] = "Kế hoạch của báo cáo không còn tồn tại."
    serial = (serial or "").strip().lstrip("0") or (serial or "").strip()
    if message := check_serial(serial):
        errors["serial"] = message
    elif office.get("code") and q.used_serial(office["code"], today.year, serial):
        errors["serial"] = f"Số {serial}/BC-{office['code']} năm {today.year} đã được dùng cho một báo cáo khác."
    if errors:
        raise ValidationFailed(errors)
    snapshot = q.build_snapshot(spec)
    report.serial = serial
    report.office_code = office["code"]
    report.issued_year = today.year
    report.issued_on = today
    report.issued_at = clock.now()
    report.issued_by_id = actor.id
    report.office_override = json.dumps(office, ensure_ascii=False)  # the details as printed, kept
    report.snapshot = json.dumps(snapshot, ensure_ascii=False, sort_keys=True)
    report.state = ReportState.ISSUED
    db.session.flush()
    folder = report_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    try:
        for fmt in FORMATS:
            data = render(report, fmt)
            name = f"report-{report.id}-{secrets.token_hex(8)}.{fmt}"
            (folder / name).write_bytes(data)
            written[fmt] = name
    except Exception:
        for name in written.values():
            (folder / name).unlink(missing_ok=True)
        raise
    report.files = json.dumps(written)
    report.updated_by_id = actor.id
    db.session.flush()
    log.info("report %s issued as %s/BC-%s by %s", report.id, serial, office["code"], actor.username)
    return report


def delete_draft(report: Report, actor: User) -> None:
    if report.is_issued:
        raise ValidationFailed("Báo cáo đã ban hành không thể xoá.")
    log.info("report %s draft deleted by %s", report.id, actor.username)
    db.session.delete(report)
    db.session.flush()


def make_period(kind: str | None, year: int | None, index: int | None, scheme: str | None, as_of: date | None) -> Period | None:
    """The period typed on the page or the command line, or None; a clear message when it cannot exist
    (quý 5, tháng 13). The year defaults to the cut-off's."""
    from tracker.rules.periods import PeriodKind, Scheme, period

    if not kind:
        return None
    try:
        p_kind = PeriodKind(kind)
        p_scheme = Scheme(scheme or Scheme.CALENDAR.value)
    except ValueError:
        raise ValidationFailed({"period_kind": "Kỳ báo cáo không hợp lệ."}) from None
    p_year = year or (as_of.year if as_of else clock.today().year)
    try:
        return period(p_kind, p_year, index or 1, p_scheme)
    except ValueError as exc:
        raise ValidationFailed({"period_kind": f"Kỳ báo cáo không hợp lệ: {exc}"}) from None
