"""Reads for the dashboards: a fixed number of queries whatever the number of tasks."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Row, Select, func, literal_column, select, union_all
from sqlalchemy.orm import selectinload

from tracker import clock
from tracker.accounts.models import Unit
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.rules.board import due_soon_horizon, rank_units_by_overdue, rank_units_by_rate
from tracker.rules.calendar import WorkCalendar
from tracker.rules.comparison import Change, changes
from tracker.rules.journal import REPORTING
from tracker.rules.periods import Period, Question, Scheme, counted_at, months_of, previous_period, question_label, question_of
from tracker.rules.periods import PeriodKind as Kind
from tracker.rules.periods import period as make_period
from tracker.rules.rollup import Counts
from tracker.rules.status import Box, Standing
from tracker.tasks.conditions import AWAITING, UNREAD_DEADLINE
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import ExtensionRequest, ExtensionState, TallyKind, Task, TaskEvent, TaskTally
from tracker.tasks.queries import task_list
from tracker.tasks.rollup import summarize_by
from tracker.tasks.rows import TaskRow

Rows = list[tuple[TaskRow, str | None]]


@dataclass
class Scope:
    """What a dashboard shows: an optional plan, unit and reporting period, counted as of a date."""

    as_of: date
    plan_id: int | None = None
    unit_id: int | None = None
    period: Period | None = None

    @property
    def counted_at(self) -> date:
        """A period is counted at its end (or at the as-of date, while it runs)."""
        return counted_at(self.period, self.as_of, clock.today())

    @property
    def question(self) -> Question:
        return question_of(self.period)

    @property
    def question_label(self) -> str:
        return question_label(self.period, self.counted_at)

    def task_filter(self, **extra) -> TaskFilter:
        flt = TaskFilter(plan_id=self.plan_id, unit_id=self.unit_id, leaves_only=True, **extra)
        if self.period:
            flt.due_from, flt.due_to = self.period.start, self.period.end
        return flt

    def link_args(self) -> dict:
        args = {"as_of": self.counted_at.strftime("%d/%m/%Y"), "leaves": 1}
        if self.plan_id:
            args["plan"] = self.plan_id
        if self.unit_id:
            args["unit"] = self.unit_id
        if self.period:
            args["due_from"] = self.period.start.strftime("%d/%m/%Y")
            args["due_to"] = self.period.end.strftime("%d/%m/%Y")
        return args


@dataclass
class UnitRow:
    unit: Unit
    counts: Counts
    # Days since the oldest open overdue deadline, at the date counted (the director's table shows it).
    oldest_overdue_days: int | None = None


def headline_counts(scope: Scope) -> Counts:
    """The headline of a scope: the sum of the grouped roll-up, as ``unit_rows`` adds it up."""
    return sum(summarize_by(Task.lead_unit_id, scope.task_filter(), scope.counted_at).values(), Counts())


def previous_scope(scope: Scope) -> Scope | None:
    """The same plan and unit over the previous period of the same kind (rules.periods.previous_period),
    counted at its end, or today while it still runs. None without a period: nothing to compare with."""
    if scope.period is None:
        return None
    before = previous_period(scope.period)
    return Scope(as_of=min(before.end, clock.today()), plan_id=scope.plan_id, unit_id=scope.unit_id, period=before)


def period_changes(scope: Scope, counts: Counts) -> list[Change] | None:
    """Each headline figure against the previous period's, from the same roll-up (one more grouped query)."""
    before = previous_scope(scope)
    if before is None or before.period is None:
        return None
    return changes(counts, headline_counts(before), before.period.name)


def unit_rows(scope: Scope) -> tuple[Counts, list[UnitRow]]:
    """Every unit's boxes and oldest overdue deadline from the grouped roll-up; the headline is their sum
    (each leaf has exactly one lead unit, so nothing is counted twice)."""
    by_unit = summarize_by(Task.lead_unit_id, scope.task_filter(), scope.counted_at)
    total = sum(by_unit.values(), Counts())
    units = db.session.scalars(select(Unit).where(Unit.id.in_(list(by_unit)))).all() if by_unit else []
    return total, [UnitRow(u, by_unit[u.id]) for u in units]


@dataclass
class Rankings:
    """The director's two tables of units, in the order of ``rules.board``."""

    overdue: list[UnitRow]
    by_rate: list[UnitRow]


def rankings(rows: list[UnitRow], at: date) -> Rankings:
    for row in rows:
        oldest = row.counts.oldest_overdue
        row.oldest_overdue_days = (at - oldest).days if oldest else None
    return Rankings(
        rank_units_by_overdue(rows, lambda r: r.counts, at),
        rank_units_by_rate(rows, lambda r: r.counts, lambda r: r.unit.name),
    )


@dataclass
class TaskListing:
    """One short list of a board: the first rows, how many in all."""

    rows: Rows
    total: int


def _listing(flt: TaskFilter, at: date, sort: str, per_page: int) -> TaskListing:
    rows, total = task_list(flt, at, sort=sort, per_page=per_page)
    return TaskListing(rows, total)


def due_soon(scope: Scope, calendar: WorkCalendar, working_days: int, per_page: int) -> tuple[TaskListing, date]:
    """Open tasks in time whose deadline is within the "due soon" horizon (``rules.board``), soonest first."""
    horizon = due_soon_horizon(scope.counted_at, calendar, working_days)
    flt = scope.task_filter(box=Box.OPEN_IN_TIME, extra=[Task.effective_due <= horizon])
    return _listing(flt, scope.counted_at, "due", per_page), horizon


def overdue(scope: Scope, per_page: int) -> TaskListing:
    """The office's chase list: open overdue, oldest deadline first."""
    return _listing(scope.task_filter(box=Box.OPEN_OVERDUE), scope.counted_at, "due", per_page)


def awaiting_confirmation(scope: Scope, per_page: int) -> TaskListing:
    """Completions reported and waiting for the office's confirmation, latest first."""
    flt = TaskFilter(plan_id=scope.plan_id, unit_id=scope.unit_id, extra=[AWAITING])
    return _listing(flt, scope.counted_at, "updated", per_page)


def unread_deadlines(scope: Scope, per_page: int) -> TaskListing:
    """Deadlines the parser could not read stay on the board until someone fixes them (issue 10)."""
    flt = TaskFilter(
        plan_id=scope.plan_id,
        unit_id=scope.unit_id,
        extra=[UNREAD_DEADLINE],
    )
    return _listing(flt, scope.counted_at, "plan", per_page)


def active_plans() -> list[Plan]:
    """Plans not closed, newest year first (the office board's table of plans)."""
    return list(db.session.scalars(select(Plan).where(Plan.status != PlanStatus.CLOSED).order_by(Plan.year.desc(), Plan.number)))


def reporting_since(scope: Scope) -> date:
    """Since when a unit must have reported to count as having reported this period: the period's start,
    or the first of the month of the date counted at."""
    return scope.period.start if scope.period else scope.counted_at.replace(day=1)


@dataclass
class MonthPoint:
    label: str
    start: date
    end: date
    on_time: int
    late: int
    due: int


def trend(scope: Scope) -> list[MonthPoint]:
    """Month by month over the year of the scope: completions on time and late, and deadlines falling due
    (by the deadline as written, as the periods count them).

    One query of two parts grouped by day (at most two years of rows, whatever the number of tasks),
    bucketed here: completions by day and standing, deadlines by day; from ``task_tally`` unless a plan
    is chosen (the tally does not know plans; a plan's tasks are few).
    """
    year = scope.period.year if scope.period else scope.counted_at.year
    scheme = scope.period.scheme if scope.period else Scheme.CALENDAR
    whole = make_period(Kind.YEAR, year, scheme=scheme)
    at = scope.counted_at
    flt = TaskFilter(plan_id=scope.plan_id, unit_id=scope.unit_id, leaves_only=True)
    tally = flt.tally_conditions()
    done: Select[tuple[Any, Any, Any]]  # (day, standing, n)
    due: Select[tuple[Any, Any, Any]]  # (day, "due", n)
    if tally is not None:  # no plan filter: from task_tally's rows, a few per day
        done = select(TaskTally.day, TaskTally.standing, func.sum(TaskTally.n)).where(
            TaskTally.kind == TallyKind.DONE, *tally, TaskTally.day.between(whole.start, min(whole.end, at))
        )
        due = select(TaskTally.day, literal_column(f"'{TallyKind.DUE.value}'"), func.sum(TaskTally.n)).where(
            TaskTally.kind == TallyKind.DUE, *tally, TaskTally.day.between(whole.start, whole.end)
        )
    else:
        base = flt.conditions(at)
        done = select(Task.completed_on, Task.standing, func.count()).where(
            *base,
            Task.standing.in_([Standing.ON_TIME.value, Standing.LATE.value]),
            Task.completed_on.between(whole.start, min(whole.end, at)),
        )
        due = select(Task.written_due, literal_column(f"'{TallyKind.DUE.value}'"), func.count()).where(
            *base, Task.standing.is_not(None), Task.written_due.between(whole.start, whole.end)
        )
    done = done.group_by(literal_column("1"), literal_column("2"))
    due = due.group_by(literal_column("1"))
    rows: Sequence[Row[tuple[Any, Any, Any]]] = db.session.execute(union_all(done, due)).all()
    months = months_of(whole)
    starts = [start for start, _ in months]
    on_time, late, falling_due = [0] * len(months), [0] * len(months), [0] * len(months)
    series = {Standing.ON_TIME.value: on_time, Standing.LATE.value: late, TallyKind.DUE.value: falling_due}
    for day, kind, n in rows:
        series[kind][bisect_right(starts, day) - 1] += n
    points = [
        MonthPoint(f"{end.month:02d}/{end.year}", start, end, on_time[i], late[i], falling_due[i])
        for i, (start, end) in enumerate(months)
    ]
    return points


def chart_geometry(points: list[MonthPoint], width: int = 720, height: int = 220) -> dict:
    """Coordinates for the server-drawn SVG (no script, no CDN): stacked bars and a line of deadlines."""
    top = max([p.on_time + p.late for p in points] + [p.due for p in points] + [1])
    left, bottom, plot_h = 36, height - 28, height - 48
    step = (width - left - 10) / max(len(points), 1)
    bars, line = [], []
    for i, p in enumerate(points):
        x = left + i * step + step * 0.15
        w = step * 0.7
        h_ok = plot_h * p.on_time / top
        h_late = plot_h * p.late / top
        bars.append(
            {
                "x": round(x, 1),
                "w": round(w, 1),
                "ok_y": round(bottom - h_ok, 1),
                "ok_h": round(h_ok, 1),
                "late_y": round(bottom - h_ok - h_late, 1),
                "late_h": round(h_late, 1),
                "point": p,
                "label_x": round(x + w / 2, 1),
            }
        )
        line.append(f"{round(x + w / 2, 1)},{round(bottom - plot_h * p.due / top, 1)}")
    ticks = [{"y": round(bottom - plot_h * v / top, 1), "value": v} for v in sorted({0, top // 2, top})]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "line": " ".join(line),
        "bottom": bottom,
        "left": left,
        "ticks": ticks,
        # The boxes' own colours (rules.status.Box): done on time, done late, and the deadlines' line.
        "colours": {"on_time": Box.DONE_ON_TIME.hex, "late": Box.DONE_LATE.hex, "due": Box.OPEN_IN_TIME.hex},
    }


def pending_extension_requests(scope: Scope, limit: int = 50) -> list[ExtensionRequest]:
    """Extension requests waiting for a decision, oldest first, within the page's plan and unit (the
    director's list and the office board's)."""
    return list(
        db.session.scalars(
            select(ExtensionRequest)
            .join(Task, Task.id == ExtensionRequest.task_id)
            .where(
                ExtensionRequest.state == ExtensionState.PENDING,
                *TaskFilter(plan_id=scope.plan_id, unit_id=scope.unit_id).conditions(scope.counted_at),
            )
            .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
            .limit(limit)
            .options(
                selectinload(ExtensionRequest.task).selectinload(Task.lead_unit), selectinload(ExtensionRequest.requested_by)
            )
        )
    )


def silent_units(scope: Scope, since: date) -> list[tuple[Unit, int]]:
    """Units with open tasks in scope that recorded no report (``rules.journal.REPORTING``: a progress
    update, evidence, an extension request) since ``since`` ("chưa báo cáo kỳ này"), most open tasks first.
    The open tasks are the roll-up's (leaves, by lead unit: the tally answers it when it can)."""
    at = scope.counted_at
    reported = set(
        db.session.scalars(
            select(Task.lead_unit_id)
            .join(TaskEvent, TaskEvent.task_id == Task.id)
            .where(
                TaskEvent.action.in_(sorted(a.value for a in REPORTING)),
                TaskEvent.at >= datetime.combine(since, time.min, tzinfo=clock.timezone_info()),
            )
            .distinct()
        )
    )
    open_by_unit = {
        unit_id: counts[Box.OPEN_IN_TIME] + counts[Box.OPEN_OVERDUE]
        for unit_id, counts in summarize_by(Task.lead_unit_id, scope.task_filter(), at).items()
        if unit_id not in reported
    }
    silent = {unit_id: n for unit_id, n in open_by_unit.items() if n}
    units = db.session.scalars(select(Unit).where(Unit.id.in_(silent))).all()
    return sorted(((u, silent[u.id]) for u in units), key=lambda row: (-row[1], row[0].position, row[0].id))
