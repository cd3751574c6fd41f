"""The filters every task list, roll-up and export understands, as SQL conditions."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date

from sqlalchemy import ColumnElement, false, func, or_, select, union
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.search import ordinal_forms, query_terms
from tracker.rules.status import Box, TaskStatus
from tracker.search.queries import task_id_query
from tracker.tasks.conditions import box_condition, leaf
from tracker.tasks.models import Task, TaskTally, task_cooperating_unit


class unindexed(FunctionElement):
    """A column's value written so that SQLite takes no index on it (its unary "+", a no-op on the value):
    for a condition that must not choose the read's index. PostgreSQL, which chooses by its statistics
    and has no such "+" for dates, gets the column as it is."""

    inherit_cache = True

    def __init__(self, column) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _as_is(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unary_plus(element, compiler, **kw) -> str:
    return "+" + compiler.process(element.clauses, **kw)


# The groups of boxes the lists take as one filter value (``box=done``): the pages and the API.
BOX_GROUPS = {
    "counted": tuple(Box),  # everything counted in the figures: all but cancelled tasks
    "done": tuple(b for b in Box if b.completed),
    "open": tuple(b for b in Box if not b.completed),
}


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
        """The SQL conditions of this filter, always in the same order (the plans stay the same)."""
        conds: list = list(self.extra)
        conds.extend(self._who_and_what())
        conds.extend(self._dates())
        if self.box:
            conds.append(box_condition(self.box, as_of))
        if self.boxes:
            conds.append(or_(*(box_condition(b, as_of) for b in self.boxes)))
        if self.leaves_only:
            conds.append(leaf())
        return conds

    def _unit_condition(self) -> ColumnElement:
        if self.unit_role != "any":
            return Task.lead_unit_id == self.unit_id
        link = task_cooperating_unit.c
        cooperating = select(link.task_id).where(link.unit_id == self.unit_id)
        if db.session.get_bind().dialect.name == "postgresql":
            # = ANY(ARRAY(…)): PostgreSQL ORs it with the lead unit's index (a bitmap of both) where
            # "OR id IN (subquery)" makes it read every task.
            return or_(Task.lead_unit_id == self.unit_id, Task.id == func.any(func.array(cooperating.scalar_subquery())))
        return or_(Task.lead_unit_id == self.unit_id, Task.id.in_(cooperating))

    def _who_and_what(self) -> list:
        conds: list = []
        if self.plan_id:
            conds.append(Task.plan_id == self.plan_id)
        if self.unit_id:
            conds.append(self._unit_condition())
        if self.assignee_id:
            conds.append(Task.assignee_id == self.assignee_id)
        if self.status:
            conds.append(Task.status == self.status)
        if self.year:
            conds.append(Task.plan_id.in_(select(Plan.id).where(Plan.year == self.year)))
        if self.search.strip():
            conds.append(search_condition(self.search, narrowed=self.narrowed))
        return conds

    def year_apart(self) -> TaskFilter:
        """This filter with its year's plans as "plan_id + 0 IN (…)": for a read that another index
        serves (a range of deadlines, the flagged leaves), so that SQLite does not read every leaf of the
        year through the index on the plan, plan by plan, instead — 4 s for none at a million."""
        if not self.year:
            return self
        year_plans = (Task.plan_id + 0).in_(select(Plan.id).where(Plan.year == self.year))
        return replace(self, year=None, extra=[*self.extra, year_plans])

    def plan_apart(self) -> TaskFilter:
        """This filter with its plan as "plan_id + 0 = …": for the flagged leaves, which their own partial
        index serves — through the index on the plan SQLite read each of the plan's leaves instead (0,12 s
        for none, a plan of 65,189 leaves). Not for the ranges of deadlines: that index serves them best."""
        if not self.plan_id:
            return self
        return replace(self, plan_id=None, extra=[*self.extra, (Task.plan_id + 0) == self.plan_id])

    def deadlines_apart(self) -> TaskFilter:
        """This filter with its range of deadlines as written (a reporting period) kept out of SQLite's
        index choice (``unindexed``): for a read that another index serves, so that SQLite does not read
        the period's every leaf through the index on the written deadline instead — the dashboard of a
        year read 300,000 for its completions after today (none): 0,75 s at a million."""
        if not (self.due_from or self.due_to):
            return self
        bounds = [
            *([unindexed(Task.written_due) >= self.due_from] if self.due_from else []),
            *([unindexed(Task.written_due) <= self.due_to] if self.due_to else []),
        ]
        return replace(self, due_from=None, due_to=None, extra=[*self.extra, *bounds])

    @property
    def narrowed(self) -> bool:
        """Whether the list is one plan's, unit's or person's: few enough tasks to read each title."""
        return bool(self.plan_id or self.unit_id or self.assignee_id)

    @property
    def search_too_short(self) -> bool:
        """A "Tìm" of one or two letters over every task: nothing an index can look up, so it finds
        nothing and the page asks for three letters or a narrower list (``search_condition``)."""
        text = self.search.strip()
        return bool(text) and not self.narrowed and not query_terms(text) and not ordinal_forms(text)

    def _dates(self) -> list:
        # A deadline range (a reporting period) holds the deadlines as written, not as shifted.
        bounds = [
            (self.due_from, lambda d: Task.written_due >= d),
            (self.due_to, lambda d: Task.written_due <= d),
            (self.done_from, lambda d: Task.completed_on >= d),
            (self.done_to, lambda d: Task.completed_on <= d),
        ]
        return [condition(day) for day, condition in bounds if day]

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


def search_condition(typed: str, narrowed: bool = True) -> ColumnElement:
    """The list's "Tìm": the search feature's own index (tracker.search), so case, diacritics and tone
    placement do not matter ("so hoa", "THỦ TỤC" find "số hóa", "thủ tục") over the title, description and
    result; a query that looks like a task number ("1.2", "II", "b)") also finds the tasks so numbered
    (``rules.search.ordinal_forms``; an index on the number). Fewer than three letters (nothing a
    trigram index can look up): that number, or the title holding the text when the list is
    ``narrowed`` to a plan, a unit or a person — over every task, reading each title (4 s at a million
    tasks) finds nothing instead (``TaskFilter.search_too_short``)."""
    text = typed.strip()
    terms, numbers = query_terms(text), ordinal_forms(text)
    by_number = Task.ordinal.in_(numbers) if numbers else None
    if not terms:
        title = Task.title.ilike(f"%{text}%") if narrowed else None
        parts = [part for part in (title, by_number) if part is not None]
        return or_(*parts) if parts else false()
    found = task_id_query(terms)
    if by_number is None:
        return Task.id.in_(found)
    # One IN over both (a semi-join the planner drives from the few ids), not "IN … OR …", which reads
    # every task to test the second half.
    return Task.id.in_(union(found, select(Task.id).where(by_number)))


def assignee_options(unit_id: int | None = None) -> list:
    """(id, full name) of the people the "Người thực hiện" filter offers: the unit's, or everyone's."""
    stmt = select(User.id, User.full_name).where(User.active).order_by(User.full_name, User.id)
    if unit_id:
        stmt = stmt.where(User.unit_id == unit_id)
    return list(db.session.execute(stmt).all())


def with_ancestors(parent_of: dict[int, int | None], keep: set[int]) -> set[int]:
    """The tasks in ``keep`` and the parents above them (so a filtered plan tree still nests), from a
    plan's shape (task → parent)."""
    shown: set[int] = set()
    for ident in keep:
        current: int | None = ident
        while current is not None and current not in shown and current in parent_of:
            shown.add(current)
            current = parent_of[current]
    return shown
