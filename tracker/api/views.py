"""The JSON API: the same services and permission checks as the pages, token-authenticated.

A token comes from ``flask --app wsgi users token USERNAME`` and is sent as ``Authorization: Bearer …``.
Errors are JSON: ``{"error": {"code", "message", "fields"}}`` with Vietnamese messages.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from tracker import clock
from tracker.api import fields
from tracker.api.auth import MAX_LIST, api_error, body_text, json_body, token_required
from tracker.api.openapi import openapi_document
from tracker.api.queries import extension_json, iso, one_task_json, plan_json, summary_json, task_json  # noqa: F401
from tracker.args import strict_as_of, strict_box_filter, strict_flag, strict_positive
from tracker.errors import StaleVersion, ValidationFailed
from tracker.extensions import db
from tracker.formatting import DateInputError, parse_date
from tracker.forms import year_window
from tracker.permissions import (
    can_confirm,
    can_decide_extension,
    can_edit_plans,
    can_request_extension,
    can_update_task,
    get_or_404,
    require,
)
from tracker.plans.models import Plan, PlanStatus
from tracker.plans.operations import PlanInput, create_plan, update_plan
from tracker.rules.deadlines import DeadlineKind, undetermined_notice
from tracker.rules.documents import DocumentType
from tracker.rules.numbers import INT_MAX, ascii_int
from tracker.rules.status import Confirmation, TaskStatus
from tracker.rules.versions import parse_version
from tracker.rules.window import OutOfWindow
from tracker.tasks import operations as ops
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import ExtensionRequest, Task
from tracker.tasks.queries import task_list

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _invalid(exc: ValidationFailed):
    db.session.rollback()
    fields = {k: v for k, v in exc.errors.items() if k}
    return api_error(422, exc.errors.get("") or None, fields)


def _date(data: dict, key: str, required: bool = False) -> date | None:
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            raise ValidationFailed({key: "Trường này là bắt buộc (YYYY-MM-DD)."})
        return None
    if not isinstance(raw, str):
        raise ValidationFailed({key: "Ngày phải là chuỗi dạng YYYY-MM-DD."})
    try:
        return year_window().check(parse_date(raw), "Ngày")
    except (DateInputError, OutOfWindow) as exc:
        raise ValidationFailed({key: str(exc)}) from None


def _int(data: dict, key: str, low: int = 1, high: int = INT_MAX) -> int | None:
    """An integer (JSON number, not a boolean, not 1.5) within ``low``..``high`` (ids: 1..2³¹−1, what
    their INTEGER columns hold)."""
    raw = data.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValidationFailed({key: "Phải là một số nguyên."})
    if ascii_int(raw, low, high) is None:
        raise ValidationFailed({key: f"Phải là một số nguyên từ {low} đến {high}."})
    return raw


def _bool(data: dict, key: str, default: bool) -> bool:
    """JSON ``true`` / ``false`` only: ``"false"``, ``0`` or ``"yes"`` is a 422, never a truthy guess."""
    raw = data.get(key, default)
    if not isinstance(raw, bool):
        raise ValidationFailed({key: "Phải là true hoặc false (kiểu logic JSON, không phải chuỗi hay số)."})
    return raw


def _str(data: dict, key: str, default: str = "") -> str:
    """Text for ``key`` of the body being read (``json_body(schema)``), checked by the rule of the form field
    ``tracker.api.fields`` ties it to (its label, one line or many, its length limit), so the API accepts
    what the page accepts."""
    return body_text(data, key, fields.rule(fields.current_body() or "", key), default)


def _year(data: dict) -> int | None:
    """A plan's year: an integer inside the year window."""
    year = _int(data, "year", 0, 9999)
    try:
        return None if year is None else year_window().check(year, "Năm kế hoạch")
    except OutOfWindow as exc:
        raise ValidationFailed({"year": str(exc)}) from None


_REQUIRED = object()


def _enum(enum_cls, data: dict, key: str, default=_REQUIRED):
    raw = data.get(key)
    if raw in (None, ""):
        if default is _REQUIRED:
            raise ValidationFailed({key: "Trường này là bắt buộc."})
        return default
    try:
        return enum_cls(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationFailed({key: f"Giá trị không hợp lệ; chấp nhận: {allowed}."}) from None


@bp.errorhandler(ValidationFailed)
def validation_failed(exc: ValidationFailed):
    return _invalid(exc)


# Versions (issue 16.9): GET answers an ETag (the version); a write may send it back in If-Match and is
# refused with 412 and the current representation when it is stale. If-Match is optional, as on GitHub
# and Redmine: a write without it is not checked, so existing clients keep working.
def _tagged(body: dict, version: int):
    response = jsonify(body)
    response.headers["ETag"] = f'"{version}"'
    return response


def _if_match() -> int | None:
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    version = parse_version(raw)
    if version is None:
        raise ValidationFailed({"If-Match": 'Tiêu đề If-Match không hợp lệ: gửi lại đúng ETag nhận được (ví dụ "3").'})
    return version


def _stale(exc: StaleVersion, current: dict):
    db.session.rollback()
    response, code = api_error(412, exc.message)
    body = response.get_json()
    body["current"] = current
    return _tagged(body, exc.current_version), 412


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/plans")
@token_required
def list_plans():
    plans = db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.id.desc())).all()
    return jsonify({"items": [plan_json(p) for p in plans]})


@bp.post("/plans")
@token_required
def create_plan_api():
    require(can_edit_plans(g.api_user))
    data = json_body("PlanInput")
    plan = create_plan(
        PlanInput(
            doc_type=_enum(DocumentType, data, "doc_type", DocumentType.PLAN),
            number=_str(data, "number"),
            title=_str(data, "title"),
            issuer_id=_int(data, "issuer_id"),
            issuer=_str(data, "issuer"),
            issued_on=_date(data, "issued_on", required=True),
            year=_year(data),
            parent_id=_int(data, "parent_id"),
            parent_reference=_str(data, "parent_reference"),
            monitoring_unit_id=_int(data, "monitoring_unit_id"),
            status=_enum(PlanStatus, data, "status", PlanStatus.ACTIVE),
            requires_confirmation=_bool(data, "requires_confirmation", True),
        ),
        g.api_user,
    )
    db.session.commit()
    return jsonify(plan_json(plan)), 201


@bp.get("/plans/<plan_id>")
@token_required
def get_plan(plan_id):
    plan = get_or_404(Plan, plan_id)
    return _tagged(plan_json(plan), plan.version)


def _refuse_nulls(data: dict, body: str, keys) -> None:
    """A 422 naming each of ``keys`` that the body sends as null: a value that may not be cleared."""
    refused = {
        key: f"“{fields.label(body, key)}” là trường bắt buộc, không xoá được (null): gửi một giá trị, hoặc bỏ trường "
        "này ra để giữ nguyên."
        for key in keys
        if key in data and data[key] is None
    }
    if refused:
        raise ValidationFailed(refused)


def _issuer_cleared(data: dict) -> tuple[str, ...]:
    """The issuer keys sent, when every one sent is null: the plan would have no issuer."""
    sent = tuple(key for key in ("issuer_id", "issuer") if key in data)
    return sent if sent and all(data[key] is None for key in sent) else ()


def _plan_patch(plan: Plan, data: dict) -> PlanInput:
    """The plan's stored values merged with the body (RFC 7396): a key absent keeps its value, null clears an
    optional one (``PLAN_CLEARABLE``), null on a required one is a 422. An issuer named by ``issuer``
    (``issuer_id`` absent or null) replaces the stored one."""
    _refuse_nulls(data, "PlanPatch", fields.PLAN_REQUIRED + _issuer_cleared(data))

    def given(key: str, read, stored):
        return read(data, key) if key in data else stored

    by_name = data.get("issuer") is not None and data.get("issuer_id") is None
    return PlanInput(
        doc_type=_enum(DocumentType, data, "doc_type", plan.doc_type),
        number=given("number", _str, plan.number),
        title=given("title", _str, plan.title),
        issuer_id=None if by_name else given("issuer_id", _int, plan.issuer_id),
        issuer=_str(data, "issuer") if by_name else "",
        issued_on=given("issued_on", _date, plan.issued_on),
        year=given("year", lambda body, _key: _year(body), plan.year),
        parent_id=given("parent_id", _int, plan.parent_id),
        parent_reference=given("parent_reference", _str, plan.parent_reference),
        monitoring_unit_id=given("monitoring_unit_id", _int, plan.monitoring_unit_id),
        status=_enum(PlanStatus, data, "status", plan.status),
        requires_confirmation=_bool(data, "requires_confirmation", plan.requires_confirmation),
    )


@bp.patch("/plans/<plan_id>")
@token_required
def update_plan_api(plan_id):
    """The plan form's edit through the same operation (journaled, version-checked: If-Match, 412)."""
    plan = get_or_404(Plan, plan_id)
    require(can_edit_plans(g.api_user))
    data = json_body("PlanPatch")
    based_on = _if_match()
    try:
        update_plan(plan, _plan_patch(plan, data), g.api_user, based_on=based_on)
    except StaleVersion as exc:
        plan = get_or_404(Plan, plan_id)
        return _stale(exc, plan_json(plan))
    db.session.commit()
    return _tagged(plan_json(plan), plan.version)


@bp.get("/plans/<plan_id>/summary")
@token_required
def plan_summary(plan_id):
    plan = get_or_404(Plan, plan_id)
    return jsonify(summary_json(plan, strict_as_of()))


@bp.post("/plans/<plan_id>/tasks")
@token_required
def create_task(plan_id):
    plan = get_or_404(Plan, plan_id)
    require(can_edit_plans(g.api_user))
    data = json_body("TaskInput")
    parent = None
    if data.get("parent_id") is not None:
        parent = db.session.get(Task, _int(data, "parent_id"))
        if parent is None:
            raise ValidationFailed({"parent_id": "Nhiệm vụ cha không tồn tại."})
    coop = data.get("cooperating_unit_ids") or []
    if not isinstance(coop, list) or len(coop) > MAX_LIST or not all(ascii_int(x, 1, INT_MAX) is not None for x in coop):
        raise ValidationFailed({"cooperating_unit_ids": "Phải là danh sách mã đơn vị (số nguyên dương)."})
    task = ops.create_task(
        plan,
        ops.TaskInput(
            title=_str(data, "title"),
            lead_unit_id=_int(data, "lead_unit_id"),
            deadline_text=_str(data, "deadline"),
            due_date=_date(data, "due_date"),
            description=_str(data, "description"),
            cooperating_unit_ids=tuple(coop),
            assignee_id=_int(data, "assignee_id"),
            start_date=_date(data, "start_date"),
            ordinal=_str(data, "ordinal"),
        ),
        g.api_user,
        parent=parent,
    )
    db.session.commit()
    body = one_task_json(task.id, clock.today())
    if task.deadline_kind is DeadlineKind.UNDETERMINED:
        body["warnings"] = {"deadline": undetermined_notice(task.deadline_text, plan.year)}
    return jsonify(body), 201


def _confirmation(args) -> list:
    confirmation = _enum(Confirmation, dict(args), "confirmation", default=None)
    return [] if confirmation is None else [Task.confirmation == confirmation]


@bp.get("/tasks")
@token_required
def list_tasks():
    as_of = strict_as_of()
    args = request.args
    box, boxes = strict_box_filter()
    extra = [Task.extended_due.is_not(None)] if strict_flag("extended") else []
    flt = TaskFilter(
        plan_id=strict_positive("plan_id"),
        unit_id=strict_positive("unit_id"),
        assignee_id=strict_positive("assignee_id"),
        box=box,
        boxes=boxes,
        status=_enum(TaskStatus, dict(args), "status", default=None),
        leaves_only=strict_flag("leaves"),
        extra=[*extra, *_confirmation(args)],
    )
    page = strict_positive("page") or 1
    per_page = min(strict_positive("per_page") or 100, 500)
    rows, total = task_list(flt, as_of, sort=args.get("sort", "due"), page=page, per_page=per_page)
    return jsonify(
        {
            "as_of": as_of.isoformat(),
            "total": total,
            "page": page,
            "per_page": per_page,
            "items": [task_json(t, as_of, name) for t, name in rows],
        }
    )


@bp.get("/tasks/<task_id>")
@token_required
def get_task(task_id):
    task = get_or_404(Task, task_id)
    return _tagged(one_task_json(task.id, strict_as_of()), task.version)


def _progress_patch(task: Task, data: dict) -> ops.ProgressInput:
    """The body as a merge patch (RFC 7396) of the task's progress: absent keeps, ``result`` null clears it,
    ``status`` or ``progress`` null is a 422, and so is ``completed_on`` null on a task that stays done."""
    _refuse_nulls(data, "ProgressInput", fields.TASK_REQUIRED)
    status = _enum(TaskStatus, data, "status", task.status)
    if status is TaskStatus.DONE and "completed_on" in data and data["completed_on"] is None:
        name = fields.label("ProgressInput", "completed_on")
        raise ValidationFailed(
            {"completed_on": f"“{name}” không xoá được khi nhiệm vụ hoàn thành: gửi một ngày, hoặc bỏ trường này ra."}
        )
    result = _str(data, "result") if "result" in data else None
    return ops.ProgressInput(status, _int(data, "progress", 0, 100), result, _date(data, "completed_on"))


@bp.patch("/tasks/<task_id>")
@token_required
def update_task(task_id):
    task = get_or_404(Task, task_id)
    require(can_update_task(g.api_user, task))
    data = json_body("ProgressInput")
    progress = _progress_patch(task, data)
    based_on = _if_match()
    try:
        ops.update_progress(
            task,
            progress,
            g.api_user,
            clock.today(),
            based_on=based_on,
        )
    except StaleVersion as exc:
        return _stale(exc, one_task_json(task.id, clock.today()))
    db.session.commit()
    return _tagged(one_task_json(task.id, clock.today()), task.version)


@bp.post("/tasks/<task_id>/confirm")
@token_required
def confirm(task_id):
    task = get_or_404(Task, task_id)
    require(can_confirm(g.api_user, task))
    ops.confirm_completion(task, g.api_user)
    db.session.commit()
    return jsonify(one_task_json(task.id, clock.today()))


@bp.post("/tasks/<task_id>/return")
@token_required
def return_completion(task_id):
    task = get_or_404(Task, task_id)
    require(can_confirm(g.api_user, task))
    ops.return_completion(task, g.api_user, _str(json_body("ReturnInput"), "reason"))
    db.session.commit()
    return jsonify(one_task_json(task.id, clock.today()))


@bp.post("/tasks/<task_id>/extensions")
@token_required
def request_extension(task_id):
    task = get_or_404(Task, task_id)
    require(can_request_extension(g.api_user, task))
    data = json_body("ExtensionInput")
    req = ops.request_extension(
        task,
        g.api_user,
        _str(data, "reason"),
        _date(data, "proposed_due", required=True),
        clock.today(),
    )
    db.session.commit()
    return jsonify(extension_json(req)), 201


@bp.post("/extensions/<ext_id>/decision")
@token_required
def decide_extension(ext_id):
    req = get_or_404(ExtensionRequest, ext_id)
    require(can_decide_extension(g.api_user))
    data = json_body("DecisionInput")
    approve = data.get("approve")
    if not isinstance(approve, bool):
        raise ValidationFailed({"approve": "Phải là true (duyệt) hoặc false (không duyệt)."})
    ops.decide_extension(req, g.api_user, approve, _str(data, "note"), clock.now())
    db.session.commit()
    return jsonify(extension_json(req))
