"""Tasks (a tree under a plan), their journal, evidence files and extension requests.

Overdue is never stored: it goes stale at midnight. What is stored is the deadline in force
(``effective_due``: the approved extension or the original, moved off a day off), recomputed whenever
the deadline, an extension or the calendar changes; classification compares it with a date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.deadlines import DeadlineKind, Frequency
from tracker.rules.labels import LabelledEnum
from tracker.rules.status import Confirmation, TaskFacts, TaskStatus

task_cooperating_unit = Table(
    "task_cooperating_unit",
    db.metadata,
    Column("task_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
)


# Partial indexes: a query uses one only if its WHERE repeats the index's condition word for word,
# so queries.py builds its conditions from the same text.
LEAF_INDEX: dict[str, Any] = {"sqlite_where": text("is_leaf = 1"), "postgresql_where": text("is_leaf")}
FLAGGED = "(confirmation = 'pending' OR extended_due IS NOT NULL)"
FLAGGED_INDEX: dict[str, Any] = {
    "sqlite_where": text(f"is_leaf = 1 AND {FLAGGED}"),
    "postgresql_where": text(f"is_leaf AND {FLAGGED}"),
}
OPEN_INDEX: dict[str, Any] = {"sqlite_where": text("standing = 'open'"), "postgresql_where": text("standing = 'open'")}
AWAITING = "confirmation = 'pending'"
AWAITING_INDEX: dict[str, Any] = {"sqlite_where": text(AWAITING), "postgresql_where": text(AWAITING)}
UNREAD = "deadline_kind = 'undetermined' AND status != 'cancelled'"
UNREAD_INDEX: dict[str, Any] = {"sqlite_where": text(UNREAD), "postgresql_where": text(UNREAD)}


class Task(db.Model):
    __tablename__ = "task"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        Index("ix_task_plan_parent_position", "plan_id", "parent_id", "position"),
        Index("ix_task_lead_unit_due", "lead_unit_id", "effective_due"),
        # Open tasks by deadline: the overdue and due-soon lists, the overdue count of the roll-up.
        Index("ix_task_open", "effective_due", "id", "is_leaf", "lead_unit_id", "plan_id", "standing", **OPEN_INDEX),
        # Leaves by unit, by deadline and by completion date: the roll-ups and the trend read these
        # indexes alone (see queries.summarize_by). SQLite does so only if a partial index also holds
        # the columns of its condition, hence
        # the trailing is_leaf. Period filters compare written_due, the boxes effective_due: both are held.
        Index(
            "ix_task_leaf_unit", "lead_unit_id", "standing", "plan_id", "written_due", "effective_due", "is_leaf", **LEAF_INDEX
        ),
        Index("ix_task_leaf_due", "written_due", "standing", "lead_unit_id", "plan_id", "effective_due", "is_leaf", **LEAF_INDEX),
        Index(
            "ix_task_leaf_done",
            *("completed_on", "standing", "lead_unit_id", "plan_id", "written_due", "effective_due", "confirmation", "is_leaf"),
            **LEAF_INDEX,
        ),
        Index(
            "ix_task_leaf_flagged",
            *("lead_unit_id", "standing", "plan_id", "written_due", "effective_due", "confirmation", "extended_due", "is_leaf"),
            **FLAGGED_INDEX,
        ),
        # Leaves by plan: the per-plan figures of the plan list and the office board (read alone).
        Index("ix_task_leaf_plan", "plan_id", "standing", "effective_due", "is_leaf", **LEAF_INDEX),
        # The board's two short lists and their totals read only their own few rows (migration 0020).
        Index("ix_task_awaiting", "updated_at", "id", **AWAITING_INDEX),
        Index("ix_task_unread", "plan_id", "position", "id", **UNREAD_INDEX),
        # Every task by deadline, those without one last (the default order of every list, unfiltered).
        Index("ix_task_due_order", text("(effective_due IS NULL)"), "effective_due", "id"),
        Index("ix_task_due_order_desc", text("(effective_due IS NULL)"), text("effective_due DESC"), "id"),
        # The task list's "Tìm" by number ("1.2", "II"): an equality, not a read of every task; its
        # orders by title and by last change walk these instead of sorting every task (0024).
        Index("ix_task_ordinal", "ordinal"),
        Index("ix_task_title_order", text("substr(title, 1, 100)"), "id"),
        Index("ix_task_updated_order", text("updated_at DESC"), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    ordinal: Mapped[str] = mapped_column(String(30), default="")
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    deadline_text: Mapped[str] = mapped_column(String(300), default="")
    deadline_kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind), default=DeadlineKind.FIXED)
    due_date: Mapped[date | None] = mapped_column(Date)
    extended_due: Mapped[date | None] = mapped_column(Date)
    effective_due: Mapped[date | None] = mapped_column(Date, index=True)
    frequency: Mapped[Frequency | None] = mapped_column(enum_column(Frequency))
    periodic_day: Mapped[int | None] = mapped_column(Integer)
    # Set on the occurrences generated for a periodic duty: the first day of the period it covers.
    period_start: Mapped[date | None] = mapped_column(Date)
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.NOT_STARTED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    completed_on: Mapped[date | None] = mapped_column(Date)
    confirmation: Mapped[Confirmation] = mapped_column(enum_column(Confirmation), default=Confirmation.NONE)
    result: Mapped[str] = mapped_column(Text, default="")
    # Who recorded the completion now waiting for confirmation (migration 0018; no foreign key, so the
    # column was added without rebuilding ``task``): they may not confirm it themselves.
    reported_by_id: Mapped[int | None] = mapped_column(Integer)
    # Kept by the database's triggers (migration 0005), never written from Python, possibly stale on a
    # loaded object: false while the task has sub-tasks; the task's standing (rules.status.standing).
    is_leaf: Mapped[bool] = mapped_column(Boolean, server_default=true(), deferred=True)
    standing: Mapped[str | None] = mapped_column(String(12), deferred=True)
    # Also kept by the triggers (migration 0007; rules.status.written_due): the deadline as written, or
    # as extended, while the task has one in force. It decides the reporting period a task belongs to;
    # a deadline moved off a day off by Điều 148 stays in the period it was written for.
    written_due: Mapped[date | None] = mapped_column(Date, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    # Bumped by every ORM update (``version_id_col``, migration 0018): a form or API write carries the
    # version it was read at, and one based on an older version is refused (tasks.versions).
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[Plan] = relationship()
    parent: Mapped[Task | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Task]] = relationship(back_populates="parent", order_by="Task.position")
    lead_unit: Mapped[Unit] = relationship()
    assignee: Mapped[User | None] = relationship()
    cooperating_units: Mapped[list[Unit]] = relationship(secondary=task_cooperating_unit, order_by="Unit.position")

    @property
    def facts(self) -> TaskFacts:
        return TaskFacts(
            status=self.status,
            deadline_kind=self.deadline_kind,
            due=self.effective_due,
            completed_on=self.completed_on,
            confirmation=self.confirmation,
        )

    @property
    def cooperating_unit_ids(self) -> list[int]:
        return [u.id for u in self.cooperating_units]

    @property
    def is_occurrence(self) -> bool:
        return self.period_start is not None

    @property
    def is_extended(self) -> bool:
        return self.extended_due is not None

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.ordinal}>"


class TallyKind(LabelledEnum):
    """The two kinds of ``task_tally`` row (written by the triggers of migrations 0006 and 0007)."""

    DUE = "due", "Theo thời hạn"
    DONE = "done", "Theo ngày hoàn thành"


class TaskTally(db.Model):
    """How many leaves there are per (unit, standing, day), kept by the database's triggers (migration
    0006, 0007) on every write to ``task``, never from Python. ``kind`` 'due': leaves counted in the
    roll-ups (cancelled left out) by deadline as written (``day``: it decides the period) and in force
    (``due``: it decides overdue), both NULL when there is none, with how many await confirmation and how
    many were extended; 'done': leaves completed on time or late, by completion date (``due`` NULL).

    The whole-Sở roll-up and the trend read these few thousand rows instead of every leaf
    (``tasks.queries.summarize_by`` and ``dashboard.queries.trend``); any other filter reads the tasks.
    A test checks after every kind of write that the tally equals the same count over ``task``.
    """

    __tablename__ = "task_tally"
    __table_args__ = (
        # The key; on PostgreSQL it also carries the counts, so the roll-up reads this index alone.
        Index(
            "uq_task_tally_key",
            *("kind", "lead_unit_id", "standing", "day", "due"),
            unique=True,
            postgresql_nulls_not_distinct=True,
            postgresql_include=["n", "pending", "extended"],
        ),
        # By day, for the trend (read alone on both databases).
        Index("ix_task_tally_day", "kind", "day", "standing", "n"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))
    lead_unit_id: Mapped[int] = mapped_column(Integer)
    standing: Mapped[str] = mapped_column(String(12))
    day: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date)
    n: Mapped[int] = mapped_column(Integer)
    pending: Mapped[int] = mapped_column(Integer)
    extended: Mapped[int] = mapped_column(Integer)


class PlanTally(db.Model):
    """How many leaves there are per (plan, lead unit, standing), cancelled left out, with how many await
    confirmation and how many were extended, and how many top-level tasks (``roots``; a row may count
    only those, ``n`` 0): kept by the database's triggers (migration 0023) on every
    write to ``task``, never from Python, as ``task_tally`` is. The reports' figures by plan and by unit
    read these rows (12,000 at 1,000,000 tasks) instead of every leaf (``tasks.rollup.summarize_plans``).
    A test checks after every kind of write that it equals the same count over ``task``.
    """

    __tablename__ = "plan_tally"
    __table_args__ = (
        # The key; on PostgreSQL it also carries the counts, so the reads use this index alone.
        Index(
            "uq_plan_tally_key",
            "plan_id",
            "lead_unit_id",
            "standing",
            unique=True,
            postgresql_include=["n", "roots", "pending", "extended"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer)
    lead_unit_id: Mapped[int] = mapped_column(Integer)
    standing: Mapped[str] = mapped_column(String(12))
    n: Mapped[int] = mapped_column(Integer)
    roots: Mapped[int] = mapped_column(Integer)
    pending: Mapped[int] = mapped_column(Integer)
    extended: Mapped[int] = mapped_column(Integer)


class TaskEvent(db.Model):
    """One line of a task's journal: who changed which field, from what, to what, and when."""

    __tablename__ = "task_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    action: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60), default="")
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # The task's version this line's change was made on (migration 0018); NULL on older lines.
    task_version: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User | None] = relationship()


class Attachment(db.Model):
    """Tài liệu kiểm chứng: evidence stored outside the web root, served only to those who may see it."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    uploaded_by: Mapped[User | None] = relationship()


class ExtensionState(LabelledEnum):
    PENDING = "pending", "Chờ duyệt"
    APPROVED = "approved", "Đã duyệt"
    REJECTED = "rejected", "Không duyệt"


class ExtensionRequest(db.Model):
    __tablename__ = "extension_request"
    # A request is pending exactly while it has no decision (migration 0014_checks).
    __table_args__ = (
        CheckConstraint(
            "(state <> 'pending' OR decided_at IS NULL) AND (state NOT IN ('approved', 'rejected') OR decided_at IS NOT NULL)",
            name="decided",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    reason: Mapped[str] = mapped_column(Text)
    previous_due: Mapped[date | None] = mapped_column(Date)
    proposed_due: Mapped[date] = mapped_column(Date)
    state: Mapped[ExtensionState] = mapped_column(enum_column(ExtensionState), default=ExtensionState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    task: Mapped[Task] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
