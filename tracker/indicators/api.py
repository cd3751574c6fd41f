"""Indicators, results and statistics forms through the JSON API (``/api/v1``): the same operations,
permission checks and Vietnamese messages as the pages; bad input is a 422 with messages by field."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, jsonify

from tracker import clock
from tracker.api import fields
from tracker.api.auth import api_error, body_text, json_body, token_required
from tracker.args import strict_as_of
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.indicators import operations as ops
from tracker.indicators import queries as q
from tracker.indicators.models import Indicator, IndicatorResult, StatForm
from tracker.permissions import get_or_404, require
from tracker.plans.models import Plan
from tracker.rules.deadlines import Frequency

bp = Blueprint("indicators_api", __name__, url_prefix="/api/v1")


@bp.errorhandler(ValidationFailed)
def invalid(exc: ValidationFailed):
    db.session.rollback()
    return api_error(422, exc.errors.get("") or "Dữ liệu không hợp lệ.", {k: v for k, v in exc.errors.items() if k})


def _ids(data: dict, key: str) -> tuple[int, ...]:
    raw = data.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
        raise ValidationFailed({key: "Phải là danh sách mã số nguyên."})
    return tuple(raw)


def _text(data: dict, key: str) -> str:
    """Text for ``key`` of the body being read (``json_body(schema)``), checked by the rule of the form field
    ``tracker.api.fields`` ties it to (label, one line or many, length limit): what the page accepts.
    Absent or null: empty."""
    return body_text(data, key, fields.rule(fields.current_body() or "", key))


def _input(data: dict) -> ops.IndicatorInput:
    freq = data.get("frequency")
    freq = "" if freq is None else freq
    if not isinstance(freq, str):
        raise ValidationFailed({"frequency": "Phải là chuỗi ký tự."})
    monitor = data.get("monitoring_unit_id")
    if monitor is not None and (not isinstance(monitor, int) or isinstance(monitor, bool)):
        raise ValidationFailed({"monitoring_unit_id": "Phải là mã số nguyên."})
    try:
        frequency = Frequency(freq) if freq else None
    except ValueError:
        raise ValidationFailed({"frequency": "Kỳ báo cáo phải là monthly, quarterly, half_yearly hoặc yearly."}) from None
    return ops.IndicatorInput(
        title=_text(data, "title"),
        ordinal=_text(data, "ordinal"),
        group_title=_text(data, "group"),
        lead_text=_text(data, "lead_text"),
        lead_unit_ids=_ids(data, "lead_unit_ids"),
        monitoring_unit_id=monitor,
        frequency=frequency,
    )


def _period_json(p: q.PeriodStatus) -> dict:
    return {
        "period": p.code,
        "label": p.label,
        "due": p.due.isoformat(),
        "result_id": p.result.id if p.result else None,
        "state": p.result.state.value if p.result else None,
        "values": [part.measured for part in p.parts],
        "verdicts": [part.verdict.value for part in p.parts],
        "verdict": p.verdict.value,
    }


def indicator_json(s: q.IndicatorStatus) -> dict:
    ind = s.indicator
    return {
        "id": ind.id,
        "plan_id": ind.plan_id,
        "ordinal": ind.ordinal,
        "group": ind.group_title,
        "title": ind.title,
        "lead_text": ind.lead_text,
        "lead_unit_ids": [u.id for u in ind.lead_units],
        "monitoring_unit_id": ind.monitoring_unit_id,
        "frequency": ind.frequency.value if ind.frequency else None,
        "flagged": ind.flagged,
        "parts": [
            {
                "label": p.label,
                "target_text": p.target_text,
                "comparator": p.comparator.value if p.comparator else None,
                "value": format(p.target.value, "f") if p.target else None,
                "unit": p.unit or None,
                "change": p.change.value,
            }
            for p in ind.parts
        ],
        "current": _period_json(s.current) if s.current else None,
        "periods": [_period_json(p) for p in s.periods],
    }


def _one(indicator_id: int, as_of: date) -> dict:
    ind = db.session.get(Indicator, indicator_id)
    assert ind is not None
    status = next(s for s in q.statuses([ind.plan_id], as_of) if s.indicator.id == indicator_id)
    return indicator_json(status)


@bp.get("/plans/<plan_id>/indicators")
@token_required
def list_indicators(plan_id):
    plan = get_or_404(Plan, plan_id)
    as_of = strict_as_of()
    return jsonify(
        {"plan_id": plan.id, "as_of": as_of.isoformat(), "indicators": [indicator_json(s) for s in q.statuses([plan.id], as_of)]}
    )


@bp.post("/plans/<plan_id>/indicators")
@token_required
def create_indicator(plan_id):
    plan = get_or_404(Plan, plan_id)
    require(ops.can_edit_indicators(g.api_user))
    ind = ops.create_indicator(plan, _input(json_body("IndicatorInput")), g.api_user)
    db.session.commit()
    return jsonify(_one(ind.id, clock.today())), 201


@bp.get("/indicators/<indicator_id>")
@token_required
def get_indicator(indicator_id):
    ind = get_or_404(Indicator, indicator_id)
    return jsonify(_one(ind.id, strict_as_of()))


@bp.post("/indicators/<indicator_id>/results")
@token_required
def enter_result(indicator_id):
    ind = get_or_404(Indicator, indicator_id)
    require(ops.can_enter_result(g.api_user, ind))
    data = json_body("ResultInput")
    values = data.get("values")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationFailed({"values": 'Phải là danh sách kết quả, mỗi phần một chuỗi (ví dụ ["96,97%"]).'})
    result = ops.enter_result(
        ind, ops.ResultInput(_text(data, "period"), tuple(values), _text(data, "note")), g.api_user, clock.today()
    )
    db.session.commit()
    return jsonify({"result_id": result.id, **_one(ind.id, clock.today())}), 201


@bp.post("/indicator-results/<result_id>/confirm")
@token_required
def confirm_result(result_id):
    result = get_or_404(IndicatorResult, result_id)
    require(ops.can_decide_result(g.api_user, result.indicator))
    ops.confirm_result(result, g.api_user, clock.today())
    db.session.commit()
    return jsonify(_one(result.indicator_id, clock.today()))


@bp.post("/indicator-results/<result_id>/return")
@token_required
def return_result(result_id):
    result = get_or_404(IndicatorResult, result_id)
    require(ops.can_decide_result(g.api_user, result.indicator))
    ops.return_result(result, g.api_user, _text(json_body("ResultReturnInput"), "reason"), clock.today())
    db.session.commit()
    return jsonify(_one(result.indicator_id, clock.today()))


@bp.get("/stat-forms/<form_id>")
@token_required
def get_form(form_id):
    form = get_or_404(StatForm, form_id)
    as_of = strict_as_of()
    return jsonify(
        {
            "id": form.id,
            "title": form.title,
            "year": form.year,
            "as_of": as_of.isoformat(),
            "rows": q.form_rows(form, as_of, None),
        }
    )
