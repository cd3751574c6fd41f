"""Reads: the boxes in SQL, the roll-up counts, and the filtered task lists.

The database keeps two columns for these reads (migration 0005): ``standing``, set by triggers from the
task's own fields by the same rules as ``rules.status.standing``, and ``is_leaf``, kept by triggers.
``box_condition`` is ``rules.status.box_at`` in SQL; tests check both against ``classify`` on every
combination. Counting happens in the database (GROUP BY), never in a Python loop over rows, and only
over leaves: a task with sub-tasks is counted through them, never twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import selectinload

from tracker import clock
from tracker.accounts.models import Unit
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.children import ChildRollup
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.rollup import Counts, LaterCompletion, StandingRow, counts_at
from tracker.rules.status import STANDING_BOX, Box, Confirmation, Standing, TaskFacts, TaskStatus, classify
from tracker.tasks.models import Task, TaskTally, task_cooperating_unit


def completed_condition(as_of: date):
    return and_(
        Task.status == TaskStatus.DONE,
        Task.confirmation != Confirmation.RETURNED,
        Task.completed_on.is_not(None),
        Task.completed_on <= as_of,
    )


def _is(standing: Standing):
    # A literal, not a bound parameter: the partial indexes (ix_task_open) are matched on it.
    return Task.standing == literal_column(f"'{standing.value}'")


def _among(standings) -> ColumnElement:
    return Task.standing.in_([literal_column(f"'{s.value}'") for s in standings])


COMPLETED = [s for s in Standing if s.completed]
# Written as the condition of the partial index ix_task_leaf_flagged.
FLAGGED = or_(Task.confirmation == literal_column("'pending'"), Task.extended_due.is_not(None))
# How many of a group await confirmation, how many were extended (the roll-up's and the tally's recount).
PENDING = func.sum(case((Task.confirmation == Confirmation.PENDING, 1), else_=0))
EXTENDED = func.sum(case((Task.extended_due.is_not(None), 1), else_=0))


def leaf():
    """Leaves only: a task with sub-tasks is counted through them. Renders as the partial indexes'
    condition (``is_leaf = 1`` on SQLite, ``is_leaf`` on PostgreSQL)."""
    return Task.is_leaf


def box_condition(box: Box, as_of: date) -> ColumnElement:
    """Exactly the tasks in ``box`` at ``as_of`` (``rules.status.box_at`` in SQL), in plain terms an
    index can serve. A completion dated after ``as_of`` counts as open at ``as_of``; for today or later
    there is none (tasks.operations refuses completion dates in the future), so that term is dropped and
    the overdue list is a range of the partial index ix_task_open."""
    later = as_of < clock.today()
    reopened = Task.completed_on > as_of
    match box:
        case Box.DONE_ON_TIME | Box.DONE_LATE | Box.NO_DEADLINE_DONE:
            standing = next(s for s, b in STANDING_BOX.items() if b is box)
            return and_(_is(standing), Task.completed_on <= as_of)
        case Box.NO_DEADLINE_OPEN:
            undone = or_(_is(Standing.UNDATED_OPEN), and_(_is(Standing.UNDATED_DONE), reopened))
            return undone if later else _is(Standing.UNDATED_OPEN)
        case Box.OPEN_OVERDUE | Box.OPEN_IN_TIME:
            due = Task.effective_due < as_of if box is Box.OPEN_OVERDUE else Task.effective_due >= as_of
            if not later:
                return and_(_is(Standing.OPEN), due)
            return and_(or_(_is(Standing.OPEN), and_(_among([Standing.ON_TIME, Standing.LATE]), reopened)), due)
    raise ValueError(box)


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
        # A deadline range (a reporting period) holds the deadlines as written, not as shifted.
        if self.due_from:
            conds.append(Task.written_due >= self.due_from)
        if self.due_to:
            conds.append(Task.written_due <= self.due_to)
        if self.done_from:
            conds.append(Task.completed_on >= self.done_from)
        if self.done_to:
            conds.append(Task.completed_on <= self.done_to)
        if self.box:
            conds.append(box_condition(self.box, as_of))
        if self.boxes:
            conds.append(or_(*(box_condition(b, as_of) for b in self.boxes)))
        if self.leaves_only:
            conds.append(leaf())
        return conds

    def tally_conditions(self) -> list | None:
        """This filter on ``task_tally`` rows, or None when the tally cannot answer it: it knows the lead
        unit and the deadline, nothing else (it counts leaves only, so ``leaves_only`` is moot)."""
        default = TaskFilter()
        answerable = {"unit_id", "unit_role", "due_from", "due_to", "leaves_only"}
        if any(getattr(self, f.name) != getattr(default, f.name) for f in fields(self) if f.name not in answerable):
            return None
        if self.unit_id and self.unit_role != "lead":
            return None
        conds = []
        if self.unit_id:
            conds.append(TaskTally.lead_unit_id == self.unit_id)
        if self.due_from:
            conds.append(TaskTally.day >= self.due_from)
        if self.due_to:
            conds.append(TaskTally.day <= self.due_to)
        return conds


def summarize(flt: TaskFilter, as_of: date) -> Counts:
    """The roll-up for one scope at ``as_of``: leaves only, cancelled left out."""
    return summarize_by(None, flt, as_of).get(None, Counts())


def summarize_by(key_column, flt: TaskFilter, as_of: date) -> dict:
    """The roll-up grouped by a column (``Task.plan_id``, ``Task.lead_unit_id``; ``None``: no grouping).

    A fixed number of grouped reads whatever the number of tasks: leaves by standing, with how many
    await confirmation or were extended; the open ones whose deadline is before ``as_of`` (count,
    earliest deadline); and the completions dated after ``as_of`` (for today none).
    ``rules.rollup.counts_at`` makes the boxes of them. No CASE is evaluated per row: the stored
    standing carries what does not change with the date. The first two come from ``task_tally`` (a few
    thousand rows) when it can answer the filter — by lead unit or none, a deadline range — and
    otherwise from the leaf indexes of ``task``.
    """
    tally = flt.tally_conditions() if key_column is None or key_column is Task.lead_unit_id else None
    if tally is not None:
        standing_rows, past_due = _tally_reads(key_column is not None, tally, as_of)
    else:
        standing_rows, past_due = _task_reads(key_column, flt, as_of)
    later = _grouped(
        key_column,
        flt,
        as_of,
        [Task.standing, Task.effective_due < as_of],
        [func.count(), func.min(Task.effective_due), PENDING],
        [_among(COMPLETED), Task.completed_on > as_of],
        ranged=True,
    )
    split = (lambda row: (row[0], row[1:])) if key_column is not None else (lambda row: (None, row))
    rows: dict = {}
    for key, (name, count, pending, extended) in map(split, standing_rows):
        rows.setdefault(key, []).append(StandingRow(Standing(name), int(count), int(pending or 0), int(extended or 0)))
    overdue = {key: (int(count), earliest) for key, (count, earliest) in map(split, past_due) if count}
    completions: dict = {}
    for key, (name, was_due, count, earliest, pend) in map(split, later):
        completions.setdefault(key, []).append(LaterCompletion(Standing(name), bool(was_due), count, earliest, int(pend or 0)))
    return {key: counts_at(group, *overdue.get(key, (0, None)), later=completions.get(key, ())) for key, group in rows.items()}


def _grouped(key_column, flt: TaskFilter, as_of: date, by: list, values: list, where: list, ranged: bool = False) -> list:
    """Leaves in ``flt`` grouped by the key and ``by``. ``ranged``: the rows come from a range of another
    index, and "+ 0" keeps SQLite from walking an index on the key for its order, reading every task."""
    keys = [] if key_column is None else [(key_column + 0).label("key") if ranged else key_column]
    columns = keys + by
    conds = [*([] if flt.leaves_only else [leaf()]), *flt.conditions(as_of)]
    stmt = select(*columns, *values).where(*conds, *where)
    # Positions in GROUP BY: an expression is not computed twice.
    return db.session.execute(stmt.group_by(*(literal_column(str(i + 1)) for i in range(len(columns))))).all()


def _task_reads(key_column, flt: TaskFilter, as_of: date) -> tuple[list, list]:
    """(key, standing, count, pending, extended) and (key, open past due, earliest deadline) from the leaf
    indexes: leaves by standing; the few awaiting confirmation or extended (their own partial index);
    the open ones past their deadline (a range of ix_task_open)."""
    counted = Task.standing.is_not(None)
    by_standing = _grouped(key_column, flt, as_of, [Task.standing], [func.count()], [counted])
    flagged = _grouped(key_column, flt, as_of, [Task.standing], [PENDING, EXTENDED], [counted, FLAGGED])
    width = 1 if key_column is None else 2
    flags = {tuple(row[:width]): tuple(row[width:]) for row in flagged}
    standing_rows = [(*row, *flags.get(tuple(row[:width]), (0, 0))) for row in by_standing]
    past_due = _grouped(
        key_column,
        flt,
        as_of,
        [],
        [func.count(), func.min(Task.effective_due)],
        [_is(Standing.OPEN), Task.effective_due < as_of],
        ranged=True,
    )
    return standing_rows, past_due


def _tally_reads(by_unit: bool, conditions: list, as_of: date) -> tuple[list, list]:
    """The same two reads from ``task_tally``'s 'due' rows (``day`` as written, ``due`` in force)."""
    keys = [TaskTally.lead_unit_id] if by_unit else []
    due = [TaskTally.kind == "due", *conditions]
    sums = [func.sum(TaskTally.n), func.sum(TaskTally.pending), func.sum(TaskTally.extended)]
    standing_rows = db.session.execute(
        select(*keys, TaskTally.standing, *sums).where(*due).group_by(*keys, TaskTally.standing)
    ).all()
    past_due = db.session.execute(
        select(*keys, func.sum(TaskTally.n), func.min(TaskTally.due))
        .where(*due, TaskTally.standing == Standing.OPEN.value, TaskTally.due < as_of)
        .group_by(*keys)
    ).all()
    return standing_rows, past_due


DATED_BOXES = (Box.DONE_ON_TIME, Box.DONE_LATE, Box.OPEN_IN_TIME, Box.OPEN_OVERDUE)
# The groups of boxes the lists take as one filter value (``box=done``): the pages and the API.
BOX_GROUPS = {
    "counted": tuple(Box),  # everything counted in the figures: all but cancelled tasks
    "done": tuple(b for b in Box if b.completed),
    "open": tuple(b for b in Box if not b.completed),
}
SORTS = {
    "due": (Task.effective_due.is_(None), Task.effective_due, Task.id),
    "-due": (Task.effective_due.is_(None), Task.effective_due.desc(), Task.id),
    "plan": (Task.plan_id, Task.position, Task.id),
    "updated": (Task.updated_at.desc(), Task.id),
    "title": (Task.title, Task.id),
}


class PlanRef(NamedTuple):
    id: int
    number: str


class UnitRef(NamedTuple):
    id: int
    name: str


ROW_FIELDS = (
    "id", "plan_id", "parent_id", "ordinal", "title", "lead_unit_id", "assignee_id", "start_date", "deadline_text",
    "deadline_kind", "due_date", "extended_due", "effective_due", "status", "progress", "completed_on", "confirmation",
    "result", "is_leaf",
)  # fmt: skip


@dataclass(slots=True)
class TaskRow:
    """A task as the lists show it: its own fields, its plan's number, its lead unit's name and its
    cooperating units; read as plain rows, several times cheaper than ORM objects for a page of 100."""

    id: int
    plan_id: int
    parent_id: int | None
    ordinal: str
    title: str
    lead_unit_id: int
    assignee_id: int | None
    start_date: date | None
    deadline_text: str
    deadline_kind: DeadlineKind
    due_date: date | None
    extended_due: date | None
    effective_due: date | None
    status: TaskStatus
    progress: int
    completed_on: date | None
    confirmation: Confirmation
    result: str
    is_leaf: bool
    plan_number: str
    lead_unit_name: str
    cooperating_unit_ids: list[int] = field(default_factory=list)
    # A parent has no box: it shows its leaves' roll-up instead (tasks.parents).
    rollup: ChildRollup | None = None
    extension_pending: bool = False

    @property
    def plan(self) -> PlanRef:
        return PlanRef(self.plan_id, self.plan_number)

    @property
    def lead_unit(self) -> UnitRef:
        return UnitRef(self.lead_unit_id, self.lead_unit_name)

    @property
    def facts(self) -> TaskFacts:
        return TaskFacts(self.status, self.deadline_kind, self.effective_due, self.completed_on, self.confirmation)


def task_list(
    flt: TaskFilter, as_of: date, sort: str = "due", page: int = 1, per_page: int = 50
) -> tuple[list[tuple[TaskRow, str | None]], int]:
    """One page of tasks with their box at ``as_of``, and the total count: at most five queries whatever the size.

    A parent (a task with sub-tasks) has no box: a box filter never lists it, and its row carries its
    leaves' roll-up instead, with the box ``None``."""
    from tracker.tasks import parents  # it reads box_condition from this module

    conds = flt.conditions(as_of)
    if (flt.box or flt.boxes) and not flt.leaves_only:
        conds.append(leaf())
    total = db.session.scalar(select(func.count()).select_from(Task).where(*conds)) or 0
    order = SORTS.get(sort, SORTS["due"])
    if sort in ("due", "-due") and flt.box in DATED_BOXES:
        order = order[1:]  # every task has a deadline: the index on it gives the order, no sort
    stmt: Select = (
        select(*(getattr(Task, f) for f in ROW_FIELDS), Plan.number, Unit.name)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(*conds)
        .order_by(*order)
        .limit(per_page)
        .offset(max(page - 1, 0) * per_page)
    )
    tasks = [TaskRow(*row) for row in db.session.execute(stmt)]
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
