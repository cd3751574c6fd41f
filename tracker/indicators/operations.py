"""Every write of indicators and statistics forms: validate everything first (``ValidationFailed``,
messages by field), then write, journal who did it, log, flush. The caller commits once."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tracker.accounts.models import Role, Unit, User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.indicators.models import (
    Indicator,
    IndicatorEvent,
    IndicatorPart,
    IndicatorResult,
    ResultState,
    RowKind,
    StatForm,
    StatRow,
    StatValue,
)
from tracker.plans.models import Plan
from tracker.rules.deadlines import Frequency
from tracker.rules.folding import fold
from tracker.rules.indicators import Change, Part, parse_measured, split_parts
from tracker.rules.periods import period
from tracker.rules.reports import parse_period_code, period_code
from tracker.tasks.evidence import store_upload

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- who may


def can_edit_indicators(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.OFFICE)


def can_enter_result(user: User, indicator: Indicator) -> bool:
    """Văn phòng, or a head / staff of one of the indicator's lead units."""
    if user.role is Role.OFFICE:
        return True
    if user.role in (Role.UNIT_HEAD, Role.STAFF) and user.unit_id is not None:
        return any(u.id == user.unit_id for u in indicator.lead_units)
    return False


def can_decide_result(user: User, indicator: Indicator) -> bool:
    """The monitoring unit confirms or returns: văn phòng, or the head of the monitoring unit."""
    if user.role is Role.OFFICE:
        return True
    return user.role is Role.UNIT_HEAD and user.unit_id is not None and user.unit_id == indicator.monitoring_unit_id


def can_see_evidence(user: User, indicator: Indicator) -> bool:
    """As for tasks: those who see everything, the lead units and the monitoring unit."""
    if user.sees_everything:
        return True
    return user.unit_id is not None and (
        user.unit_id == indicator.monitoring_unit_id or any(u.id == user.unit_id for u in indicator.lead_units)
    )


def can_type_form_value(user: User, row: StatRow) -> bool:
    if user.role is Role.OFFICE:
        return True
    return user.role is Role.UNIT_HEAD and row.unit_id is not None and user.unit_id == row.unit_id


# --------------------------------------------------------------------------- journal


def journal(
    actor: User | None,
    action: str,
    *,
    indicator: Indicator | None = None,
    form: StatForm | None = None,
    result: IndicatorResult | None = None,
    old: str = "",
    new: str = "",
    note: str = "",
) -> None:
    db.session.add(
        IndicatorEvent(
            indicator_id=indicator.id if indicator else None,
            form_id=form.id if form else None,
            result_id=result.id if result else None,
            user_id=actor.id if actor else None,
            action=action,
            old_value=old,
            new_value=new,
            note=note,
        )
    )


# --------------------------------------------------------------------------- indicators


@dataclass
class IndicatorInput:
    title: str
    ordinal: str = ""
    group_title: str = ""
    lead_text: str = ""
    lead_unit_ids: tuple[int, ...] = ()
    monitoring_unit_id: int | None = None
    frequency: Frequency | None = None
    # One target text per part, to correct what was parsed; empty: read from the title.
    targets: tuple[str, ...] = field(default_factory=tuple)


def _parts_of(data: IndicatorInput) -> list[Part]:
    parts = split_parts(data.title)
    if data.targets and len(data.targets) == len(parts):
        return [
            Part(p.label, t.strip() or p.target_text, split_parts(t)[0].target if t.strip() else p.target)
            for p, t in zip(parts, data.targets, strict=True)
        ]
    return parts


def _validate(data: IndicatorInput) -> tuple[list[Unit], Unit | None]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "Vui lòng nhập nội dung chỉ tiêu."
    elif len(data.title) > 2000:
        errors["title"] = "Nội dung chỉ tiêu quá dài (tối đa 2.000 ký tự)."
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(data.lead_unit_ids)))) if data.lead_unit_ids else []
    if len(units) != len(set(data.lead_unit_ids)):
        errors["lead_unit_ids"] = "Đơn vị chủ trì không tồn tại."
    monitor = db.session.get(Unit, data.monitoring_unit_id) if data.monitoring_unit_id else None
    if data.monitoring_unit_id and monitor is None:
        errors["monitoring_unit_id"] = "Đơn vị theo dõi, đôn đốc không tồn tại."
    if errors:
        raise ValidationFailed(errors)
    return units, monitor


def _set_parts(indicator: Indicator, parts: list[Part]) -> None:
    indicator.parts.clear()
    db.session.flush()
    for i, p in enumerate(parts):
        t = p.target
        indicator.parts.append(
            IndicatorPart(
                position=i,
                label=p.label[:2000],
                target_text=p.target_text[:2000],
                comparator=t.comparator if t else None,
                target_value=t.value if t else None,
                unit=t.unit if t else "",
                change=t.change if t else Change.LEVEL,
            )
        )


def _describe(indicator: Indicator) -> str:
    return "; ".join(str(p.target) if p.target else f"“{p.target_text[:60]}” (chưa đọc được chỉ tiêu)" for p in indicator.parts)


def create_indicator(plan: Plan, data: IndicatorInput, actor: User | None) -> Indicator:
    units, monitor = _validate(data)
    position = db.session.scalar(select(func.coalesce(func.max(Indicator.position), -1)).where(Indicator.plan_id == plan.id))
    indicator = Indicator(
        plan_id=plan.id,
        position=int(position or 0) + 1,
        ordinal=data.ordinal.strip()[:20],
        group_title=data.group_title.strip()[:300],
        title=data.title.strip(),
        lead_text=data.lead_text.strip()[:300],
        monitoring_unit_id=monitor.id if monitor else plan.monitoring_unit_id,
        frequency=data.frequency,
        created_by_id=actor.id if actor else None,
    )
    indicator.lead_units = units
    db.session.add(indicator)
    db.session.flush()
    _set_parts(indicator, _parts_of(data))
    db.session.flush()
    journal(actor, "created", indicator=indicator, new=_describe(indicator))
    log.info("indicator %s created on plan %s by %s", indicator.id, plan.id, actor.username if actor else "-")
    return indicator


def edit_indicator(indicator: Indicator, data: IndicatorInput, actor: User) -> None:
    units, monitor = _validate(data)
    before = f"{indicator.title} | {_describe(indicator)}"
    indicator.title = data.title.strip()
    indicator.ordinal = data.ordinal.strip()[:20]
    indicator.group_title = data.group_title.strip()[:300]
    indicator.lead_text = data.lead_text.strip()[:300]
    indicator.lead_units = units
    indicator.monitoring_unit_id = monitor.id if monitor else None
    indicator.frequency = data.frequency
    _set_parts(indicator, _parts_of(data))
    db.session.flush()
    after = f"{indicator.title} | {_describe(indicator)}"
    if after != before:
        journal(actor, "edited", indicator=indicator, old=before, new=after)
    log.info("indicator %s edited by %s", indicator.id, actor.username)


def delete_indicator(indicator: Indicator, actor: User) -> None:
    has_results = db.session.scalar(select(IndicatorResult.id).where(IndicatorResult.indicator_id == indicator.id).limit(1))
    if has_results is not None:
        raise ValidationFailed("Chỉ tiêu đã có kết quả, không xoá được.")
    log.info("indicator %s (%s) deleted by %s", indicator.id, indicator.title[:60], actor.username)
    db.session.delete(indicator)
    db.session.flush()


def _match_units(text: str) -> list[Unit]:
    """A lead unit written as one listed name ("Phòng Công chức, viên chức.") matches it; a group
    phrase ("Các phòng thuộc Sở") matches none, and văn phòng assigns it by hand."""
    key = fold(text)
    if not key:
        return []
    return [
        u
        for u in db.session.scalars(select(Unit).where(Unit.active))
        if fold(u.name) == key or (u.short_name and fold(u.short_name) == key)
    ]


def create_from_candidates(plan: Plan, candidates: list[dict], actor: User | None) -> list[Indicator]:
    """The import's indicator candidates become indicators on confirmation. Those of an appendix table
    (with lead or monitoring units, or under a group row) are the plan's indicators when there are
    any (seed 004 lists its targets twice: "Mục tiêu cụ thể" and Phụ lục 1); otherwise the targets of
    "Mục tiêu cụ thể"."""
    table = [c for c in candidates if c.get("lead_text") or c.get("monitor_text") or c.get("group")]
    chosen = table or list(candidates)
    created = []
    for i, c in enumerate(chosen, start=1):
        leads = _match_units(c.get("lead_text", ""))
        monitors = _match_units(c.get("monitor_text", ""))
        data = IndicatorInput(
            title=str(c.get("text", "")),
            ordinal=str(i),
            group_title=str(c.get("group", "")),
            lead_text=str(c.get("lead_text", "")),
            lead_unit_ids=tuple(u.id for u in leads),
            monitoring_unit_id=monitors[0].id if len(monitors) == 1 else None,
        )
        if data.title.strip():
            created.append(create_indicator(plan, data, actor))
    return created


# --------------------------------------------------------------------------- results


# The longest result one part takes ("96,97%", "~20%", "12 văn bản"): the API documents it as maxLength.
RESULT_VALUE_MAX = 100


@dataclass
class ResultInput:
    period_code: str
    values: tuple[str, ...]
    note: str = ""
    evidence: FileStorage | None = None


def _period_end(code: str, today: date) -> tuple[str, date]:
    try:
        kind, year, index = parse_period_code(code)
        p = period(kind, year, index)
    except ValueError as exc:
        raise ValidationFailed({"period_code": str(exc)}) from None
    if p.start > today:
        raise ValidationFailed({"period_code": f"Kỳ {p.label} chưa bắt đầu, chưa nhập được kết quả."})
    return period_code(p), p.end


def _check_values(indicator: Indicator, values: tuple[str, ...]) -> list[str]:
    errors: dict[str, str] = {}
    typed = [v.strip() for v in values]
    if len(typed) != len(indicator.parts):
        raise ValidationFailed({"values": f"Chỉ tiêu có {len(indicator.parts)} phần, cần nhập {len(indicator.parts)} kết quả."})
    for i, text in enumerate(typed):
        if not text:
            errors[f"value-{i}"] = "Vui lòng nhập kết quả."
        elif len(text) > RESULT_VALUE_MAX or parse_measured(text) is None:
            errors[f"value-{i}"] = f"Không đọc được số “{text[:40]}”: nhập như 96,97% hoặc 82.5% hoặc ~20% hoặc 12."
    if errors:
        raise ValidationFailed(errors)
    return typed


def _store_evidence(upload: FileStorage | None) -> tuple[str, str | None, str]:
    if upload is None or not upload.filename:
        return "", None, ""
    kept = store_upload(upload, "evidence")
    return kept.name, kept.stored, kept.content_type


def evidence_path(result: IndicatorResult) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / (result.evidence_stored or "")


def _live_entry(indicator_id: int, code: str) -> IndicatorResult | None:
    return db.session.scalars(
        select(IndicatorResult)
        .where(
            IndicatorResult.indicator_id == indicator_id,
            IndicatorResult.period_code == code,
            IndicatorResult.state != ResultState.RETURNED,
        )
        .order_by(IndicatorResult.entered_on.desc(), IndicatorResult.id.desc())
        .limit(1)
    ).first()


def enter_result(indicator: Indicator, data: ResultInput, actor: User, today: date) -> IndicatorResult:
    """The lead unit enters (or corrects) a period's result; it waits for the monitoring unit. A
    correction is a new entry: the one before stays in the journal and in the figures of past dates."""
    if not can_enter_result(actor, indicator):
        raise ValidationFailed("Tài khoản không có quyền nhập kết quả chỉ tiêu này.")
    code, end = _period_end(data.period_code, today)
    typed = _check_values(indicator, data.values)
    note = (data.note or "").strip()
    if len(note) > 5000:
        raise ValidationFailed({"note": "Ghi chú quá dài (tối đa 5.000 ký tự)."})
    before = _live_entry(indicator.id, code)
    name, stored, ctype = _store_evidence(data.evidence)
    result = IndicatorResult(
        indicator_id=indicator.id,
        period_code=code,
        period_end=end,
        values=json.dumps(typed, ensure_ascii=False),
        note=note,
        evidence_name=name,
        evidence_stored=stored,
        evidence_type=ctype,
        entered_on=today,
        entered_by_id=actor.id,
    )
    db.session.add(result)
    db.session.flush()
    old = "; ".join(before.typed) if before else ""
    journal(
        actor, "corrected" if before else "entered", indicator=indicator, result=result, old=old, new="; ".join(typed), note=code
    )
    log.info("indicator %s result %s for %s entered by %s", indicator.id, result.id, code, actor.username)
    return result


def confirm_result(result: IndicatorResult, actor: User, today: date) -> None:
    if not can_decide_result(actor, result.indicator):
        raise ValidationFailed("Chỉ đơn vị theo dõi, đôn đốc xác nhận kết quả.")
    if result.state is not ResultState.PENDING:
        raise ValidationFailed("Kết quả này không chờ xác nhận.")
    result.state = ResultState.CONFIRMED
    result.decided_on = today
    result.decided_by_id = actor.id
    db.session.flush()
    journal(actor, "confirmed", indicator=result.indicator, result=result, new="; ".join(result.typed), note=result.period_code)
    log.info("indicator result %s confirmed by %s", result.id, actor.username)


def return_result(result: IndicatorResult, actor: User, reason: str, today: date) -> None:
    if not can_decide_result(actor, result.indicator):
        raise ValidationFailed("Chỉ đơn vị theo dõi, đôn đốc trả lại kết quả.")
    if result.state is not ResultState.PENDING:
        raise ValidationFailed("Kết quả này không chờ xác nhận.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Vui lòng nêu lý do trả lại."})
    result.state = ResultState.RETURNED
    result.decided_on = today
    result.decided_by_id = actor.id
    result.decision_note = reason[:5000]
    db.session.flush()
    journal(actor, "returned", indicator=result.indicator, result=result, old="; ".join(result.typed), note=reason[:5000])
    log.info("indicator result %s returned by %s", result.id, actor.username)


# --------------------------------------------------------------------------- statistics forms


@dataclass
class RowInput:
    label: str
    kind: RowKind = RowKind.TYPED
    ordinal: str = ""
    unit_label: str = ""
    note: str = ""
    plan_id: int | None = None
    indicator_id: int | None = None
    unit_id: int | None = None


def create_form(title: str, year: int | None, actor: User) -> StatForm:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Vui lòng nhập tên biểu thống kê."
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = "Năm không hợp lệ."
    elif title and db.session.scalar(select(StatForm.id).where(StatForm.year == year, StatForm.title == title)):
        errors["title"] = f"Năm {year} đã có biểu “{title}”."
    if errors:
        raise ValidationFailed(errors)
    form = StatForm(title=title[:300], year=year, created_by_id=actor.id)
    db.session.add(form)
    db.session.flush()
    journal(actor, "form_created", form=form, new=f"{title} ({year})")
    log.info("stat form %s created by %s", form.id, actor.username)
    return form


def _validate_row(data: RowInput) -> None:
    errors = {}
    if not data.label.strip():
        errors["label"] = "Vui lòng nhập tên chỉ tiêu thống kê."
    if data.kind.needs_plan and (data.plan_id is None or db.session.get(Plan, data.plan_id) is None):
        errors["plan_id"] = "Dòng lấy số liệu từ kế hoạch: vui lòng chọn kế hoạch."
    if data.kind is RowKind.INDICATOR and (data.indicator_id is None or db.session.get(Indicator, data.indicator_id) is None):
        errors["indicator_id"] = "Dòng lấy kết quả chỉ tiêu: vui lòng chọn chỉ tiêu."
    if data.unit_id is not None and db.session.get(Unit, data.unit_id) is None:
        errors["unit_id"] = "Đơn vị không tồn tại."
    if errors:
        raise ValidationFailed(errors)


def add_row(form: StatForm, data: RowInput, actor: User | None) -> StatRow:
    _validate_row(data)
    position = db.session.scalar(select(func.coalesce(func.max(StatRow.position), -1)).where(StatRow.form_id == form.id))
    row = StatRow(
        form_id=form.id,
        position=int(position or 0) + 1,
        ordinal=data.ordinal.strip()[:20],
        label=data.label.strip(),
        unit_label=data.unit_label.strip()[:100],
        note=data.note.strip(),
        kind=data.kind,
        plan_id=data.plan_id if data.kind.needs_plan else None,
        indicator_id=data.indicator_id if data.kind is RowKind.INDICATOR else None,
        unit_id=data.unit_id,
    )
    db.session.add(row)
    db.session.flush()
    journal(actor, "row_added", form=form, new=f"{row.ordinal} {row.label} ({row.kind.label})")
    return row


def type_value(row: StatRow, period_code_text: str, value: str, actor: User, today: date) -> StatValue:
    """A figure typed for a row and a period; a correction is a new value (the latest by a date wins)."""
    if row.kind is not RowKind.TYPED:
        raise ValidationFailed("Dòng này lấy số liệu tự động, không nhập tay.")
    if not can_type_form_value(actor, row):
        raise ValidationFailed("Tài khoản không có quyền nhập số liệu dòng này.")
    code, _end = _period_end(period_code_text, today)
    value = (value or "").strip()
    if not value:
        raise ValidationFailed({"value": "Vui lòng nhập số liệu."})
    if len(value) > 200:
        raise ValidationFailed({"value": "Số liệu quá dài (tối đa 200 ký tự)."})
    entry = StatValue(row_id=row.id, period_code=code, value=value, entered_on=today, entered_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    journal(actor, "value_typed", form=row.form, new=f"{row.label[:80]}: {value}", note=code)
    return entry


def copy_form(form: StatForm, year: int | None, actor: User) -> StatForm:
    """Next year's form: the same rows (live rows keep their plan or indicator until văn phòng
    changes them), no typed values."""
    target_year = year or form.year + 1
    copy = create_form(form.title, target_year, actor)
    copy.copied_from_id = form.id
    for r in form.rows:
        db.session.add(
            StatRow(
                form_id=copy.id,
                position=r.position,
                ordinal=r.ordinal,
                label=r.label,
                unit_label=r.unit_label,
                note=r.note,
                kind=r.kind,
                plan_id=r.plan_id,
                indicator_id=r.indicator_id,
                unit_id=r.unit_id,
            )
        )
    db.session.flush()
    journal(actor, "form_copied", form=copy, old=str(form.year), new=str(target_year))
    log.info("stat form %s copied to %s as %s by %s", form.id, target_year, copy.id, actor.username)
    return copy
