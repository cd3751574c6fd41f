from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import args, clock
from tracker.accounts.models import Unit
from tracker.accounts.queries import unit_choices
from tracker.extensions import db
from tracker.formatting import fmt_date, fmt_number, fmt_size
from tracker.forms import attempt, mark_sent, refuse_resubmit, sent_before
from tracker.notifications.queries import nudge_options
from tracker.permissions import (
    can_assign,
    can_confirm,
    can_decide_extension,
    can_edit_plans,
    can_request_extension,
    can_see_evidence,
    can_update_task,
    get_or_404,
    require,
    users_of_unit,
)
from tracker.plans.models import Plan
from tracker.rules.board import QUICK_UPDATE_BOXES, due_soon_horizon
from tracker.rules.completion import is_own_completion
from tracker.rules.deadlines import DeadlineKind, undetermined_notice
from tracker.rules.journal import JournalAction
from tracker.rules.status import Box, TaskStatus
from tracker.rules.versions import is_stale, parse_version
from tracker.settings.queries import load_calendar
from tracker.tasks import operations as ops
from tracker.tasks.filters import assignee_options
from tracker.tasks.forms import (
    AssignForm,
    AttachmentForm,
    ConfirmForm,
    DecisionForm,
    DeleteForm,
    ExtensionForm,
    MoveForm,
    ProgressForm,
    ReturnForm,
    TaskForm,
    VersionMixin,
)
from tracker.tasks.journal import ACTION_LABELS, FIELD_LABELS, journal_lines
from tracker.tasks.models import Attachment, ExtensionRequest, ExtensionState, Task
from tracker.tasks.queries import (
    plan_options,
    plan_outline,
    plan_task_count,
    task_count,
    task_list,
    task_page,
    tree,
    unit_board,
    unit_options,
)
from tracker.tasks.versions import versioned
from tracker.web import error_response, safe_next, wants_json

bp = Blueprint("tasks", __name__)


def _horizon(as_of: date) -> date:
    return due_soon_horizon(as_of, load_calendar(), current_app.config["DUE_SOON_WORKING_DAYS"])


@bp.get("/tasks")
@login_required
def index():
    as_of = args.as_of_arg()
    flt = args.task_filter_from_args()
    page, per_page = args.page_args()
    sort = args.sort_arg()
    if flt.search_too_short:
        flash(
            "Hãy gõ ít nhất 3 chữ để tìm trong mọi nhiệm vụ (hoặc chọn một kế hoạch, đơn vị, người thực hiện; hoặc gõ số thứ tự như 1.2, II).",
            "warning",
        )
    rows, total = task_list(flt, as_of, sort=sort, page=page, per_page=per_page)
    return render_template(
        "tasks/index.html",
        rows=rows,
        total=total,
        page=page,
        per_page=per_page,
        flt=flt,
        sort=sort,
        as_of=as_of,
        plans=plan_options(),
        units=unit_options(),
        assignees=assignee_options(),
        Box=Box,
        TaskStatus=TaskStatus,
    )


@bp.get("/tasks/export.xlsx")
@login_required
def export():
    """The same list as an XLSX workbook: sent at once when short, built in the background when long
    (tracker/documents), refused above ``EXPORT_LIMIT`` rows."""
    from tracker.documents.operations import DocumentRefused, request_document
    from tracker.rules.document_jobs import Route, route
    from tracker.tasks.export import EXPORT_INLINE_ROWS, EXPORT_LIMIT, XLSX, task_workbook

    as_of = args.as_of_arg()
    flt = args.task_filter_from_args()
    sort = args.sort_arg()
    total = task_count(flt, as_of)
    name = f"nhiem-vu-{as_of:%Y%m%d}.xlsx"
    how = route(total, EXPORT_INLINE_ROWS, EXPORT_LIMIT)
    if how is Route.TOO_LARGE:
        flash(
            f"Danh sách có {fmt_number(total)} nhiệm vụ; chỉ xuất được {fmt_number(EXPORT_LIMIT)}. Hãy lọc bớt rồi xuất lại.",
            "warning",
        )
        return redirect(url_for("tasks.index", **request.args))
    if how is Route.BACKGROUND:
        query = {**request.args.to_dict(flat=False), "as_of": [as_of.isoformat()]}
        title = f"Danh sách {fmt_number(total)} nhiệm vụ, tình trạng tính đến ngày {fmt_date(as_of)}"
        try:
            job = request_document(
                "tasks_xlsx", {"args": query}, title=title, filename=name, mimetype=XLSX, rows_total=total, actor=current_user
            )
        except DocumentRefused as exc:
            flash(str(exc), "warning")
            return redirect(url_for("tasks.index", **request.args))
        flash(f"Danh sách có {fmt_number(total)} nhiệm vụ nên tệp được tạo ở chế độ nền; khi xong, tải tại đây.", "info")
        return redirect(url_for("documents.index", new=job.id))
    data, _ = task_workbook(flt, as_of, sort, EXPORT_LIMIT)
    return send_file(data, mimetype=XLSX, as_attachment=True, download_name=name)


@bp.get("/unit")
@login_required
def unit_tasks():
    """Việc của đơn vị: the unit's tasks in the four boxes, due-soon first."""
    as_of = args.as_of_arg()
    unit_id = args.int_arg("unit") or current_user.unit_id
    unit = db.session.get(Unit, unit_id) if unit_id else None
    units = unit_options()
    if unit is None:
        return render_template("tasks/unit.html", unit=None, units=units, groups=[], counts=None, as_of=as_of)
    assignee = args.int_arg("assignee")
    groups, counts, total = unit_board(unit.id, as_of, _horizon(as_of), assignee)
    return render_template(
        "tasks/unit.html",
        unit=unit,
        units=units,
        assignee=assignee,
        assignees=assignee_options(unit.id),
        groups=groups,
        counts=counts,
        total=total,
        shown=sum(len(items) for _, items in groups),
        as_of=as_of,
        quick_boxes=QUICK_UPDATE_BOXES,
        TaskStatus=TaskStatus,
    )


def _task_form(plan: Plan, task: Task | None, current: bool = False) -> TaskForm:
    """``current``: the stored values, whatever was posted (after a refused stale edit)."""
    form = TaskForm(obj=task, formdata=None) if current else TaskForm(obj=task)
    if task is not None and (request.method == "GET" or current):
        form.cooperating_unit_ids.data = [u.id for u in task.cooperating_units]
    form.lead_unit_id.choices = unit_choices("— Chọn đơn vị —")
    form.cooperating_unit_ids.choices = [c for c in unit_choices(None)]
    lead_id = task.lead_unit_id if task else None
    people = users_of_unit(lead_id) if lead_id else []
    form.assignee_id.choices = [(None, "— Chưa giao —")] + [(u.id, u.full_name) for u in people]
    return form


def _flash_unread_deadline(task: Task) -> None:
    """Say at once that the deadline could not be read, and why (issue 10): the task is kept."""
    if task.deadline_kind is not DeadlineKind.UNDETERMINED:
        return
    notice = undetermined_notice(task.deadline_text, task.plan.year)
    if notice is not None:
        flash(notice, "warning")


def _task_input(form: TaskForm) -> ops.TaskInput:
    return ops.TaskInput(
        title=form.title.data or "",
        lead_unit_id=form.lead_unit_id.data,
        deadline_text=form.deadline_text.data or "",
        due_date=form.due_date.data,
        description=form.description.data or "",
        cooperating_unit_ids=tuple(form.cooperating_unit_ids.data or ()),
        assignee_id=form.assignee_id.data,
        start_date=form.start_date.data,
        ordinal=form.ordinal.data or "",
    )


def _task_label(task: Task) -> str:
    return f"nhiệm vụ {task.ordinal} “{task.title[:60]}”".replace("  ", " ")


def _flash_added(task: Task) -> None:
    """ "Đã thêm nhiệm vụ …" naming the task just added, with a link to it."""
    link = url_for("tasks.detail", task_id=task.id)
    flash(Markup('Đã thêm <a href="{}">{}</a>.').format(link, _task_label(task)), "success")


def _keep_for_next(form: TaskForm) -> None:
    """ "Lưu và thêm tiếp": the fresh form keeps the lead unit and the deadline typed (``lead``, ``deadline``)."""
    if request.method == "GET":
        form.lead_unit_id.data = args.int_arg("lead")
        form.deadline_text.data = request.args.get("deadline", "")[:300]


@bp.route("/plans/<plan_id>/tasks/new", methods=["GET", "POST"])
@login_required
def create(plan_id):
    plan = get_or_404(Plan, plan_id)
    require(can_edit_plans(current_user))
    parent = None
    if request.args.get("parent"):
        parent = get_or_404(Task, request.args.get("parent"))
        if parent.plan_id != plan.id:
            abort(404)
    form = _task_form(plan, None)
    _keep_for_next(form)
    if sent := sent_before(form):
        return refuse_resubmit(sent)
    if form.validate_on_submit():
        ok, task = attempt(form, lambda: ops.create_task(plan, _task_input(form), current_user, parent=parent))
        if ok:
            mark_sent(form, url_for("tasks.detail", task_id=task.id), _task_label(task))
            _flash_added(task)
            _flash_unread_deadline(task)
            if request.form.get("again"):
                return redirect(
                    url_for(
                        "tasks.create",
                        plan_id=plan.id,
                        parent=parent.id if parent else None,
                        lead=task.lead_unit_id,
                        deadline=form.deadline_text.data or None,
                    )
                )
            return redirect(url_for("plans.detail", plan_id=plan.id, _anchor=f"task-{task.id}"))
    return render_template("tasks/form.html", form=form, plan=plan, parent=parent, task=None)


@bp.route("/tasks/<task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id):
    task = get_or_404(Task, task_id)
    require(can_edit_plans(current_user))
    form = _task_form(task.plan, task)
    status = 200
    if form.validate_on_submit():
        based_on = parse_version(form.version.data)
        if attempt(form, lambda: ops.edit_task(task, _task_input(form), current_user, based_on=based_on))[0]:
            flash("Đã lưu nhiệm vụ.", "success")
            _flash_unread_deadline(task)
            return redirect(url_for("tasks.detail", task_id=task.id))
        task = db.session.get(Task, task.id)
        if is_stale(based_on, task.version):  # someone else saved meanwhile: show what is stored now
            form, status = _task_form(task.plan, task, current=True), 409
    return render_template("tasks/form.html", form=form, plan=task.plan, parent=task.parent, task=task), status


def _fresh(cls, prefix: str, current: bool):
    """A form of the task page: the posted values, or none at all when ``current``."""
    return cls(prefix=prefix, formdata=None) if current else cls(prefix=prefix)


def _stored(form, name: str, current: bool) -> bool:
    """Whether ``form`` shows the stored values: after a refused stale write (``current``), or when it is
    not the form that was posted."""
    return current or f"{form._prefix}{name}" not in request.form


def _progress_form(task: Task, current: bool) -> ProgressForm:
    progress = _fresh(ProgressForm, "p", current)
    if _stored(progress, "status", current):
        progress.status.data = task.status.value
        progress.progress.data = task.progress
        progress.result.data = task.result
        progress.completed_on.data = task.completed_on
    return progress


def _assign_form(task: Task, current: bool) -> AssignForm:
    assign = _fresh(AssignForm, "a", current)
    assign.assignee_id.choices = [(None, "— Chưa giao —")] + [(u.id, u.full_name) for u in users_of_unit(task.lead_unit_id)]
    if _stored(assign, "assignee_id", current):
        assign.assignee_id.data = task.assignee_id
    return assign


# Above this many tasks in a plan the move form asks for the new parent's number instead of listing
# every task (a plan of the shared workload's million holds 73,703: a 1,8 MB page, 1 s to build).
MOVE_CHOICES_LIMIT = 1000


def _move_form(task: Task, current: bool) -> MoveForm:
    move = _fresh(MoveForm, "m", current)
    move.parent_id.choices = [(None, "(Cấp cao nhất)")]
    large = can_edit_plans(current_user) and plan_task_count(task.plan_id) > MOVE_CHOICES_LIMIT
    if large:
        move.by_number = True
        move.parent_id.validate_choice = False  # not shown: the number is the parent
    elif can_edit_plans(current_user):  # only they are shown the form (and may post it)
        move.parent_id.choices += [
            (t.id, f"{'— ' * depth}{t.ordinal} {t.title[:80]}")
            for t, depth, _ in tree(plan_outline(task.plan_id))
            if t.id != task.id
        ]
    if _stored(move, "parent_number" if move.by_number else "parent_id", current):
        move.parent_id.data = move.parent_number.data = task.parent_id
        move.position.data = task.position
    return move


def _detail_forms(task: Task, current: bool = False) -> dict:
    """The task page's forms. ``current``: they show the stored values, whatever was posted (after a
    refused stale write). Each form that changes the task carries the version it was rendered from."""
    attachment = AttachmentForm(prefix="f")
    attachment.file.render_kw = upload_limit_attributes()
    forms = {
        "progress_form": _progress_form(task, current),
        "assign_form": _assign_form(task, current),
        "confirm_form": _fresh(ConfirmForm, "c", current),
        "return_form": _fresh(ReturnForm, "r", current),
        "extension_form": ExtensionForm(prefix="e"),
        "decision_form": _fresh(DecisionForm, "d", current),
        "attachment_form": attachment,
        "move_form": _move_form(task, current),
    }
    for form in forms.values():
        if isinstance(form, VersionMixin) and _stored(form, "version", current):
            form.version.data = task.version
    return forms


def _render_detail(task: Task, forms: dict | None = None, status: int = 200):
    forms = forms or _detail_forms(task)
    as_of = clock.today()
    page = task_page(task, as_of, _horizon(as_of))
    return render_template(
        "tasks/detail.html",
        task=task,
        page=page,
        box=page.box,
        rollup=page.rollup,
        extension_pending=page.extension_pending,
        soon=page.soon,
        events=journal_lines(page.events, can_see_evidence(current_user, task)),
        own_completion=is_own_completion(task.reported_by_id, current_user.id),
        files=page.files,
        extensions=page.extensions,
        children=page.children,
        ancestors=page.ancestors,
        may_request_extension=can_request_extension(current_user, task) and page.extension_refusal is None,
        ExtensionState=ExtensionState,
        JournalAction=JournalAction,
        field_labels=FIELD_LABELS,
        action_labels=ACTION_LABELS,
        nudge=nudge_options([task], clock.now())[task.id] if can_edit_plans(current_user) else None,
        **forms,
    ), status


@bp.get("/tasks/<task_id>")
@login_required
def detail(task_id):
    return _render_detail(get_or_404(Task, task_id))


def _act(
    task: Task,
    form_key: str,
    action,
    success: str,
    validate: bool = True,
    after: str | None = None,
    once: str = "",
):
    """Run one action of the task page: validate its form, call the service, commit once; on bad input
    re-render the page with the messages next to the fields (422) and nothing saved. A form that
    carries the task's version (``VersionMixin``) is refused when the task changed since it was rendered
    (``versioned``, as the edit form): the page is shown again with the stored values and what changed
    (409), nothing saved. ``once``: the form creates something (what, for the message) and carries a
    one-time token: sent again, it creates nothing."""
    forms = _detail_forms(task)
    form = forms[form_key]
    if once and (sent := sent_before(form)):
        return refuse_resubmit(sent)
    if validate and not form.validate():
        flash("Thông tin chưa hợp lệ, vui lòng xem các trường được đánh dấu.", "danger")
        return _render_detail(task, forms, 422)
    based_on = parse_version(form.version.data) if isinstance(form, VersionMixin) else None

    def run():
        with versioned(task, based_on):
            return action(form)

    if not attempt(form, run)[0]:
        fresh = db.session.get(Task, task.id)
        if fresh is None:  # deleted meanwhile
            abort(404)
        if is_stale(based_on, fresh.version):
            return _render_detail(fresh, _detail_forms(fresh, current=True), 409)
        return _render_detail(fresh, forms, 422)
    if once:
        mark_sent(form, url_for("tasks.detail", task_id=task.id), f"{once} của nhiệm vụ {task.ordinal}")
    flash(success, "success")
    return redirect(after or url_for("tasks.detail", task_id=task.id))


@bp.post("/tasks/<task_id>/progress")
@login_required
def update_progress(task_id):
    task = get_or_404(Task, task_id)
    require(can_update_task(current_user, task))
    # The quick form on "Việc của đơn vị" sends no result text: leave the recorded one as it is.
    result_sent = "p-result" in request.form
    return _act(
        task,
        "progress_form",
        lambda f: ops.update_progress(
            task,
            ops.ProgressInput(
                TaskStatus(f.status.data), f.progress.data, f.result.data if result_sent else None, f.completed_on.data
            ),
            current_user,
            clock.today(),
        ),
        "Đã cập nhật tình hình thực hiện.",
        after=safe_next(request.form.get("next")),
    )


@bp.post("/tasks/<task_id>/assign")
@login_required
def assign(task_id):
    task = get_or_404(Task, task_id)
    require(can_assign(current_user, task))
    return _act(task, "assign_form", lambda f: ops.assign_task(task, f.assignee_id.data, current_user), "Đã giao việc.")


@bp.post("/tasks/<task_id>/confirm")
@login_required
def confirm(task_id):
    task = get_or_404(Task, task_id)
    require(can_confirm(current_user, task))
    return _act(task, "confirm_form", lambda f: ops.confirm_completion(task, current_user), "Đã xác nhận hoàn thành.")


@bp.post("/tasks/<task_id>/return")
@login_required
def return_completion(task_id):
    task = get_or_404(Task, task_id)
    require(can_confirm(current_user, task))
    return _act(
        task,
        "return_form",
        lambda f: ops.return_completion(task, current_user, f.reason.data),
        "Đã trả lại, nhiệm vụ được tính là chưa hoàn thành.",
    )


@bp.post("/tasks/<task_id>/extensions")
@login_required
def request_extension(task_id):
    task = get_or_404(Task, task_id)
    require(can_request_extension(current_user, task))
    return _act(
        task,
        "extension_form",
        lambda f: ops.request_extension(task, current_user, f.reason.data, f.proposed_due.data, clock.today()),
        "Đã gửi đề nghị gia hạn.",
        once="Đề nghị gia hạn",
    )


@bp.post("/extensions/<ext_id>/decide")
@login_required
def decide_extension(ext_id):
    req = get_or_404(ExtensionRequest, ext_id)
    require(can_decide_extension(current_user))
    return _act(
        req.task,
        "decision_form",
        lambda f: ops.decide_extension(req, current_user, f.decision.data == "approve", f.decision_note.data or "", clock.now()),
        "Đã duyệt gia hạn." if request.form.get("d-decision") == "approve" else "Đã ghi quyết định không duyệt gia hạn.",
        after=safe_next(request.form.get("next")),  # the director's dashboard list returns there
    )


@bp.post("/tasks/<task_id>/attachments")
@login_required
def upload(task_id):
    task = get_or_404(Task, task_id)
    require(can_update_task(current_user, task))
    return _act(
        task,
        "attachment_form",
        lambda f: ops.add_attachment(task, request.files.get("f-file"), current_user),
        "Đã tải lên tài liệu kiểm chứng.",
        validate=False,
        once="Tài liệu kiểm chứng",
    )


@bp.get("/attachments/<att_id>")
@login_required
def download(att_id):
    att = get_or_404(Attachment, att_id)
    task = db.session.get(Task, att.task_id)
    require(can_see_evidence(current_user, task))
    path = ops.attachment_path(att)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=att.content_type, as_attachment=True, download_name=att.filename)


@bp.post("/tasks/<task_id>/move")
@login_required
def move(task_id):
    task = get_or_404(Task, task_id)
    require(can_edit_plans(current_user))

    def action(f):
        if f.by_number:  # a large plan: the parent typed by number (empty: the top level)
            ops.move_task_to(task, f.parent_number.data, f.position.data, current_user, field="parent_number")
        else:
            ops.move_task_to(task, f.parent_id.data, f.position.data, current_user)

    return _act(
        task,
        "move_form",
        action,
        "Đã chuyển nhiệm vụ.",
        after=url_for("plans.detail", plan_id=task.plan_id, _anchor=f"task-{task.id}"),
    )


def _delete(task: Task, based_on: int | None) -> str:
    with versioned(task, based_on):
        return ops.delete_task(task, current_user)


@bp.route("/tasks/<task_id>/delete", methods=["GET", "POST"])
@login_required
def delete(task_id):
    task = get_or_404(Task, task_id)
    require(can_edit_plans(current_user))
    form = DeleteForm()
    status = 200
    if request.method == "POST":
        plan_id = task.plan_id
        based_on = parse_version(form.version.data)
        done, outcome = attempt(form, lambda: _delete(task, based_on))
        if done:
            flash(
                "Nhiệm vụ đã có lịch sử nên được chuyển sang trạng thái Hủy." if outcome == "cancelled" else "Đã xoá nhiệm vụ.",
                "success",
            )
            return redirect(url_for("plans.detail", plan_id=plan_id))
        task = db.session.get(Task, task.id)  # changed meanwhile: say again what would happen now
        if task is None:  # deleted meanwhile
            abort(404)
        form, status = DeleteForm(formdata=None), 409
    form.version.data = task.version
    return render_template("tasks/delete.html", task=task, history=ops.has_history(task), form=form), status


def upload_limit_attributes() -> dict[str, str]:
    """What static/js/upload-limit.js reads on a file field: the limit, and the message beside the field."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    return {"data-max-bytes": str(limit), "data-too-large": f"tệp quá lớn, tối đa {fmt_size(limit)}. Vui lòng chọn tệp nhỏ hơn."}


def _page_sent_from() -> str | None:
    """Where a refused upload goes back to: the task page it was sent from, else the referring page of
    this site."""
    task_id = (request.view_args or {}).get("task_id")
    if task_id is not None and request.endpoint and request.endpoint.startswith("tasks."):
        return url_for("tasks.detail", task_id=task_id)
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host:
        return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    return None


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(exc):
    """A body over MAX_CONTENT_LENGTH (a file too large): back to the page with the message, not a bare
    error page. Nothing was read, nothing saved."""
    db.session.rollback()
    back = None if wants_json() else _page_sent_from()
    if back is None:
        return error_response(413)
    limit = fmt_size(current_app.config["MAX_UPLOAD_BYTES"])
    flash(f"Tệp gửi lên quá lớn (tối đa {limit}); chưa có gì được lưu. Vui lòng chọn tệp nhỏ hơn.", "danger")
    return redirect(back)
