"""Pages of indicators and statistics forms: parse input, call an operation, render. Every handler
loads its object first (404), then authorises (403)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import clock
from tracker.accounts.queries import unit_choices
from tracker.extensions import db
from tracker.formatting import DateInputError, parse_date
from tracker.forms import attempt
from tracker.indicators import operations as ops
from tracker.indicators import queries as q
from tracker.indicators.forms import (
    CopyFormForm,
    DecisionForm,
    IndicatorForm,
    PlainForm,
    ResultForm,
    RowForm,
    StatFormForm,
    ValueForm,
)
from tracker.indicators.models import Indicator, IndicatorResult, RowKind, StatForm, StatRow
from tracker.permissions import get_or_404, require
from tracker.plans.models import Plan
from tracker.rules.deadlines import Frequency
from tracker.rules.periods import PeriodKind, period

bp = Blueprint("indicators", __name__)


def _flash_errors(form) -> None:
    """A form posted from another page: its field errors go back there as messages."""
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "danger")


def _as_of() -> date:
    raw = request.args.get("as_of", "").strip()
    if not raw:
        return clock.today()
    try:
        return parse_date(raw)
    except DateInputError as exc:
        flash(f"Ngày tính số liệu: {exc} Đang hiển thị số liệu hôm nay.", "warning")
        return clock.today()


@bp.app_template_global("indicator_panel")
def indicator_panel(plan_id: int, as_of: date) -> list[q.IndicatorStatus]:
    """The plan page's indicators with this period's verdict (templates/indicators/_plan.html)."""
    return q.statuses([plan_id], as_of)


@bp.app_template_global("indicator_board")
def indicator_board(today: date) -> dict:
    """Văn phòng's board: results waiting for confirmation and results due and missing."""
    return {"pending": q.pending_results(), "missing": q.missing_results(today)}


@bp.get("/plans/<plan_id>/indicators")
@login_required
def plan_indicators(plan_id):
    plan = get_or_404(Plan, plan_id)
    as_of = _as_of()
    return render_template(
        "indicators/index.html",
        plan=plan,
        statuses=q.statuses([plan.id], as_of),
        as_of=as_of,
        can_edit=ops.can_edit_indicators(current_user),
    )


def _form(indicator: Indicator | None) -> IndicatorForm:
    form = IndicatorForm(obj=indicator)
    form.lead_unit_ids.choices = [c for c in unit_choices(None)]
    form.monitoring_unit_id.choices = unit_choices()
    if indicator is not None and request.method == "GET":
        form.lead_unit_ids.data = [u.id for u in indicator.lead_units]
        form.frequency.data = indicator.frequency.value if indicator.frequency else ""
        form.targets.data = "\n".join(p.target_text for p in indicator.parts) if len(indicator.parts) > 1 else ""
    return form


def _input(form: IndicatorForm) -> ops.IndicatorInput:
    targets = tuple(line for line in (form.targets.data or "").splitlines() if line.strip())
    return ops.IndicatorInput(
        title=form.title.data or "",
        ordinal=form.ordinal.data or "",
        group_title=form.group_title.data or "",
        lead_text=form.lead_text.data or "",
        lead_unit_ids=tuple(form.lead_unit_ids.data or ()),
        monitoring_unit_id=form.monitoring_unit_id.data,
        frequency=Frequency(form.frequency.data) if form.frequency.data else None,
        targets=targets,
    )


@bp.route("/plans/<plan_id>/indicators/new", methods=["GET", "POST"])
@login_required
def create(plan_id):
    plan = get_or_404(Plan, plan_id)
    require(ops.can_edit_indicators(current_user))
    form = _form(None)
    if form.validate_on_submit():
        ok, indicator = attempt(form, lambda: ops.create_indicator(plan, _input(form), current_user))
        if ok:
            flash("Đã thêm chỉ tiêu.", "success")
            return redirect(url_for("indicators.detail", indicator_id=indicator.id))
    return render_template("indicators/form.html", form=form, plan=plan, indicator=None)


@bp.route("/indicators/<indicator_id>/edit", methods=["GET", "POST"])
@login_required
def edit(indicator_id):
    indicator = get_or_404(Indicator, indicator_id)
    require(ops.can_edit_indicators(current_user))
    form = _form(indicator)
    if form.validate_on_submit():
        ok, _ = attempt(form, lambda: ops.edit_indicator(indicator, _input(form), current_user))
        if ok:
            flash("Đã lưu chỉ tiêu.", "success")
            return redirect(url_for("indicators.detail", indicator_id=indicator.id))
    return render_template("indicators/form.html", form=form, plan=indicator.plan, indicator=indicator)


@bp.post("/indicators/<indicator_id>/delete")
@login_required
def delete(indicator_id):
    indicator = get_or_404(Indicator, indicator_id)
    require(ops.can_edit_indicators(current_user))
    plan_id = indicator.plan_id
    form = PlainForm()
    if form.validate_on_submit():
        ok, _ = attempt(form, lambda: ops.delete_indicator(indicator, current_user))
        if ok:
            flash("Đã xoá chỉ tiêu.", "success")
            return redirect(url_for("indicators.plan_indicators", plan_id=plan_id))
    return redirect(url_for("indicators.detail", indicator_id=indicator_id))


def _result_form(indicator: Indicator, today: date) -> ResultForm:
    form = ResultForm()
    codes = q.open_periods(indicator, today)
    form.period_code.choices = [(c, c) for c in reversed(codes)]
    return form


@bp.get("/indicators/<indicator_id>")
@login_required
def detail(indicator_id):
    indicator = get_or_404(Indicator, indicator_id)
    as_of = _as_of()
    return _detail(indicator, as_of, _result_form(indicator, clock.today()))


def _detail(indicator: Indicator, as_of: date, form: ResultForm, status: int = 200):
    statuses = q.statuses([indicator.plan_id], as_of)
    status_row = next((s for s in statuses if s.indicator.id == indicator.id), None)
    results = q.results_of([indicator.id])
    history = sorted((r for rows in results.values() for r in rows), key=lambda r: (r.period_code, r.id), reverse=True)
    page = render_template(
        "indicators/detail.html",
        indicator=indicator,
        status=status_row,
        history=history,
        journal=q.journal_of(indicator.id),
        form=form,
        decision=DecisionForm(),
        plain=PlainForm(),
        as_of=as_of,
        can_enter=ops.can_enter_result(current_user, indicator),
        can_decide=ops.can_decide_result(current_user, indicator),
        can_edit=ops.can_edit_indicators(current_user),
        typed=request.form.getlist("values") if request.method == "POST" else [],
    )
    return page, status


@bp.post("/indicators/<indicator_id>/results")
@login_required
def enter_result(indicator_id):
    indicator = get_or_404(Indicator, indicator_id)
    require(ops.can_enter_result(current_user, indicator))
    today = clock.today()
    form = _result_form(indicator, today)
    if form.validate_on_submit():
        data = ops.ResultInput(
            period_code=form.period_code.data or "",
            values=tuple(request.form.getlist("values")),
            note=form.note.data or "",
            evidence=form.evidence.data if getattr(form.evidence.data, "filename", "") else None,
        )
        ok, _ = attempt(form, lambda: ops.enter_result(indicator, data, current_user, today))
        if ok:
            flash("Đã nhập kết quả; chờ đơn vị theo dõi xác nhận.", "success")
            return redirect(url_for("indicators.detail", indicator_id=indicator.id))
    return _detail(indicator, today, form, 422)


@bp.post("/indicator-results/<result_id>/confirm")
@login_required
def confirm(result_id):
    result = get_or_404(IndicatorResult, result_id)
    require(ops.can_decide_result(current_user, result.indicator))
    form = PlainForm()
    if form.validate_on_submit():
        ok, _ = attempt(form, lambda: ops.confirm_result(result, current_user, clock.today()))
        if ok:
            flash("Đã xác nhận kết quả.", "success")
    back = request.form.get("next", "")
    safe = back.startswith("/") and not back.startswith("//")
    return redirect(back if safe else url_for("indicators.detail", indicator_id=result.indicator_id))


@bp.post("/indicator-results/<result_id>/return")
@login_required
def return_(result_id):
    result = get_or_404(IndicatorResult, result_id)
    require(ops.can_decide_result(current_user, result.indicator))
    form = DecisionForm()
    if form.validate_on_submit():
        ok, _ = attempt(form, lambda: ops.return_result(result, current_user, form.reason.data or "", clock.today()))
        if ok:
            flash("Đã trả lại kết quả.", "success")
    return redirect(url_for("indicators.detail", indicator_id=result.indicator_id))


@bp.get("/indicator-results/<result_id>/evidence")
@login_required
def evidence(result_id):
    result = get_or_404(IndicatorResult, result_id)
    require(ops.can_see_evidence(current_user, result.indicator))
    if not result.evidence_stored:
        abort(404)
    path = ops.evidence_path(result)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=result.evidence_type, as_attachment=True, download_name=result.evidence_name)


@bp.get("/indicators/pending")
@login_required
def pending():
    """Văn phòng's list: results waiting for confirmation, results due and missing."""
    today = clock.today()
    return render_template("indicators/pending.html", board=indicator_board(today), plain=PlainForm(), today=today)


# --------------------------------------------------------------------------- statistics forms


@bp.get("/stat-forms")
@login_required
def forms():
    return render_template(
        "indicators/forms.html", forms=q.forms(), form=StatFormForm(), can_edit=ops.can_edit_indicators(current_user)
    )


@bp.post("/stat-forms/new")
@login_required
def create_form():
    require(ops.can_edit_indicators(current_user))
    form = StatFormForm()
    if form.validate_on_submit():
        ok, created = attempt(form, lambda: ops.create_form(form.title.data or "", form.year.data, current_user))
        if ok:
            return redirect(url_for("indicators.form_detail", form_id=created.id))
    _flash_errors(form)
    return redirect(url_for("indicators.forms"))


def _row_form() -> RowForm:
    form = RowForm()
    plans = db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)).all()
    form.plan_id.choices = [(None, "— Không —")] + [(p.id, f"{p.display_name} ({p.year})") for p in plans]
    inds = db.session.scalars(select(Indicator).order_by(Indicator.plan_id, Indicator.position)).all()
    form.indicator_id.choices = [(None, "— Không —")] + [(i.id, f"{i.ordinal}. {i.title[:80]}") for i in inds]
    form.unit_id.choices = unit_choices()
    return form


@bp.get("/stat-forms/<form_id>")
@login_required
def form_detail(form_id):
    stat_form = get_or_404(StatForm, form_id)
    as_of = _as_of()
    within = None
    code = request.args.get("period", "")
    if code == "year":
        within = period(PeriodKind.YEAR, stat_form.year)
    return render_template(
        "indicators/form_detail.html",
        stat_form=stat_form,
        rows=list(zip(stat_form.rows, q.form_rows(stat_form, as_of, within), strict=True)),
        as_of=as_of,
        row_form=_row_form(),
        value_form=ValueForm(period_code=f"Y-{stat_form.year}"),
        copy_form=CopyFormForm(year=stat_form.year + 1),
        can_edit=ops.can_edit_indicators(current_user),
        can_type=lambda row: ops.can_type_form_value(current_user, row),
    )


@bp.post("/stat-forms/<form_id>/rows")
@login_required
def add_row(form_id):
    stat_form = get_or_404(StatForm, form_id)
    require(ops.can_edit_indicators(current_user))
    form = _row_form()
    if form.validate_on_submit():
        data = ops.RowInput(
            label=form.label.data or "",
            kind=RowKind(form.kind.data),
            ordinal=form.ordinal.data or "",
            unit_label=form.unit_label.data or "",
            note=form.note.data or "",
            plan_id=form.plan_id.data,
            indicator_id=form.indicator_id.data,
            unit_id=form.unit_id.data,
        )
        ok, _ = attempt(form, lambda: ops.add_row(stat_form, data, current_user))
        if ok:
            flash("Đã thêm dòng.", "success")
    _flash_errors(form)
    return redirect(url_for("indicators.form_detail", form_id=stat_form.id))


@bp.post("/stat-rows/<row_id>/value")
@login_required
def type_value(row_id):
    row = get_or_404(StatRow, row_id)
    require(ops.can_type_form_value(current_user, row))
    form = ValueForm()
    if form.validate_on_submit():
        ok, _ = attempt(
            form, lambda: ops.type_value(row, form.period_code.data or "", form.value.data or "", current_user, clock.today())
        )
        if ok:
            flash("Đã lưu số liệu.", "success")
    _flash_errors(form)
    return redirect(url_for("indicators.form_detail", form_id=row.form_id))


@bp.post("/stat-forms/<form_id>/copy")
@login_required
def copy(form_id):
    stat_form = get_or_404(StatForm, form_id)
    require(ops.can_edit_indicators(current_user))
    form = CopyFormForm()
    if form.validate_on_submit():
        ok, created = attempt(form, lambda: ops.copy_form(stat_form, form.year.data, current_user))
        if ok:
            flash(f"Đã sao chép biểu sang năm {created.year}.", "success")
            return redirect(url_for("indicators.form_detail", form_id=created.id))
    _flash_errors(form)
    return redirect(url_for("indicators.form_detail", form_id=stat_form.id))
