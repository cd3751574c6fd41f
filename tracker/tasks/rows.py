"""A task as the lists show it (``TaskRow``): the fields every list reads, as plain rows. Apart from the
list queries so that the packages that read such rows themselves (search) need not import them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from tracker.rules.children import ChildRollup
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Confirmation, TaskFacts, TaskStatus


class PlanRef(NamedTuple):
    id: int
    number: str


class UnitRef(NamedTuple):
    id: int
    name: str


ROW_FIELDS = (
    "id", "plan_id", "parent_id", "ordinal", "title", "lead_unit_id", "assignee_id", "start_date", "deadline_text",
    "deadline_kind", "due_date", "extended_due", "effective_due", "status", "progress", "completed_on", "confirmation",
    "result", "is_leaf", "version", "reported_by_id",
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
    version: int
    reported_by_id: int | None
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
