"""Reads: the four boxes in SQL, the roll-up counts, and the filtered task lists.

``box_expression`` is the SQL twin of ``tracker.rules.status.classify``; a test checks that the two
agree on every combination. Counting happens in the database (GROUP BY), never in a Python loop over
rows, and only over leaves: a task with sub-tasks is counted through them, never twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, case, exists, func, literal, literal_column, or_, select, text
from sqlalchemy.orm import aliased, selectinload

from tracker import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.rollup import Counts
from tracker.rules.status import Box, Confirmation, TaskStatus
from tracker.tasks.models import Task, task_cooperating_unit


def completed_condition(as_of: date):
    return and_(
        Task.status == TaskStatus.DONE,
        Task.confirmation != Confirmation.RETURNED,
        Task.completed_on.is_not(None),
        Task.completed_on <= as_of,
    )


def box_expression(as_of: date):
    completed = completed_condition(as_of)
    dated = and_(Task.deadline_kind == DeadlineKind.FIXED, Task.effective_due.is_not(None))
    return case(
        (Task.status == TaskStatus.CANCELLED, literal(None)),
        (and_(completed, ~dated), literal(Box.NO_DEADLINE_DONE.value)),
        (~dated, literal(Box.NO_DEADLINE_OPEN.value)),
        (and_(completed, Task.completed_on <= Task.effective_due), literal(Box.DONE_ON_TIME.value)),
        (completed, literal(Box.DONE_LATE.value)),
        (Task.effective_due >= as_of, literal(Box.OPEN_IN_TIME.value)),
        else_=literal(Box.OPEN_OVERDUE.value),
    )


OPEN_STATUS = text("task.status NOT IN ('done', 'cancelled')")


def implied_by_box(box: Box, as_of: date) -> list:
    """Plain conditions every task in ``box`` meets, so the database can use its indexes; the box
    expression alone is a CASE no index can serve."""
    if box in (Box.OPEN_OVERDUE, Box.OPEN_IN_TIME):
        due = Task.effective_due < as_of if box is Box.OPEN_OVERDUE else Task.effective_due >= as_of
        if as_of >= clock.today():
            # No completion date lies in the future and a returned task is never "done" (both enforced by
            # tasks.operations), so from today on an open task is one not done: the partial index
            # ix_task_open_due serves this. The predicate is written out literally so SQLite and
            # PostgreSQL can match it to the index.
            return [due, OPEN_STATUS]
        return [due, Task.status != TaskStatus.CANCELLED]
    if box in (Box.DONE_ON_TIME, Box.DONE_LATE, Box.NO_DEADLINE_DONE):
        return [Task.completed_on <= as_of, Task.status == TaskStatus.DONE]
    return []


def is_leaf():
    child = aliased(Task)
    return ~exists(select(child.id).where(child.parent_id == Task.id))


@dataclass
class TaskFilter:
    plan_id: int | None = None
    unit_id: int | None = None
    # "lead": tasks the unit leads; "any": leads or cooperates on.
    unit_role: str = "lead"
    assignee_id: int | None = None
    box: Box | None = None
    # Several boxes at once: "đã hoàn thành" (both completed boxes and no-deadline done), "chưa hoàn thành".
    boxes: tuple[Box, ...] = ()
    status: TaskStatus | None = None
    year: int | None = None
    search: str = ""
    due_from: date | None = None
    due_to: date | None = None
    done_from: date | None = None
    done_to: date | None = None
    leaves_only: bool = False
    extra: list = field(default_factory=list)

    def conditions(self, as_of: date) -> list:
        conds: list = list(self.extra)
        if self.plan_id:
            conds.append(Task.plan_id == self.plan_id)
        if self.unit_id:
            if self.unit_role == "any":
                conds.append(
                    or_(
                        Task.lead_unit_id == self.unit_id,
                        Task.id.in_(
                            select(task_cooperating_unit.c.task_id).where(task_cooperating_unit.c.unit_id == self.unit_id)
                        ),
                    )
                )
            else:
                conds.append(Task.lead_unit_id == self.unit_id)
        if self.assignee_id:
            conds.append(Task.assignee_id == self.assignee_id)
        if self.status:
            conds.append(Task.status == self.status)
        if self.year:
            conds.append(Task.plan_id.in_(select(Plan.id).where(Plan.year == self.year)))
        if self.search:
            like = f"%{self.search.strip()}%"
            conds.append(or_(Task.title.ilike(like), Task.ordinal.ilike(like)))
        if self.due_from:
            conds.append(Task.effective_due >= self.due_from)
        if self.due_to:
            conds.append(Task.effective_due <= self.due_to)
        if self.done_from:
            conds.append(Task.completed_on >= self.done_from)
        if self.done_to:
            conds.append(Task.completed_on <= self.done_to)
        if self.box:
            conds.append(box_expression(as_of) == self.box.value)
            conds.extend(implied_by_box(self.box, as_of))
        if self.boxes:
            conds.append(box_expression(as_of).in_([b.value for b in self.boxes]))
        if self.leaves_only:
            conds.append(is_leaf())
        return conds


def summarize(flt: TaskFilter, as_of: date) -> Counts:
    """The roll-up for one scope at ``as_of``: leaves only, cancelled left out, in one query."""
    return summarize_by(None, flt, as_of).get(None, Counts())


def summarize_by(key_column, flt: TaskFilter, as_of: date) -> dict:
    """The same roll-up grouped by a column (``Task.plan_id``, ``Task.lead_unit_id``; ``None``: no
    grouping), in one query; each group also carries its oldest overdue deadline."""
    box = box_expression(as_of).label("box")
    # "+ 0" keeps SQLite from walking an index on the key for the grouping (one random row read per task,
    # twice as slow as scanning the table); positions in GROUP BY keep the CASE from being computed twice.
    keys = [(key_column + 0).label("key")] if key_column is not None else []
    leaf = [] if flt.leaves_only else [is_leaf()]
    stmt = (
        select(
            *keys,
            box,
            func.count(),
            func.sum(case((and_(Task.confirmation == Confirmation.PENDING, completed_condition(as_of)), 1), else_=0)),
            func.sum(case((Task.extended_due.is_not(None), 1), else_=0)),
            func.min(Task.effective_due),
        )
        .where(*leaf, Task.status != TaskStatus.CANCELLED, *flt.conditions(as_of))
        .group_by(*(literal_column(str(i + 1)) for i in range(len(keys) + 1)))
    )
    tallies: dict = {}
    for row in db.session.execute(stmt):
        key, (name, count, pending, extended, earliest) = (row[0], row[1:]) if keys else (None, row)
        if name is None:
            continue
        group = tallies.setdefault(key, {"boxes": {}, "pending": 0, "extended": 0, "oldest": None})
        group["boxes"][Box(name)] = count
        group["pending"] += int(pending or 0)
        group["extended"] += int(extended or 0)
        if name == Box.OPEN_OVERDUE.value:
            group["oldest"] = earliest
    return {
        key: Counts(g["boxes"], awaiting_confirmation=g["pending"], extended=g["extended"], oldest_overdue=g["oldest"])
        for key, g in tallies.items()
    }


SORTS = {
    "due": (Task.effective_due.is_(None), Task.effective_due, Task.id),
    "-due": (Task.effective_due.is_(None), Task.effective_due.desc(), Task.id),
    "plan": (Task.plan_id, Task.position, Task.id),
    "updated": (Task.updated_at.desc(), Task.id),
    "title": (Task.title, Task.id),
}


def task_list(
    flt: TaskFilter, as_of: date, sort: str = "due", page: int = 1, per_page: int = 50
) -> tuple[list[tuple[Task, str | None]], int]:
    """One page of tasks with their box at ``as_of``, and the total count: two queries whatever the size."""
    conds = flt.conditions(as_of)
    total = db.session.scalar(select(func.count()).select_from(Task).where(*conds)) or 0
    box = box_expression(as_of).label("box")
    stmt: Select = (
        select(Task, box)
        .where(*conds)
        .order_by(*SORTS.get(sort, SORTS["due"]))
        .limit(per_page)
        .offset(max(page - 1, 0) * per_page)
        .options(
            selectinload(Task.lead_unit),
            selectinload(Task.plan),
            selectinload(Task.assignee),
            selectinload(Task.cooperating_units),
        )
    )
    rows = [(task, name) for task, name in db.session.execute(stmt)]
    return rows, total


def plan_tasks(plan_id: int) -> list[Task]:
    """All tasks of a plan, ordered for display as a tree (the caller nests them by parent_id)."""
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.plan_id == plan_id)
            .order_by(Task.position, Task.id)
            .options(selectinload(Task.lead_unit), selectinload(Task.cooperating_units), selectinload(Task.assignee))
        )
    )


def leaf_progress(tasks: list[Task], as_of: date) -> dict[int, tuple[int, int]]:
    """For each parent among already-loaded tasks of one plan: (completed, total) over its leaf
    descendants at ``as_of``, cancelled left out. The figures match ``summarize`` for the same leaves."""
    from tracker.rules.status import classify

    children: dict[int | None, list[Task]] = {}
    for t in tasks:
        children.setdefault(t.parent_id, []).append(t)
    result: dict[int, tuple[int, int]] = {}

    def walk(task: Task) -> tuple[int, int]:
        kids = children.get(task.id)
        if not kids:
            box = classify(task.facts, as_of)
            return (0, 0) if box is None else (int(box.completed), 1)
        done = total = 0
        for kid in kids:
            d, n = walk(kid)
            done, total = done + d, total + n
        result[task.id] = (done, total)
        return done, total

    for root in children.get(None, []):
        walk(root)
    return result


def tree(tasks: list[Task]) -> list[tuple[Task, int, bool]]:
    """Depth-first order with depth and whether the task has children."""
    by_parent: dict[int | None, list[Task]] = {}
    for t in tasks:
        by_parent.setdefault(t.parent_id, []).append(t)
    out: list[tuple[Task, int, bool]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for t in by_parent.get(parent_id, []):
            out.append((t, depth, t.id in by_parent))
            walk(t.id, depth + 1)

    walk(None, 0)
    return out
