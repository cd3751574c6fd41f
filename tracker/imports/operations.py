"""Every write of the import: a draft from an upload or pasted text, the preview's edits, the one
transaction that creates the plan, its tasks, its reporting duties and keeps the source file, and the
unit aliases. The caller commits once; on ``ValidationFailed`` it rolls back, so nothing is half-saved.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.imports.models import DraftStatus, ImportDraft, UnitAlias
from tracker.imports.parse_files import check_text_size, parse_file, parse_text
from tracker.imports.parse_model import ReadError
from tracker.imports.queries import catalog, plans_with_number
from tracker.imports.resolve import coop_units, deadline_state, lead_units, pending_groups, resolve, resolve_task
from tracker.indicators.operations import create_from_candidates
from tracker.plans.models import Plan
from tracker.plans.operations import PlanInput, create_plan
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.documents import DocumentType, normalise_number
from tracker.rules.folding import fold
from tracker.rules.status import TaskStatus
from tracker.tasks import operations as task_ops
from tracker.tasks.models import Task

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "text": "text/plain; charset=utf-8",
}


def read_source(filename: str, data: bytes, max_bytes: int) -> dict[str, Any]:
    """Parse and resolve without writing anything (the CLI's --dry-run and the API's preview)."""
    try:
        kind, doc = parse_file(filename, data, max_bytes)
    except ReadError as exc:
        raise ValidationFailed({"file": str(exc)}) from None
    return _with_warnings(resolve(doc, catalog(), filename=filename, kind=kind))


def read_pasted(text: str) -> dict[str, Any]:
    try:
        check_text_size(text)
        doc = parse_text(text)
    except ReadError as exc:
        raise ValidationFailed({"text": str(exc)}) from None
    if not doc.tasks:
        raise ValidationFailed({"text": "Không tìm thấy nhiệm vụ nào trong văn bản đã dán."})
    return _with_warnings(resolve(doc, catalog(), filename="văn bản dán.txt", kind="text"))


def _with_warnings(state: dict[str, Any]) -> dict[str, Any]:
    number = state["header"]["number"]
    for plan in plans_with_number(number):
        state["warnings"].insert(0, f"Đã có văn bản số {number} trong hệ thống ({plan.title}): tệp này có thể đã được nhập.")
    return state


def create_draft(*, actor: User, filename: str = "", data: bytes | None = None, text: str = "", max_bytes: int) -> ImportDraft:
    if data is not None:
        state = read_source(filename, data, max_bytes)
        content = data
    else:
        state = read_pasted(text)
        content = text.encode("utf-8")
        filename = "van-ban-dan.txt"
    draft = ImportDraft(
        created_by_id=actor.id,
        filename=(filename or "tệp")[:255],
        kind=state["kind"],
        content_type=CONTENT_TYPES.get(state["kind"]) or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        size=len(content),
        content=content,
        status=DraftStatus.DRAFT,
    )
    draft.data = state
    db.session.add(draft)
    db.session.flush()
    log.info("import draft %s (%s, %d tasks) by %s", draft.id, draft.filename, len(state["tasks"]), actor.username)
    return draft


# ---------------------------------------------------------------- preview edits


@dataclass
class TaskEdit:
    key: str
    title: str | None = None
    ordinal: str | None = None
    parent: str | None = None  # "" = top level
    lead_unit_id: int | None = None
    coop_unit_ids: list[int] | None = None
    deadline_text: str | None = None
    product: str | None = None
    drop: bool = False


@dataclass
class DraftEdit:
    header: dict[str, Any]
    tasks: list[TaskEdit]
    groups: dict[str, tuple[bool, list[int]]]  # key -> (confirmed, unit ids)
    merge: str | None = None  # merge this row into the one above it


def _require_draft(draft: ImportDraft) -> None:
    if draft.status is not DraftStatus.DRAFT:
        raise ValidationFailed("Bản xem trước này đã được dùng để tạo kế hoạch; hãy nhập lại nếu cần.")


def _descendants(tasks: list[dict], key: str) -> set[str]:
    out: set[str] = set()
    frontier = {key}
    while frontier:
        frontier = {t["key"] for t in tasks if t.get("parent") in frontier} - out
        out |= frontier
    return out


def edit_draft(draft: ImportDraft, edit: DraftEdit, actor: User) -> ImportDraft:
    """Apply the preview's edits: rename, renumber, re-parent, pick units, rewrite a deadline, drop or
    merge rows, confirm what a group phrase means. Refuses a parent that would be the row itself or one
    of its own sub-rows."""
    _require_draft(draft)
    state = draft.data
    units = {u.id for u in db.session.scalars(select(Unit).where(Unit.active.is_(True)))}
    year = _edit_header(state["header"], edit.header)
    by_key = {t["key"]: t for t in state["tasks"]}
    errors: dict[str, str] = {}
    for e in edit.tasks:
        row = by_key.get(e.key)
        if row is not None:
            _edit_row(row, e, _RowContext(state["tasks"], by_key, units, year), errors)
    for key, (confirmed, unit_ids) in edit.groups.items():
        if key in state["groups"]:
            state["groups"][key]["confirmed"] = confirmed
            state["groups"][key]["unit_ids"] = [u for u in dict.fromkeys(unit_ids) if u in units]
    dropped = {e.key for e in edit.tasks if e.drop}
    for key in list(dropped):
        dropped |= _descendants(state["tasks"], key)
    state["tasks"] = [t for t in state["tasks"] if t["key"] not in dropped]
    if edit.merge:
        _merge_up(state, edit.merge)
    if errors:
        raise ValidationFailed(errors)
    draft.data = state
    draft.updated_at = clock.now()
    db.session.flush()
    log.info("import draft %s edited by %s", draft.id, actor.username)
    return draft


def _edit_header(header: dict[str, Any], edited: dict[str, Any]) -> int | None:
    """Apply the header's edits; return the year that reads the rows' deadlines (from the date issued)."""
    for name in ("doc_type", "number", "title", "issuer_id", "issued_on", "parent_id", "parent_reference", "monitoring_unit_id"):
        if name in edited:
            header[name] = edited[name]
    if header.get("issued_on"):
        header["year"] = int(str(header["issued_on"])[:4])
    return header.get("year")


@dataclass(frozen=True)
class _RowContext:
    tasks: list[dict[str, Any]]
    by_key: dict[str, dict[str, Any]]
    units: set[int]
    year: int | None


def _edit_row(row: dict[str, Any], e: TaskEdit, ctx: _RowContext, errors: dict[str, str]) -> None:
    """One row's edits; a refused field leaves the row's value and adds its message to ``errors``."""
    if e.title is not None:
        if not e.title.strip():
            errors[f"{e.key}-title"] = f"Dòng {row['source']}: tên nhiệm vụ không được để trống."
        else:
            row["title"] = e.title.strip()
    if e.ordinal is not None:
        row["ordinal"] = e.ordinal.strip()[:30]
    if e.parent is not None:
        _edit_parent(row, e, ctx, errors)
    if e.lead_unit_id is not None:
        _edit_lead(row, e, ctx.units, errors)
    if e.coop_unit_ids is not None:
        row["coop_unit_ids"] = [u for u in dict.fromkeys(e.coop_unit_ids) if u in ctx.units]
    if e.deadline_text is not None and e.deadline_text.strip() != row["deadline"]["phrase"]:
        row["deadline_text"] = e.deadline_text.strip()
        row["deadline"] = deadline_state(row["deadline_text"], ctx.year)
    if e.product is not None:
        row["product"] = e.product.strip()
    row["unresolved"] = list(row.get("unresolved_lead", [])) if row.get("lead_unit_id") is None else []


def _edit_parent(row: dict[str, Any], e: TaskEdit, ctx: _RowContext, errors: dict[str, str]) -> None:
    parent = e.parent or None
    if parent is not None and (parent == e.key or parent in _descendants(ctx.tasks, e.key) or parent not in ctx.by_key):
        errors[f"{e.key}-parent"] = f"“{row['title'][:60]}”: không thể đặt dưới chính nó hoặc phần việc của nó."
    else:
        row["parent"] = parent


def _edit_lead(row: dict[str, Any], e: TaskEdit, units: set[int], errors: dict[str, str]) -> None:
    if e.lead_unit_id and e.lead_unit_id not in units:
        errors[f"{e.key}-lead"] = "Đơn vị chủ trì không tồn tại."
        return
    row["lead_unit_id"] = e.lead_unit_id or None
    if e.lead_unit_id:
        row["lead_units"], row["lead_groups"], row["unresolved_lead"] = [], [], []


def _merge_up(state: dict[str, Any], key: str) -> None:
    """Merge a row into the row above it: its text is appended, its sub-rows move to that row."""
    tasks = state["tasks"]
    index = next((i for i, t in enumerate(tasks) if t["key"] == key), None)
    if not index:
        raise ValidationFailed("Không có dòng phía trên để gộp vào.")
    row, above = tasks[index], tasks[index - 1]
    above["description"] = "\n".join(
        x for x in (above.get("description") or above["title"], row.get("description") or row["title"]) if x
    )
    for t in tasks:
        if t.get("parent") == key:
            t["parent"] = above["key"]
    del tasks[index]


# ---------------------------------------------------------------- confirm


def _order(tasks: list[dict]) -> list[dict]:
    """Parents before their children, the document's order otherwise."""
    keys = {t["key"] for t in tasks}
    children: dict[str | None, list[dict]] = {}
    for t in tasks:
        parent = t.get("parent") if t.get("parent") in keys else None
        children.setdefault(parent, []).append(t)
    out: list[dict] = []

    def walk(parent: str | None) -> None:
        for t in children.get(parent, []):
            out.append(t)
            walk(t["key"])

    walk(None)
    return out


def problems(state: dict[str, Any]) -> dict[str, str]:
    """What still stops the import, keyed by row: the preview lists these, the confirmation refuses."""
    errors: dict[str, str] = {}
    groups = state["groups"]
    heading = heading_unit(state)
    with_children = {t.get("parent") for t in state["tasks"]}
    for row in state["tasks"]:
        where = f"{row['source']} “{row['title'][:60]}”"
        pending = pending_groups(row, groups)
        if pending:
            errors[f"{row['key']}-groups"] = f"{where}: cần xác nhận nhóm đơn vị “{'”, “'.join(pending)}”."
        elif not lead_units(row, groups, heading if row["key"] in with_children else None):
            unknown = ", ".join(row.get("unresolved_lead") or []) or "không ghi"
            errors[f"{row['key']}-lead"] = f"{where}: chưa xác định đơn vị chủ trì ({unknown}); hãy chọn đơn vị."
        if row["deadline"]["flag"] == "invalid":
            errors[f"{row['key']}-deadline"] = f"{where}: {row['deadline']['note']}"
    return errors


def heading_unit(state: dict[str, Any]) -> int | None:
    """The unit heading rows without one of their own are given: the plan's monitoring unit."""
    return state["header"].get("monitoring_unit_id")


def _plan_input(header: dict[str, Any]) -> PlanInput:
    issued = header.get("issued_on")
    try:
        issued_on = date.fromisoformat(issued) if isinstance(issued, str) and issued else issued or None
    except ValueError:
        issued_on = None
    try:
        doc_type = DocumentType(header.get("doc_type") or "plan")
    except ValueError:
        doc_type = DocumentType.PLAN
    return PlanInput(
        doc_type=doc_type,
        number=normalise_number(header.get("number") or ""),
        title=header.get("title") or "",
        issued_on=issued_on,
        issuer_id=header.get("issuer_id"),
        parent_id=header.get("parent_id"),
        parent_reference=header.get("parent_reference") or "",
        monitoring_unit_id=header.get("monitoring_unit_id"),
    )


def _task_input(row: dict, lead: int, coop: list[int], title: str | None = None) -> task_ops.TaskInput:
    deadline = row["deadline"]
    phrase = deadline["phrase"] or "Chưa xác định thời hạn"
    explicit = date.fromisoformat(deadline["explicit"]) if deadline.get("explicit") else None
    start = date.fromisoformat(deadline["start_date"]) if deadline.get("start_date") else None
    description = row.get("description") or ""
    if row.get("product"):
        description = (description + "\n" if description else "") + f"Sản phẩm: {row['product']}"
    if row.get("note"):
        description = (description + "\n" if description else "") + f"Ghi chú: {row['note']}"
    if explicit and start and explicit < start:
        start = None
    return task_ops.TaskInput(
        title=title or row["title"],
        lead_unit_id=lead,
        deadline_text=phrase[:300],
        due_date=explicit,
        description=description,
        cooperating_unit_ids=tuple(coop),
        assignee_id=row.get("assignee_id") if row.get("assignee_id") and not title else None,
        start_date=start,
        ordinal=(row.get("ordinal") or "")[:30],
    )


def confirm_draft(draft: ImportDraft, actor: User, today: date | None = None) -> Plan:
    """Create the plan, its tasks and reporting duties, and keep the source with it — all or nothing."""
    _require_draft(draft)
    state = draft.data
    errors = problems(state)
    if not state["tasks"]:
        errors["tasks"] = "Không còn nhiệm vụ nào để tạo."
    try:
        plan = create_plan(_plan_input(state["header"]), actor, today)
    except ValidationFailed as exc:
        errors = {**{f"header-{k}": v for k, v in exc.errors.items()}, **errors}
        raise ValidationFailed(errors) from None
    if errors:
        raise ValidationFailed(errors)
    groups = state["groups"]
    unit_names = {u.id: u.name for u in db.session.scalars(select(Unit))}
    created: dict[str, Task] = {}
    today = today or clock.today()
    with_children = {t.get("parent") for t in state["tasks"]}
    heading = heading_unit(state)
    for row in _order(state["tasks"]):
        lead = lead_units(row, groups, heading if row["key"] in with_children else None)
        coop = coop_units(row, groups, lead)
        parent = created.get(row.get("parent") or "")
        if len(lead) > 1 and row["key"] in with_children:
            # A heading over its own items: counted through them, so it is not split; it names the first.
            lead = lead[:1]
        try:
            if len(lead) == 1:
                task = task_ops.create_task(plan, _task_input(row, lead[0], coop), actor, parent=parent)
            else:
                # Several lead units: the row is the parent, each unit gets its own phần việc.
                holder = dict(row, deadline=dict(row["deadline"], phrase="Theo từng đơn vị", explicit=None, start_date=None))
                holder["deadline"]["phrase"] = "Theo từng đơn vị"
                task = task_ops.create_task(plan, _task_input(holder, lead[0], []), actor, parent=parent)
                for unit_id in lead:
                    child_row = dict(row, ordinal="", description="")
                    child = task_ops.create_task(
                        plan,
                        _task_input(
                            child_row,
                            unit_id,
                            [u for u in coop if u != unit_id],
                            title=f"{row['title']} — {unit_names.get(unit_id, '')}",
                        ),
                        actor,
                        parent=task,
                    )
                    _import_state(child, row, actor, today)
        except ValidationFailed as exc:
            message = "; ".join(exc.errors.values())
            raise ValidationFailed({f"{row['key']}-task": f"{row['source']} “{row['title'][:60]}”: {message}"}) from None
        if len(lead) == 1:
            _import_state(task, row, actor, today)
        created[row["key"]] = task
    create_from_candidates(plan, state.get("indicators", []), actor)
    draft.status = DraftStatus.CONFIRMED
    draft.plan_id = plan.id
    db.session.flush()
    log.info("import draft %s confirmed by %s: plan %s with %d tasks", draft.id, actor.username, plan.id, len(created))
    return plan


def _import_state(task: Task, row: dict, actor: User, today: date) -> None:
    """A workbook's status or completion-date column, when present, becomes the task's state."""
    status = row.get("status") or ""
    completed = date.fromisoformat(row["completed_on"]) if row.get("completed_on") else None
    if completed and not status:
        status = "done"
    if not status or status == "not_started" or task.children and task.deadline_kind is DeadlineKind.PERIODIC:
        return
    if completed and completed > today:
        completed = None
    task_ops.update_progress(
        task, task_ops.ProgressInput(TaskStatus(status), 100 if status == "done" else None, None, completed), actor, today
    )


# ---------------------------------------------------------------- aliases


def save_alias(*, unit_id: int | None, alias: str, actor: User) -> UnitAlias:
    errors: dict[str, str] = {}
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        errors["unit_id"] = "Vui lòng chọn đơn vị."
    text = " ".join((alias or "").split())
    key = fold(text)
    if not key:
        errors["alias"] = "Vui lòng nhập tên gọi khác."
    elif len(text) > 200:
        errors["alias"] = "Tên quá dài (tối đa 200 ký tự)."
    else:
        same = db.session.scalar(select(UnitAlias).where(UnitAlias.key == key))
        if same is not None:
            errors["alias"] = f"“{text}” đã là tên gọi khác của {same.unit.name}."
        clash = next(
            (u for u in db.session.scalars(select(Unit)) if fold(u.name) == key and (unit is None or u.id != unit.id)), None
        )
        if clash is not None:
            errors["alias"] = f"“{text}” là tên của đơn vị {clash.name}."
    if errors:
        raise ValidationFailed(errors)
    row = UnitAlias(unit_id=unit.id, alias=text, key=key, created_by_id=actor.id)  # type: ignore[union-attr]
    db.session.add(row)
    db.session.flush()
    log.info("unit alias %r -> %s added by %s", text, unit.name, actor.username)  # type: ignore[union-attr]
    return row


def delete_alias(alias: UnitAlias, actor: User) -> None:
    log.info("unit alias %r -> %s deleted by %s", alias.alias, alias.unit.name, actor.username)
    db.session.delete(alias)
    db.session.flush()


def refresh_units(draft: ImportDraft, actor: User) -> ImportDraft:
    """Match the rows again (after an alias was added): rows whose unit the user picked keep it."""
    _require_draft(draft)
    state = draft.data
    cat = catalog()
    year = state["header"].get("year")
    rows = []
    for row in state["tasks"]:
        if row.get("lead_unit_id"):
            rows.append(row)
            continue
        fresh = resolve_task({k: row[k] for k in row if k in _PARSED_FIELDS}, cat, state["groups"], year)
        fresh["deadline"] = row["deadline"]
        rows.append(fresh)
    state["tasks"] = rows
    draft.data = state
    db.session.flush()
    return draft


_PARSED_FIELDS = {
    "key", "ordinal", "title", "source", "parent", "description", "lead_text", "coop_text", "deadline_text",
    "product", "note", "person", "status_text", "completed_text", "duty",
}  # fmt: skip
