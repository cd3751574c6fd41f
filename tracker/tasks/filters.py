"""The filters every task list, roll-up and export understands, as SQL conditions."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import ColumnElement, or_, select

from tracker.plans.models import Plan
from tracker.rules.status import Box, TaskStatus
from tracker.tasks.conditions import box_condition, leaf
from tracker.tasks.models import Task, TaskTally, task_cooperating_unit

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
        if self.search:
            like = f"%{self.search.strip()}%"
            conds.append(or_(Task.title.ilike(like), Task.ordinal.ilike(like)))
        return conds

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
