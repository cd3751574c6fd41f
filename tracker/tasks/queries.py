"""Reads of tasks: the filtered, paged task lists, a plan's tree, the unit board, the task page.

The SQL conditions live in ``conditions`` (the twins of the classification), the filters in
``filters``, the roll-up counts in ``rollup``; they are re-exported here under their old names for
the other packages (to be imported from their own modules from now on).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from sqlalchemy import Select, case, func, literal_column, select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Unit
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.board import BoardItem, due_soon, unit_board_groups
from tracker.rules.children import ChildRollup
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.extensions import extension_refusal
from tracker.rules.rollup import Counts
from tracker.rules.status import Box, classify
from tracker.tasks import parents
from tracker.tasks.conditions import (  # noqa: F401  (re-exported for one merge)
    COMPLETED,
    EXTENDED,
    FLAGGED,
    PENDING,
    _among,
    _is,
    box_condition,
    completed_condition,
    leaf,
)
from tracker.tasks.filters import BOX_GROUPS, TaskFilter  # noqa: F401
from tracker.tasks.models import Attachment, ExtensionRequest, ExtensionState, Task, TaskEvent, task_cooperating_unit
from tracker.tasks.rollup import _grouped, _tally_reads, _task_reads, summarize, summarize_by  # noqa: F401
from tracker.tasks.rows import ROW_FIELDS, TaskRow

# Literal numbers: an index on an expression serves only that very expression, not one with parameters.
TITLE_ORDER = func.substr(Task.title, literal_column("1"), literal_column("100"))
DATED_BOXES = (Box.DONE_ON_TIME, Box.DONE_LATE, Box.OPEN_IN_TIME, Box.OPEN_OVERDUE)
SORTS = {
    "due": (Task.effective_due.is_(None), Task.effective_due, Task.id),
    "-due": (Task.effective_due.is_(None), Task.effective_due.desc(), Task.id),
    "plan": (Task.plan_id, Task.position, Task.id),
    "updated": (Task.updated_at.desc(), Task.id),
    # By the title's first 100 characters, then the number: what ix_task_title_order holds (a whole
    # title can be longer than an index entry may be), so no sort of every task.
    "title": (TITLE_ORDER, Task.id),
}
# A list of at most this many rows is read through its own filter's index and sorted: on SQLite, a
# short list in deadline order (a person's own tasks, none at all) otherwise walks the whole deadline
# index to find its few rows — "Việc của tôi" of văn phòng took 2,7 s at a million tasks.
FEW = 5_000
_NULL_LAST = case((Task.effective_due.is_(None), 1), else_=0)
# The deadline orders written so that no index gives them (the same order: ISO dates sort as text).
FEW_SORTS = {
    "due": (_NULL_LAST, Task.effective_due.concat(""), Task.id + 0),
    "-due": (_NULL_LAST, Task.effective_due.concat("").desc(), Task.id + 0),
}


def _list_conditions(flt: TaskFilter, as_of: date) -> list:
    conds = flt.conditions(as_of)
    if (flt.box or flt.boxes) and not flt.leaves_only:
        conds.append(leaf())
    return conds


def list_statement(
    flt: TaskFilter,
    as_of: date,
    sort: str,
    page: int,
    per_page: int,
    *,
    conditions: list | None = None,
    total: int | None = None,
) -> Select:
    """The rows of one page. In deadline order an index gives the order (ix_task_open for a dated box,
    ix_task_due_order(_desc) otherwise, those without a deadline last): no sort of every task.
    ``conditions``: those ``_list_conditions(flt, as_of)`` already built (``task_list`` counts with them
    too); None: built here. ``total``: the list's size when known — at most ``FEW`` rows on SQLite, and
    its rows are sorted rather than found along the deadline index."""
    order = SORTS.get(sort, SORTS["due"])
    if total is not None and total <= FEW and sort in FEW_SORTS and db.session.get_bind().dialect.name == "sqlite":
        order = FEW_SORTS[sort]
    elif sort in ("due", "-due") and flt.box in DATED_BOXES:
        order = order[1:]  # every task has a deadline: the index on it gives the order, no sort
    return (
        select(*(getattr(Task, f) for f in ROW_FIELDS), Plan.number, Unit.name)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(*(_list_conditions(flt, as_of) if conditions is None else conditions))
        .order_by(*order)
        .limit(per_page)
        .offset(max(page - 1, 0) * per_page)
    )


def _count(conditions: list) -> int:
    return db.session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0


def task_count(flt: TaskFilter, as_of: date) -> int:
    """How many rows ``task_list`` has for ``flt`` (its count alone, no page read)."""
    return _count(_list_conditions(flt, as_of))


def task_list(
    flt: TaskFilter, as_of: date, sort: str = "due", page: int = 1, per_page: int = 50, total: int | None = None
) -> tuple[list[tuple[TaskRow, str | None]], int]:
    """One page of tasks with their box at ``as_of``, and the total count: at most five queries whatever the size.

    A parent (a task with sub-tasks) has no box: a box filter never lists it, and its row carries its
    leaves' roll-up instead, with the box ``None``. ``total``: the count, when the caller has it already
    (a report's figure of the same tasks), not read again."""
    conds = _list_conditions(flt, as_of)
    if total is None:
        total = _count(conds)
    if not total:
        return [], 0
    page_rows = list_statement(flt, as_of, sort, page, per_page, conditions=conds, total=total)
    tasks = [TaskRow(*row) for row in db.session.execute(page_rows)]
    if tasks:
        by_id = {t.id: t for t in tasks}
        link = task_cooperating_unit.c
        for task_id, unit_id in db.session.execute(
            select(link.task_id, link.unit_id)
            .join(Unit, Unit.id == link.unit_id)
            .where(link.task_id.in_(list(by_id)))
            .order_by(Unit.position, Unit.id)
        ):
            by_id[task_id].cooperating_unit_ids.append(unit_id)
        for task_id, rollup in parents.rollups((t.id for t in tasks if not t.is_leaf), as_of).items():
            by_id[task_id].rollup = rollup
        for task_id in parents.pending_extensions(by_id):
            by_id[task_id].extension_pending = True
    rows = []
    for task in tasks:
        box = classify(task.facts, as_of) if task.is_leaf else None
        rows.append((task, box.value if box else None))
    return rows, total


# What a list row shows besides the task itself (plan_tasks and tasks_by_ids load the same).
ROW_LOADS = (selectinload(Task.lead_unit), selectinload(Task.cooperating_units), selectinload(Task.assignee))


def plan_tasks(plan_id: int) -> list[Task]:
    """All tasks of a plan, ordered for display as a tree (the caller nests them by parent_id)."""
    return list(
        db.session.scalars(select(Task).where(Task.plan_id == plan_id).order_by(Task.position, Task.id).options(*ROW_LOADS))
    )


def plan_outline(plan_id: int) -> list:
    """A plan's tasks as (id, parent_id, ordinal, title, assignee_id) rows in display order: the tree's
    shape and a choice of parent, without loading every task with its units (a plan of 5,000 tasks took
    6 s to load whole)."""
    return list(
        db.session.execute(
            select(Task.id, Task.parent_id, Task.ordinal, Task.title, Task.assignee_id)
            .where(Task.plan_id == plan_id)
            .order_by(Task.position, Task.id)
        )
    )


def plan_task_count(plan_id: int) -> int:
    return _count([Task.plan_id == plan_id])


def plan_shape(plan_id: int) -> list[tuple[int, int | None]]:
    """A plan's tasks as (id, parent_id) pairs, each parent's children in display order (position, id):
    the tree's shape alone, read from the index on (plan, parent, position) without the table (the plan
    page reads the rows it shows in full, a page at a time; a plan of the shared workload's million
    holds 73,703 tasks). Fetched by the driver as plain tuples: SQLAlchemy's rows cost 0,2 s more there
    (the plan id, an integer, is written into the statement)."""
    stmt = select(Task.id, Task.parent_id).where(Task.plan_id == int(plan_id)).order_by(Task.parent_id, Task.position, Task.id)
    connection = db.session.connection()
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(stmt.compile(connection, compile_kwargs={"literal_binds": True})))
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def assigned_in_plan(plan_id: int, assignee_id: int) -> set[int]:
    """The ids of a person's tasks in a plan (the plan page's "Người thực hiện")."""
    return set(db.session.scalars(select(Task.id).where(Task.plan_id == plan_id, Task.assignee_id == assignee_id)))


def tasks_by_ids(ids: list[int]) -> dict[int, Task]:
    """The tasks ``ids`` with what a list row shows (units, assignee), by id."""
    if not ids:
        return {}
    return {t.id: t for t in db.session.scalars(select(Task).where(Task.id.in_(ids)).options(*ROW_LOADS))}


def tree(
    items: list, key: Callable = attrgetter("id"), parent: Callable = attrgetter("parent_id")
) -> list[tuple[Any, int, bool]]:
    """Depth-first order with depth and whether the item has children: tasks, or the (id, parent_id)
    pairs of ``plan_shape`` with ``key=itemgetter(0), parent=itemgetter(1)``."""
    by_parent: dict[Any, list] = {}
    for item in items:
        by_parent.setdefault(parent(item), []).append(item)
    out: list[tuple[Any, int, bool]] = []
    stack = [(item, 0) for item in reversed(by_parent.get(None, []))]
    while stack:
        item, depth = stack.pop()
        kids = by_parent.get(key(item))
        out.append((item, depth, kids is not None))
        if kids:
            stack.extend((kid, depth + 1) for kid in reversed(kids))
    return out


def plan_options() -> list:
    """(id, number) of every plan for the filter menus: plain rows, there may be thousands."""
    return list(db.session.execute(select(Plan.id, Plan.number).order_by(Plan.year.desc(), Plan.number)).all())


def unit_options() -> list:
    """(id, name) of every unit for the filter menus."""
    return list(db.session.execute(select(Unit.id, Unit.name).order_by(Unit.position, Unit.name)).all())


# The unit page lists every task of the unit, up to this many (a unit has a few hundred at most).
# The board shows the unit's tasks nearest their deadline; beyond this many it says so and links to the
# full list (a unit of the shared workload's million leads 50,000 tasks: 2,000 rows made a 1,9 MB page).
UNIT_BOARD_LIMIT = 500


def unit_board(
    unit_id: int, as_of: date, horizon: date, assignee_id: int | None = None
) -> tuple[list[tuple[Box, list[BoardItem[TaskRow]]]], Counts, int]:
    """ "Việc của đơn vị": the leaves the unit leads or cooperates on (those of one person when
    ``assignee_id`` is given), in the groups and order of ``rules.board.unit_board_groups`` (due soon
    first), their roll-up, and how many there are in all (at most UNIT_BOARD_LIMIT are shown)."""
    flt = TaskFilter(unit_id=unit_id, unit_role="any", leaves_only=True, assignee_id=assignee_id)
    rows, total = task_list(flt, as_of, sort="due", per_page=UNIT_BOARD_LIMIT)
    groups = unit_board_groups(((t, Box(b) if b else None, t.effective_due) for t, b in rows), horizon)
    return groups, summarize(flt, as_of), total


@dataclass
class TaskPage:
    """What the task page shows besides the task: its journal, evidence, extension requests, sub-tasks
    (as the lists show them), the path of parents, and what is computed from them."""

    events: list[TaskEvent]
    files: list[Attachment]
    extensions: list[ExtensionRequest]
    children: list[tuple[TaskRow, str | None]]
    ancestors: list[Task]
    box: Box | None
    rollup: ChildRollup | None
    soon: bool
    extension_pending: bool
    # Why no extension can be asked for (None: the request form is offered): rules.extensions.
    extension_refusal: str | None
    # The deadline in force was moved off a day off (Điều 148): the page says so.
    shifted: bool


def _ancestors(task: Task) -> list[Task]:
    out: list[Task] = []
    node = task.parent
    while node is not None:
        out.insert(0, node)
        node = node.parent
    return out


def task_page(task: Task, as_of: date, horizon: date) -> TaskPage:
    events = db.session.scalars(
        select(TaskEvent)
        .where(TaskEvent.task_id == task.id)
        .order_by(TaskEvent.at.desc(), TaskEvent.id.desc())
        .options(selectinload(TaskEvent.user))
    ).all()
    files = db.session.scalars(
        select(Attachment)
        .where(Attachment.task_id == task.id)
        .order_by(Attachment.uploaded_at)
        .options(selectinload(Attachment.uploaded_by))
    ).all()
    extensions = db.session.scalars(
        select(ExtensionRequest)
        .where(ExtensionRequest.task_id == task.id)
        .order_by(ExtensionRequest.requested_at.desc())
        .options(selectinload(ExtensionRequest.requested_by), selectinload(ExtensionRequest.decided_by))
    ).all()
    # The sub-tasks as the lists show them: a leaf with its box, a parent with its roll-up.
    children, _ = task_list(TaskFilter(extra=[Task.parent_id == task.id]), as_of, sort="plan", per_page=1000)
    # A parent has no box of its own: it shows its leaves' roll-up.
    box = None if children else classify(task.facts, as_of)
    pending = any(e.state is ExtensionState.PENDING for e in extensions)
    return TaskPage(
        events=list(events),
        files=list(files),
        extensions=list(extensions),
        children=children,
        ancestors=_ancestors(task),
        box=box,
        rollup=parents.rollups([task.id], as_of)[task.id] if children else None,
        soon=due_soon(box, task.effective_due, horizon),
        extension_pending=pending,
        extension_refusal=extension_refusal(task.deadline_kind, task.effective_due, task.status, pending),
        shifted=task.deadline_kind is DeadlineKind.FIXED and task.effective_due != (task.extended_due or task.due_date),
    )
