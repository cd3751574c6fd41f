"""Pages of the import (upload or paste → preview → confirm) and its JSON API. Thin: they read the
request, call an operation or a query, and render."""

from __future__ import annotations

import io
from urllib.parse import quote

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from tracker.accounts.models import UnitKind
from tracker.api.auth import api_error, token_required
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.forms import attempt, refuse_resubmit, show_errors
from tracker.imports import operations as ops
from tracker.imports import queries
from tracker.imports.forms import AliasForm, DraftActionForm, PasteForm, UploadForm, draft_edit
from tracker.imports.models import DraftStatus, ImportDraft, UnitAlias
from tracker.imports.preview import as_json, counts, fmt_iso, preview_rows
from tracker.imports.template import template_workbook
from tracker.permissions import can_edit_plans, can_manage_accounts, get_or_404, require
from tracker.plans.models import Plan
from tracker.rules.documents import DocumentType

bp = Blueprint("imports", __name__, url_prefix="/imports")
api_bp = Blueprint("imports_api", __name__, url_prefix="/api/v1/imports")


def _limit() -> int:
    return current_app.config["MAX_UPLOAD_BYTES"]


@bp.app_template_global("import_source")
def import_source(plan_id: int) -> ImportDraft | None:
    """The file a plan was imported from, for the plan page's download link."""
    return queries.source_of(plan_id)


@bp.get("/")
@login_required
def index():
    require(can_edit_plans(current_user))
    return render_template(
        "imports/index.html", upload=UploadForm(), paste=PasteForm(), drafts=queries.recent_drafts(current_user), limit=_limit()
    )


@bp.post("/")
@login_required
def create():
    require(can_edit_plans(current_user))
    upload, paste = UploadForm(), PasteForm()
    if not upload.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng thử lại.", "danger")
        return redirect(url_for("imports.index"))
    file = request.files.get("file")
    text = request.form.get("text", "")
    if file is not None and file.filename:
        action = lambda: ops.create_draft(actor=current_user, filename=file.filename, data=file.read(), max_bytes=_limit())  # noqa: E731
    else:
        action = lambda: ops.create_draft(actor=current_user, text=text, max_bytes=_limit())  # noqa: E731
    ok, draft = attempt(upload, action)
    if ok:
        return redirect(url_for("imports.preview", draft_id=draft.id))
    return (
        render_template(
            "imports/index.html", upload=upload, paste=paste, drafts=queries.recent_drafts(current_user), limit=_limit()
        ),
        422,
    )


def _draft(draft_id) -> ImportDraft:
    draft = get_or_404(ImportDraft, draft_id)
    require(can_edit_plans(current_user))
    return draft


def _render_preview(draft: ImportDraft, status: int = 200, errors: dict | None = None):
    state = draft.data
    unit_list = queries.active_units()
    names = {u.id: u.name for u in unit_list}
    rows = preview_rows(state, names)
    return (
        render_template(
            "imports/preview.html",
            draft=draft,
            state=state,
            rows=rows,
            counts=counts(rows, state),
            problems=ops.problems(state),
            errors=errors or {},
            units=unit_list,
            issuers=queries.issuers(),
            plans=queries.plans(),
            doc_types=list(DocumentType),
            form=DraftActionForm(),
            unit_names=names,
            member_units=[u for u in unit_list if u.kind is not UnitKind.DEPARTMENT],
            issued_on_text=fmt_iso(state["header"].get("issued_on")),
        ),
        status,
    )


@bp.get("/template.xlsx")
@login_required
def template():
    require(can_edit_plans(current_user))
    return send_file(
        io.BytesIO(template_workbook()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="mau-nhap-nhiem-vu.xlsx",
    )


@bp.get("/<draft_id>")
@login_required
def preview(draft_id):
    draft = _draft(draft_id)
    if draft.status is DraftStatus.CONFIRMED and draft.plan_id:
        flash("Bản nhập này đã được dùng để tạo kế hoạch.", "info")
        return redirect(url_for("plans.detail", plan_id=draft.plan_id))
    return _render_preview(draft)[0]


@bp.post("/<draft_id>")
@login_required
def update(draft_id):
    draft = _draft(draft_id)
    if draft.status is DraftStatus.CONFIRMED and draft.plan_id:  # sent again after Back (issue 15.12)
        return refuse_resubmit((url_for("plans.detail", plan_id=draft.plan_id), f"kế hoạch từ tệp “{draft.filename}”"))
    form = DraftActionForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng thử lại.", "danger")
        return redirect(url_for("imports.preview", draft_id=draft.id))
    edit, errors = draft_edit(request.form, draft.data)
    if errors:
        return _render_preview(draft, 422, errors)
    action = request.form.get("action", "save")
    try:
        ops.edit_draft(draft, edit, current_user)
        if action == "refresh":
            ops.refresh_units(draft, current_user)
        plan = ops.confirm_draft(draft, current_user) if action == "confirm" else None
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        for message in show_errors(form, exc.errors):
            flash(message, "danger")
        return _render_preview(db.session.get(ImportDraft, draft.id), 422, exc.errors)
    if plan is not None:
        flash(f"Đã tạo {plan.display_name} với các nhiệm vụ từ tệp “{draft.filename}”.", "success")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    flash("Đã cập nhật bản xem trước.", "success")
    return redirect(url_for("imports.preview", draft_id=draft.id))


@bp.get("/<draft_id>/source")
@login_required
def source(draft_id):
    draft = _draft(draft_id)
    return send_file(
        io.BytesIO(draft.content),
        mimetype=draft.content_type,
        as_attachment=True,
        download_name=draft.filename,
    )


@bp.get("/plan/<plan_id>/source")
@login_required
def plan_source(plan_id):
    plan = get_or_404(Plan, plan_id)
    draft = queries.source_of(plan.id)
    if draft is None:
        flash("Kế hoạch này không được nhập từ tệp.", "info")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    response = send_file(io.BytesIO(draft.content), mimetype=draft.content_type, as_attachment=True, download_name=draft.filename)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(draft.filename)}"
    return response


@bp.route("/aliases", methods=["GET", "POST"])
@login_required
def aliases():
    require(can_edit_plans(current_user) or can_manage_accounts(current_user))
    form = AliasForm()
    form.unit_id.choices = [(u.id, u.name) for u in queries.active_units()]
    if form.validate_on_submit():
        ok, _ = attempt(form, lambda: ops.save_alias(unit_id=form.unit_id.data, alias=form.alias.data, actor=current_user))
        if ok:
            flash("Đã thêm tên gọi khác.", "success")
            return redirect(url_for("imports.aliases", next=request.args.get("next")))
    status = 422 if request.method == "POST" else 200
    return render_template("imports/aliases.html", form=form, aliases=queries.aliases(), back=request.args.get("next")), status


@bp.post("/aliases/<alias_id>/delete")
@login_required
def delete_alias(alias_id):
    alias = get_or_404(UnitAlias, alias_id)
    require(can_edit_plans(current_user) or can_manage_accounts(current_user))
    form = DraftActionForm()
    if form.validate_on_submit():
        attempt(form, lambda: ops.delete_alias(alias, current_user))
        flash("Đã xoá tên gọi khác.", "success")
    return redirect(url_for("imports.aliases"))


# ---------------------------------------------------------------- API


@api_bp.post("")
@token_required
def api_import():
    """Multipart ``file`` or JSON ``{"text": …}``; ``?confirm=1`` creates the plan when nothing is
    left to resolve, otherwise only the parse is returned."""
    user = g.api_user
    if not can_edit_plans(user):
        return api_error(403, "Tài khoản không có quyền nhập kế hoạch.")
    file = request.files.get("file")
    try:
        if file is not None and file.filename:
            draft = ops.create_draft(actor=user, filename=file.filename, data=file.read(), max_bytes=_limit())
        else:
            body = request.get_json(silent=True)
            text = body.get("text") if isinstance(body, dict) else None
            if not isinstance(text, str):
                raise ValidationFailed({"file": 'Gửi tệp (trường “file”) hoặc JSON {"text": "…"}.'})
            draft = ops.create_draft(actor=user, text=text, max_bytes=_limit())
        state = draft.data
        names = {u.id: u.name for u in queries.active_units()}
        result = as_json(state, names, {i.id: i.name for i in queries.issuers()})
        if request.args.get("confirm") in ("1", "true"):
            plan = ops.confirm_draft(draft, user)
            db.session.commit()
            return jsonify({"plan_id": plan.id, "draft_id": draft.id, **result}), 201
        db.session.rollback()  # a dry run writes nothing, not even the draft
        return jsonify(result), 200
    except ValidationFailed as exc:
        db.session.rollback()
        fields = {k: v for k, v in exc.errors.items() if k}
        return api_error(422, exc.errors.get("") or next(iter(exc.errors.values()), "Dữ liệu không hợp lệ."), fields)
