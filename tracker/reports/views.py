"""The Báo cáo pages. Thin: parse the form, call an operation or a query, render."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import clock
from tracker.documents.operations import DocumentRefused, request_document
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import DateInputError, fmt_date, parse_date
from tracker.forms import attempt
from tracker.permissions import get_or_404, require
from tracker.plans.models import Plan
from tracker.reports import operations as ops
from tracker.reports import queries as q
from tracker.reports.forms import DeleteForm, IssueForm, OfficeForm, ReportForm
from tracker.reports.models import SECTIONS, Report, ReportScope
from tracker.reports.pdf_renderer import cell_text
from tracker.reports.permissions import can_draft_reports, can_edit_office, can_issue, can_read_drafts, can_read_report
from tracker.reports.render import INLINE_LEAVES, MIMETYPES, document_for, filename, late_list, render
from tracker.rules.document_jobs import Route, route
from tracker.rules.reports import changes
from tracker.web import bounded

bp = Blueprint("reports", __name__)


@bp.app_template_filter("report_cell")
def report_cell(value) -> str:
    return cell_text(value)


def _plan_choices() -> list:
    rows = db.session.execute(select(Plan.id, Plan.number, Plan.year).order_by(Plan.year.desc(), Plan.number)).all()
    return [(None, "— Chọn kế hoạch, văn bản —")] + [(pid, f"{number} (năm {year})") for pid, number, year in rows]


def _form(report: Report | None = None) -> ReportForm:
    form = ReportForm()
    form.plan_id.choices = _plan_choices()
    if request.method == "GET":
        if report is not None:
            form.scope.data = report.scope.value
            form.plan_id.data = report.plan_id
            form.year.data = report.year
            form.period_kind.data = report.period_kind or ""
            form.period_index.data = report.period_index
            form.period_year.data = report.period_year
            form.period_scheme.data = report.period_scheme or "calendar"
            form.as_of.data = report.as_of
            form.subject.data = report.subject
            for key, value in q.sections_of(report).items():
                getattr(form, key).data = value
            override = q.override_of(report)
            form.office_signer_name.data = override.get("signer_name", "")
            form.office_signer_title.data = override.get("signer_title", "")
            form.office_recipients.data = override.get("recipients", "")
        else:
            form.plan_id.data = request.args.get("plan", type=int)
            form.scope.data = ReportScope.PLAN.value if form.plan_id.data else ReportScope.YEAR.value
            form.year.data = bounded(request.args.get("year", type=int), "Năm") or clock.today().year
            form.period_kind.data = request.args.get("period", "")
            form.period_index.data = request.args.get("index", type=int)
            form.period_year.data = bounded(request.args.get("year", type=int), "Năm của kỳ")
            raw = request.args.get("as_of", "")
            try:
                form.as_of.data = bounded(parse_date(raw), "Ngày chốt số liệu") if raw else clock.today()
            except DateInputError:
                form.as_of.data = clock.today()
    return form


def _input(form: ReportForm) -> ops.DraftInput:
    try:
        scope = ReportScope(form.scope.data)
    except ValueError:
        raise ValidationFailed({"scope": "Phạm vi báo cáo không hợp lệ."}) from None
    as_of = form.as_of.data
    p = ops.make_period(form.period_kind.data, form.period_year.data, form.period_index.data, form.period_scheme.data, as_of)
    office = {
        "signer_name": form.office_signer_name.data or "",
        "signer_title": form.office_signer_title.data or "",
        "recipients": form.office_recipients.data or "",
    }
    return ops.DraftInput(
        scope=scope,
        as_of=as_of,
        plan_id=form.plan_id.data,
        year=form.year.data,
        period=p,
        subject=form.subject.data or "",
        sections={key: getattr(form, key).data or "" for key, _ in SECTIONS},
        office=office,
    )


@bp.get("/reports")
@login_required
def index():
    require(can_read_drafts(current_user))
    return render_template("reports/index.html", reports=q.reports(), can_draft=can_draft_reports(current_user))


@bp.route("/reports/new", methods=["GET", "POST"])
@login_required
def new():
    require(can_draft_reports(current_user))
    form = _form()
    if form.validate_on_submit():
        ok, report = attempt(form, lambda: ops.save_draft(None, _input(form), current_user))
        if ok:
            flash("Đã lưu dự thảo báo cáo.", "success")
            return redirect(url_for("reports.detail", report_id=report.id))
    return render_template("reports/form.html", form=form, report=None, sections=SECTIONS)


@bp.route("/reports/<report_id>", methods=["GET", "POST"])
@login_required
def detail(report_id):
    report = get_or_404(Report, report_id)
    require(can_read_report(current_user, report))
    form = _form(report) if not report.is_issued else None
    if request.method == "POST":
        require(can_draft_reports(current_user) and form is not None)
        assert form is not None
        if form.validate_on_submit():
            ok, _ = attempt(form, lambda: ops.save_draft(report, _input(form), current_user))
            if ok:
                flash("Đã lưu dự thảo báo cáo.", "success")
                return redirect(url_for("reports.detail", report_id=report.id))
    document = document_for(report)
    later = []
    if report.is_issued:
        issued = q.snapshot_of(report) or {}
        later = changes(q.figures(issued), q.figures(q.build_snapshot(q.ReportSpec.of(report))))
    return render_template(
        "reports/detail.html",
        report=report,
        form=form,
        sections=SECTIONS,
        document=document,
        changes=later,
        issue_form=IssueForm(),
        delete_form=DeleteForm(),
        can_draft=can_draft_reports(current_user),
        can_issue=can_issue(current_user),
        office_problems=list(q.office_errors(q.office_details(q.override_of(report))).values()),
    )


@bp.get("/reports/<report_id>/preview")
@login_required
def preview(report_id):
    report = get_or_404(Report, report_id)
    require(can_read_report(current_user, report))
    return render_template("reports/preview.html", report=report, document=document_for(report))


@bp.get("/reports/<report_id>/download/<fmt>")
@login_required
def download(report_id, fmt):
    report = get_or_404(Report, report_id)
    require(can_read_report(current_user, report))
    if fmt not in MIMETYPES:
        abort(404)
    if report.is_issued:
        name = json.loads(report.files or "{}").get(fmt)
        path = ops.report_dir() / name if name else None
        if path is None or not Path(path).is_file():
            abort(404)
        return send_file(path, mimetype=MIMETYPES[fmt], as_attachment=True, download_name=filename(report, fmt))
    if route(q.leaves_in_scope(q.ReportSpec.of(report)), INLINE_LEAVES) is Route.BACKGROUND:
        return _in_background(report, fmt)
    from io import BytesIO

    return send_file(
        BytesIO(render(report, fmt)), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=filename(report, fmt)
    )


def _in_background(report: Report, fmt: str):
    """A draft too large to draw while the person waits: queued (tracker/documents), then downloaded from
    *Tệp đã xuất*."""
    try:
        job = request_document(
            "report",
            {"report_id": report.id, "fmt": fmt},
            title=f"Dự thảo báo cáo: {report.subject} (tính đến ngày {fmt_date(report.as_of)}, {fmt.upper()})",
            filename=filename(report, fmt),
            mimetype=MIMETYPES[fmt],
            rows_total=0,
            actor=current_user,
        )
    except DocumentRefused as exc:
        flash(str(exc), "warning")
        return redirect(url_for("reports.detail", report_id=report.id))
    flash("Báo cáo lớn nên tệp được tạo ở chế độ nền; khi xong, tải tại đây.", "info")
    return redirect(url_for("documents.index", new=job.id))


@bp.post("/reports/<report_id>/issue")
@login_required
def issue(report_id):
    report = get_or_404(Report, report_id)
    require(can_issue(current_user))
    form = IssueForm()
    if form.validate_on_submit():
        ok, _ = attempt(form, lambda: ops.issue_report(report, form.serial.data or "", current_user))
        if ok:
            flash(f"Đã ban hành báo cáo số {report.serial}/BC-{report.office_code}.", "success")
    # The page redirects back: every refusal is flashed, none is left on a form that is not shown.
    for messages in form.errors.values():
        for message in messages:
            flash(message, "danger")
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.post("/reports/<report_id>/delete")
@login_required
def delete(report_id):
    report = get_or_404(Report, report_id)
    require(can_draft_reports(current_user))
    form = DeleteForm()
    if form.validate_on_submit() and attempt(form, lambda: ops.delete_draft(report, current_user))[0]:
        flash("Đã xoá dự thảo báo cáo.", "success")
        return redirect(url_for("reports.index"))
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.route("/reports/settings", methods=["GET", "POST"])
@login_required
def settings():
    require(can_edit_office(current_user))
    current = q.office_settings()
    form = OfficeForm(data={**current, "deputy": bool(current.get("deputy"))})
    if form.validate_on_submit():
        values = {name: (field.data or "") for name, field in form._fields.items() if name != "csrf_token"}
        values["deputy"] = "1" if form.deputy.data else ""
        ok, _ = attempt(form, lambda: ops.save_office_settings(values, current_user))
        if ok:
            flash("Đã lưu thông tin cơ quan dùng cho báo cáo.", "success")
            return redirect(url_for("reports.settings"))
    return render_template("reports/settings.html", form=form)


@bp.get("/reports/late-list.<fmt>")
@login_required
def late(fmt):
    """The monthly list of late units and people as a document (beside the e-mail the scheduler sends)."""
    require(can_read_drafts(current_user))
    if fmt not in MIMETYPES:
        abort(404)
    raw = request.args.get("as_of", "").strip()
    try:
        as_of = bounded(parse_date(raw), "Ngày tính danh sách") if raw else clock.today()
    except DateInputError as exc:
        flash(f"Ngày tính danh sách chậm tiến độ: {exc}", "danger")
        return redirect(url_for("dashboard.office"))
    if as_of > clock.today():
        flash("Ngày tính danh sách chậm tiến độ không được sau ngày hôm nay.", "danger")
        return redirect(url_for("dashboard.office"))
    problems = q.office_errors(q.office_details())
    if problems:
        for message in problems.values():
            flash(message, "danger")
        return redirect(url_for("dashboard.office"))
    from io import BytesIO

    return send_file(
        BytesIO(late_list(as_of, fmt)),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"danh-sach-cham-tien-do-{as_of:%Y%m%d}.{fmt}",
    )
