from __future__ import annotations

from operator import itemgetter

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from tracker import clock
from tracker.accounts.queries import office_unit_id, unit_choices
from tracker.args import as_of_arg, int_arg
from tracker.extensions import db
from tracker.forms import attempt, mark_sent, refuse_resubmit, sent_before
from tracker.permissions import can_edit_plans, can_manage_accounts, can_upload_plan_document, get_or_404, require
from tracker.plans.forms import IssuerDeleteForm, IssuerForm, PlanDocumentDeleteForm, PlanDocumentForm, PlanForm
from tracker.plans.models import Issuer, Plan, PlanDocument, PlanStatus
from tracker.plans.operations import (
    PlanInput,
    add_plan_document,
    create_plan,
    delete_issuer,
    plan_document_path,
    remove_plan_document,
    save_issuer,
    update_plan,
)
from tracker.plans.queries import issuer_choices, issuers_with_use, parent_choices, plan_documents, plan_list, plan_years
from tracker.rules.documents import DocumentType
from tracker.rules.rollup import Counts, headline
from tracker.rules.status import classify
from tracker.rules.versions import is_stale, parse_version
from tracker.tasks import parents
from tracker.tasks.filters import assignee_options, with_ancestors
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilter, assigned_in_plan, plan_shape, summarize, summarize_by, tasks_by_ids, tree
from tracker.web import bounded

bp = Blueprint("plans", __name__)

# Rows of a plan's tree per page: a Sở's plan fits on one; the benchmark workload's 5,000-task plans do not.
PLAN_PAGE_ROWS = 300


@bp.get("/plans")
@login_required
def index():
    as_of = as_of_arg()
    year = bounded(request.args.get("year", type=int), "Năm")
    plans = plan_list(year)
    counts = summarize_by(Task.plan_id, TaskFilter(year=year), as_of)
    return render_template(
        "plans/index.html", plans=plans, counts=counts, empty=Counts(), as_of=as_of, years=plan_years(), year=year
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/plans/export.xlsx")
@login_required
def export():
    """The list of /plans as a workbook, with the same filters (year, as-of)."""
    from tracker.plans.export import plan_workbook

    as_of = as_of_arg()
    year = bounded(request.args.get("year", type=int), "Năm")
    counts = summarize_by(Task.plan_id, TaskFilter(year=year), as_of)
    data = plan_workbook(plan_list(year), counts, year, as_of)
    return send_file(data, mimetype=XLSX, as_attachment=True, download_name=f"ke-hoach-{as_of:%Y%m%d}.xlsx")


def _plan_form(plan: Plan | None, current: bool = False) -> PlanForm:
    """``current``: the stored values, whatever was posted (after a refused stale edit)."""
    form = PlanForm(obj=plan, formdata=None) if current else PlanForm(obj=plan)
    form.parent_id.choices = parent_choices(plan)
    form.issuer_id.choices = issuer_choices(plan)
    form.monitoring_unit_id.choices = unit_choices()
    if plan is None and request.method == "GET":
        form.monitoring_unit_id.data = office_unit_id()  # a new plan is followed by Văn phòng
    return form


def _input(form: PlanForm) -> PlanInput:
    return PlanInput(
        doc_type=DocumentType(form.doc_type.data),
        number=form.number.data or "",
        title=form.title.data or "",
        issuer_id=form.issuer_id.data,
        issued_on=form.issued_on.data,
        year=form.year.data,
        parent_id=form.parent_id.data,
        parent_reference=form.parent_reference.data or "",
        monitoring_unit_id=form.monitoring_unit_id.data,
        status=PlanStatus(form.status.data),
        requires_confirmation=form.requires_confirmation.data,
    )


@bp.route("/plans/new", methods=["GET", "POST"], defaults={"plan_id": None})
@bp.route("/plans/<plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id):
    plan = get_or_404(Plan, plan_id) if plan_id is not None else None
    require(can_edit_plans(current_user))
    form = _plan_form(plan)
    status = 200
    if plan is None and (sent := sent_before(form)):
        return refuse_resubmit(sent)
    if form.validate_on_submit():
        based_on = parse_version(form.version.data)

        def save() -> Plan:
            if plan is None:
                return create_plan(_input(form), current_user)
            update_plan(plan, _input(form), current_user, based_on=based_on)
            return plan

        ok, saved = attempt(form, save)
        if ok:
            if plan is None:
                mark_sent(form, url_for("plans.detail", plan_id=saved.id), saved.display_name)
            flash("Đã lưu văn bản.", "success")
            return redirect(url_for("plans.detail", plan_id=saved.id))
        plan = db.session.get(Plan, plan.id) if plan is not None else None
        if plan is not None and is_stale(based_on, plan.version):  # saved meanwhile: show what is stored
            form, status = _plan_form(plan, current=True), 409
    return render_template("plans/form.html", form=form, plan=plan), status


@bp.get("/plans/<plan_id>")
@login_required
def detail(plan_id):
    plan = get_or_404(Plan, plan_id)
    as_of = as_of_arg()
    assignee = int_arg("assignee")
    outline = plan_shape(plan.id)  # the whole tree's shape, light; the page's rows read in full below
    parent_of = dict(outline)  # a parent counts all its leaves, whoever does them
    if assignee:  # "Người thực hiện": that person's tasks, under their parents
        kept = with_ancestors(parent_of, assigned_in_plan(plan.id, assignee))
        outline = [pair for pair in outline if pair[0] in kept]
    counts = summarize(TaskFilter(plan_id=plan.id, assignee_id=assignee), as_of)
    shape = [(ident, depth, kids) for (ident, _), depth, kids in tree(outline, itemgetter(0), itemgetter(1))]
    # A Sở's plan holds tens of tasks; a plan of thousands is shown PLAN_PAGE_ROWS rows a page, in tree order.
    page = max(1, min(int_arg("page") or 1, (len(shape) + PLAN_PAGE_ROWS - 1) // PLAN_PAGE_ROWS or 1))
    shown = shape[(page - 1) * PLAN_PAGE_ROWS : page * PLAN_PAGE_ROWS]
    full = tasks_by_ids([ident for ident, _, _ in shown])
    nested = [(full[ident], depth, kids) for ident, depth, kids in shown]
    # A parent shows its leaves' roll-up, a leaf its box (the same reads as every task list).
    rollups = parents.rollups_in_plan(plan.id, parent_of, [t.id for t, _, kids in nested if kids], as_of)
    rows = [(t, depth, rollups.get(t.id) if kids else None, classify(t.facts, as_of)) for t, depth, kids in nested]
    return render_template(
        "plans/detail.html",
        plan=plan,
        rows=rows,
        pending=parents.pending_extensions(t.id for t, _, _ in nested),
        page=page,
        per_page=PLAN_PAGE_ROWS,
        total=len(shape),
        counts=counts,
        headline=headline(counts),
        as_of=as_of,
        is_today=as_of == clock.today(),
        assignee=assignee,
        assignees=assignee_options(),
        documents=plan_documents(plan.id),
        may_upload_document=can_upload_plan_document(current_user),
        document_form=PlanDocumentForm(),
        document_delete_form=PlanDocumentDeleteForm(),
    )


def _flash_refusal(form) -> None:
    """A refused upload: its messages as flashes, since the page is shown again after a redirect."""
    for field in form:
        for message in field.errors:
            flash(message, "danger")


@bp.post("/plans/<plan_id>/documents")
@login_required
def document_upload(plan_id):
    plan = get_or_404(Plan, plan_id)
    require(can_upload_plan_document(current_user))
    form = PlanDocumentForm()
    if not form.validate_on_submit():
        _flash_refusal(form)
    else:
        ok, _ = attempt(form, lambda: add_plan_document(plan, request.files.get("file"), form.note.data or "", current_user))
        if ok:
            flash("Đã tải lên văn bản kế hoạch.", "success")
        else:
            _flash_refusal(form)
    return redirect(url_for("plans.detail", plan_id=plan.id, _anchor="plan-documents"))


@bp.get("/plan-documents/<doc_id>")
@login_required
def document_download(doc_id):
    """Whoever may see the plan (every signed-in account) may read its document."""
    doc = get_or_404(PlanDocument, doc_id)
    path = plan_document_path(doc)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=doc.content_type, as_attachment=True, download_name=doc.filename)


@bp.post("/plan-documents/<doc_id>/delete")
@login_required
def document_delete(doc_id):
    doc = get_or_404(PlanDocument, doc_id)
    require(can_upload_plan_document(current_user))
    plan_id = doc.plan_id
    form = PlanDocumentDeleteForm()
    if form.validate_on_submit() and attempt(form, lambda: remove_plan_document(doc, current_user))[0]:
        flash("Đã gỡ văn bản kế hoạch.", "success")
    return redirect(url_for("plans.detail", plan_id=plan_id, _anchor="plan-documents"))


@bp.route("/admin/issuers", methods=["GET", "POST"], defaults={"issuer_id": None})
@bp.route("/admin/issuers/<issuer_id>", methods=["GET", "POST"])
@login_required
def issuers(issuer_id):
    """The administrator's list of issuing bodies: add, rename, stop using, delete one never used."""
    issuer = get_or_404(Issuer, issuer_id) if issuer_id is not None else None
    require(can_manage_accounts(current_user))
    form = IssuerForm(obj=issuer)
    if form.validate_on_submit():
        ok, _ = attempt(
            form,
            lambda: save_issuer(
                issuer,
                name=form.name.data or "",
                code=form.code.data or "",
                active=bool(form.active.data),
                actor=current_user,
                higher_level=bool(form.higher_level.data),
            ),
        )
        if ok:
            flash("Đã lưu cơ quan ban hành.", "success")
            return redirect(url_for("plans.issuers"))
    return render_template(
        "plans/issuers.html", form=form, issuer=issuer, rows=issuers_with_use(), delete_form=IssuerDeleteForm()
    )


@bp.post("/admin/issuers/<issuer_id>/delete")
@login_required
def issuer_delete(issuer_id):
    issuer = get_or_404(Issuer, issuer_id)
    require(can_manage_accounts(current_user))
    form = IssuerDeleteForm()
    if form.validate_on_submit() and attempt(form, lambda: delete_issuer(issuer, current_user))[0]:
        flash("Đã xoá cơ quan ban hành.", "success")
    return redirect(url_for("plans.issuers"))
