"""Reads for reports: the figures of a scope at a cut-off, as one JSON-ready snapshot.

Every count comes from the roll-up that serves the dashboard (``tasks.queries.summarize`` and
``summarize_by`` over leaves, cancelled left out); the lists come from ``task_list``. The snapshot is
what an issued report keeps: rendering it again gives the same document whatever happened since, and
a recount of the same scope and cut-off shows what changed (``rules.reports.changes``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.extensions import db
from tracker.plans.models import Issuer, Plan
from tracker.reports.models import SECTIONS, Report, ReportScope, ReportState
from tracker.rules.periods import Period, PeriodKind, Scheme, counted_at, period, question_label
from tracker.rules.rollup import Counts
from tracker.rules.status import Box
from tracker.settings.models import AppState
from tracker.settings.queries import load_calendar
from tracker.tasks.conditions import FLAGGED
from tracker.tasks.models import PlanTally, Task
from tracker.tasks.queries import TaskFilter, box_condition, leaf, summarize, summarize_by, task_count, task_list
from tracker.tasks.rollup import summarize_plans

SNAPSHOT_VERSION = 1
# How many rows a list in the document holds at most; the rest is counted ("và N nhiệm vụ khác").
MAX_LISTED = 200

OFFICE_KEY = "reports.office"
OFFICE_FIELDS = (
    # key, label, required
    ("governing_body", "Cơ quan, tổ chức chủ quản", True),
    ("name", "Tên cơ quan ban hành báo cáo", True),
    ("code", "Chữ viết tắt tên cơ quan (trong số ký hiệu)", True),
    ("place", "Địa danh", True),
    ("head_title", "Chức danh người đứng đầu", True),
    ("signer_title", "Chức vụ người ký", True),
    ("signer_name", "Họ và tên người ký", True),
    ("deputy", "Cấp phó ký thay (KT.)", False),
    ("recipients", "Nơi nhận (mỗi dòng một nơi)", False),
    ("archive", "Lưu (ví dụ: VT, VP)", False),
)
OFFICE_DEFAULTS = {"head_title": "GIÁM ĐỐC", "signer_title": "GIÁM ĐỐC", "deputy": "", "archive": "VT", "recipients": ""}


@dataclass
class ReportSpec:
    """What a report covers: a scope, an optional period, and the cut-off (ngày chốt số liệu)."""

    scope: ReportScope
    as_of: date
    plan_id: int | None = None
    year: int | None = None
    period: Period | None = None

    @classmethod
    def of(cls, report: Report) -> ReportSpec:
        return cls(report.scope, report.as_of, report.plan_id, report.year, report_period(report))


def report_period(report: Report) -> Period | None:
    if not report.period_kind:
        return None
    return period(
        PeriodKind(report.period_kind),
        report.period_year or report.as_of.year,
        report.period_index or 1,
        Scheme(report.period_scheme or Scheme.CALENDAR.value),
    )


def office_settings() -> dict[str, str]:
    row = db.session.get(AppState, OFFICE_KEY)
    stored = json.loads(row.value) if row is not None and row.value else {}
    return {**OFFICE_DEFAULTS, **{k: v for k, v in stored.items() if isinstance(v, str)}}


def office_details(override: dict | None = None) -> dict[str, str]:
    """The administrator's office details with a report's own typed values over them."""
    base = office_settings()
    for key, value in (override or {}).items():
        if isinstance(value, str) and value.strip():
            base[key] = value
    return base


def office_errors(details: dict[str, str]) -> dict[str, str]:
    return {
        f"office_{key}": f"Chưa khai báo “{label}”: Quản trị khai báo một lần trong Cài đặt báo cáo, hoặc nhập riêng cho báo cáo này."
        for key, label, required in OFFICE_FIELDS
        if required and not (details.get(key) or "").strip()
    }


def higher_plan_ids(year: int | None):
    stmt = select(Plan.id).join(Issuer, Issuer.id == Plan.issuer_id).where(Issuer.higher_level)
    return stmt.where(Plan.year == year) if year else stmt


def scope_filter(spec: ReportSpec) -> TaskFilter:
    """The leaves a report counts, whatever the period: a plan's, a year's plans', or those of the
    documents issued by bodies above the Sở."""
    if spec.scope is ReportScope.PLAN:
        return TaskFilter(plan_id=spec.plan_id or -1, leaves_only=True)
    if spec.scope is ReportScope.YEAR:
        return TaskFilter(year=spec.year or spec.as_of.year, leaves_only=True)
    return TaskFilter(leaves_only=True, extra=[Task.plan_id.in_(higher_plan_ids(spec.year))])


def leaves_in_scope(spec: ReportSpec) -> int:
    """How many leaves a report counts (what drawing it costs grows with: reports.render.INLINE_LEAVES)."""
    return task_count(scope_filter(spec), spec.as_of)


def _in_period(flt: TaskFilter, p: Period | None) -> TaskFilter:
    if p is None:
        return flt
    return TaskFilter(plan_id=flt.plan_id, year=flt.year, extra=list(flt.extra), leaves_only=True, due_from=p.start, due_to=p.end)


def counts_json(c: Counts) -> dict:
    """The figures of one scope, plain ints and the two rates as printed (cut to two decimals)."""
    data = c.as_dict()
    data.pop("awaiting_confirmation", None)
    data["awaiting_confirmation"] = c.awaiting_confirmation
    data["come_due"] = c.come_due
    data["completed_dated"] = c.completed_dated
    data["no_deadline"] = c.no_deadline
    return data


def _plans_in_scope(spec: ReportSpec) -> list[Plan]:
    stmt = select(Plan).options(selectinload(Plan.issuer)).order_by(Plan.issued_on, Plan.id)
    if spec.scope is ReportScope.PLAN:
        stmt = stmt.where(Plan.id == (spec.plan_id or -1))
    elif spec.scope is ReportScope.YEAR:
        stmt = stmt.where(Plan.year == (spec.year or spec.as_of.year))
    else:
        stmt = stmt.where(Plan.id.in_(higher_plan_ids(spec.year)))
    return list(db.session.scalars(stmt))


def _root_counts(plan_ids: list[int]) -> dict[int, int]:
    """Nhiệm vụ per plan (top-level tasks, cancelled left out): "07 nhiệm vụ với 47 phần việc"."""
    if not plan_ids:
        return {}
    # From plan_tally (its rows hold the top-level tasks with a standing, i.e. not cancelled).
    rows = db.session.execute(
        select(PlanTally.plan_id, func.sum(PlanTally.roots)).where(PlanTally.plan_id.in_(plan_ids)).group_by(PlanTally.plan_id)
    ).all()
    return {pid: int(n) for pid, n in rows}


def _task_line(row) -> dict:
    return {
        "ordinal": row.ordinal,
        "title": row.title,
        "plan": row.plan_number,
        "unit": row.lead_unit_name,
        "deadline_text": row.deadline_text,
        "due": row.due_date.isoformat() if row.due_date else None,
        "extended_due": row.extended_due.isoformat() if row.extended_due else None,
        "effective_due": row.effective_due.isoformat() if row.effective_due else None,
        "completed_on": row.completed_on.isoformat() if row.completed_on else None,
    }


def _listed(flt: TaskFilter, at: date, sort: str = "due", total: int | None = None) -> tuple[list, int]:
    rows, total = task_list(flt, at, sort=sort, per_page=MAX_LISTED, total=total)
    return rows, total


def build_snapshot(spec: ReportSpec) -> dict:
    """Every figure and list of the report at its cut-off, JSON-ready. A fixed number of queries
    whatever the number of tasks (each list holds at most ``MAX_LISTED`` rows)."""
    as_of = spec.as_of
    flt = scope_filter(spec)
    plans = _plans_in_scope(spec)
    plan_ids = [p.id for p in plans]
    # The scope's leaves are exactly those of its plans: plan_tally answers by plan, and by unit unless a
    # period narrows them by deadline (then the leaf indexes of task do).
    by_plan, by_plan_units = summarize_plans(plan_ids, flt, as_of)
    roots = _root_counts(plan_ids)
    totals = sum(by_plan.values(), Counts())
    p = spec.period
    at = counted_at(p, as_of, clock.today())
    pflt = _in_period(flt, p)
    by_unit = by_plan_units  # a year or a plan: at is as_of, pflt is flt
    if p is not None:
        by_unit = summarize_by(Task.lead_unit_id, pflt, at) if plans else {}
    names = (
        dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(by_unit)))).tuples().all()) if by_unit else {}
    )
    unit_rows = sorted(
        ({"key": names.get(uid, str(uid)), **counts_json(c)} for uid, c in by_unit.items()),
        key=lambda r: (-r["open_overdue"], r["key"]),
    )
    in_period = sum(by_unit.values(), Counts()) if p is not None else None

    # The year apart: the overdue are read along ix_task_open in deadline order, not plan by plan and sorted.
    late = TaskFilter(**_kw(flt), box=Box.OPEN_OVERDUE).year_apart()
    # The lists' counts are the figures' (the same leaves at the same date), not read again.
    overdue_rows, overdue_total = _listed(late, as_of, total=totals[Box.OPEN_OVERDUE]) if plans else ([], 0)
    calendar = load_calendar()
    dues = [r.effective_due for r, _ in overdue_rows if r.effective_due]
    between = calendar.counter(min(dues), as_of) if dues else calendar.working_days_between
    overdue = [{**_task_line(r), "days_late": between(r.effective_due, as_of) if r.effective_due else 0} for r, _ in overdue_rows]
    ext_rows, ext_total = (
        # FLAGGED beside the condition itself: its words are those of the partial index of flagged
        # leaves, and the year apart, the only way SQLite takes that index (it read every leaf of the
        # year: 2,5 s at a million).
        _listed(TaskFilter(**{**_kw(flt), "extra": [*flt.extra, FLAGGED, Task.extended_due.is_not(None)]}).year_apart(), as_of)
        if plans
        else ([], 0)
    )
    undated_rows, undated_total = (
        _listed(
            TaskFilter(**_kw(flt), boxes=(Box.NO_DEADLINE_DONE, Box.NO_DEADLINE_OPEN)),
            as_of,
            "plan",
            total=totals[Box.NO_DEADLINE_DONE] + totals[Box.NO_DEADLINE_OPEN],
        )
        if plans
        else ([], 0)
    )
    higher_year = spec.year or (plans[0].year if spec.scope is ReportScope.PLAN and plans else as_of.year)
    higher = summarize(TaskFilter(leaves_only=True, extra=[Task.plan_id.in_(higher_plan_ids(higher_year))]), as_of)
    higher_docs = db.session.scalars(
        select(Plan).options(selectinload(Plan.issuer)).where(Plan.id.in_(higher_plan_ids(higher_year))).order_by(Plan.issued_on)
    ).all()
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "scope": spec.scope.value,
        "scope_label": scope_label(spec, plans),
        "year": spec.year,
        "as_of": as_of.isoformat(),
        "period": None
        if p is None
        else {
            "kind": p.kind.value,
            "scheme": p.scheme.value,
            "year": p.year,
            "index": p.index,
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
            "label": p.label,
            "counted_at": at.isoformat(),
            "question": question_label(p, at),
        },
        "question": question_label(None, as_of),
        "totals": counts_json(totals),
        "in_period": counts_json(in_period) if in_period is not None else None,
        "plans": [
            {
                "key": plan.number,
                "id": plan.id,
                "display": plan.display_name,
                "number": plan.number,
                "issued_on": plan.issued_on.isoformat(),
                "issuer": plan.issuer.name,
                "title": plan.title,
                "tasks": roots.get(plan.id, 0),
                **counts_json(by_plan.get(plan.id, Counts())),
            }
            for plan in plans
        ],
        "units": unit_rows,
        "overdue": overdue,
        "overdue_total": overdue_total,
        "extensions": [_task_line(r) for r, _ in ext_rows],
        "extensions_total": ext_total,
        "undated": [{**_task_line(r), "box": box} for r, box in undated_rows],
        "undated_total": undated_total,
        "higher": {
            "year": higher_year,
            "documents": [f"{d.display_name} ngày {d.issued_on:%d/%m/%Y} của {d.issuer.name}" for d in higher_docs],
            **counts_json(higher),
        },
    }
    return {**snapshot, **indicator_appendices(spec, plans, p)}


def indicator_appendices(spec: ReportSpec, plans: list[Plan], p: Period | None) -> dict:
    """Phụ lục II (the indicators of the plans in scope: target, result, verdict) and the statistics
    forms of the year; keys present only when there is something, so a report without indicators or
    forms keeps its snapshot and document unchanged."""
    from tracker.indicators.queries import report_forms, report_rows

    out: dict = {}
    rows = report_rows([plan.id for plan in plans], spec.as_of, p)
    if rows:
        out["indicators"] = rows
    year = spec.year or (plans[0].year if spec.scope is ReportScope.PLAN and plans else spec.as_of.year)
    forms = report_forms(year, spec.as_of, p, plans[0].id if spec.scope is ReportScope.PLAN and plans else None)
    if forms:
        out["forms"] = forms
    return out


def _kw(flt: TaskFilter) -> dict:
    return {"plan_id": flt.plan_id, "year": flt.year, "extra": list(flt.extra), "leaves_only": True}


def scope_label(spec: ReportSpec, plans: list[Plan]) -> str:
    if spec.scope is ReportScope.PLAN:
        if not plans:
            return "kế hoạch"
        plan = plans[0]
        return f"{plan.display_name} ngày {plan.issued_on:%d/%m/%Y} của {plan.issuer.name}"
    if spec.scope is ReportScope.YEAR:
        return f"các kế hoạch, văn bản năm {spec.year or spec.as_of.year}"
    return "nhiệm vụ cấp trên giao" + (f" năm {spec.year}" if spec.year else "")


def default_subject(spec: ReportSpec) -> str:
    plans = _plans_in_scope(spec) if spec.scope is ReportScope.PLAN else []
    label = scope_label(spec, plans)
    if spec.scope is ReportScope.PLAN and plans:
        label = f"{plans[0].display_name}"
    head = f"Kết quả thực hiện {label}"
    if spec.period is not None:
        return f"{head} {spec.period.label.split(' (')[0].replace('Quý', 'quý').replace('Tháng', 'tháng').replace('Năm', 'năm')}"
    return f"{head} (số liệu tính đến ngày {spec.as_of:%d/%m/%Y})"


def sections_of(report: Report) -> dict[str, str]:
    stored = json.loads(report.sections or "{}")
    return {key: str(stored.get(key, "")) for key, _ in SECTIONS}


def override_of(report: Report) -> dict[str, str]:
    stored = json.loads(report.office_override or "{}")
    return {k: v for k, v in stored.items() if isinstance(v, str)}


def snapshot_of(report: Report) -> dict | None:
    return json.loads(report.snapshot) if report.snapshot else None


def figures(snapshot: dict) -> dict:
    """The part of a snapshot that is counted from tasks (not the labels): what "changed since issue"
    compares."""
    keep = ("totals", "in_period", "plans", "units", "overdue_total", "extensions_total", "undated_total", "higher", "indicators")
    out = {k: snapshot.get(k) for k in keep}
    higher = out.get("higher")
    if isinstance(higher, dict) and higher:
        out["higher"] = {k: v for k, v in higher.items() if k != "documents"}
    return out


def reports(limit: int = 100) -> list[Report]:
    return list(
        db.session.scalars(
            select(Report)
            .options(selectinload(Report.plan), selectinload(Report.issued_by), selectinload(Report.updated_by))
            .order_by(Report.updated_at.desc(), Report.id.desc())
            .limit(limit)
        )
    )


def plan_reports(plan_id: int) -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.plan_id == plan_id).order_by(Report.id.desc()).limit(20)))


def used_serial(office_code: str, year: int, serial: str) -> bool:
    return (
        db.session.scalar(
            select(Report.id).where(
                Report.office_code == office_code,
                Report.issued_year == year,
                Report.serial == serial,
                Report.state == ReportState.ISSUED,
            )
        )
        is not None
    )


# --------------------------------------------------------------------------- monthly late list


def late_snapshot(as_of: date) -> dict:
    """The monthly list of late units and people (seed 001) at ``as_of``: overdue leaves by lead unit
    (from the roll-up), by assignee, and the tasks themselves."""
    flt = TaskFilter(leaves_only=True)
    by_unit = summarize_by(Task.lead_unit_id, flt, as_of)
    late_units = {uid: c for uid, c in by_unit.items() if c[Box.OPEN_OVERDUE]}
    names = (
        dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(late_units)))).tuples().all())
        if late_units
        else {}
    )
    units = sorted(
        (
            {
                "key": names.get(uid, str(uid)),
                "overdue": c[Box.OPEN_OVERDUE],
                "total": c.total,
                "oldest": c.oldest_overdue.isoformat() if c.oldest_overdue else None,
            }
            for uid, c in late_units.items()
        ),
        key=lambda r: (-r["overdue"], r["key"]),
    )
    people_rows = db.session.execute(
        select(User.full_name, Unit.name, func.count(), func.min(Task.effective_due))
        .join(Task, Task.assignee_id == User.id)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(leaf(), box_condition(Box.OPEN_OVERDUE, as_of))
        .group_by(User.full_name, Unit.name)
        .order_by(func.count().desc(), User.full_name)
    ).all()
    people = [
        {
            "key": f"{name} ({unit})",
            "name": name,
            "unit": unit,
            "overdue": int(n),
            "oldest": oldest.isoformat() if oldest else None,
        }
        for name, unit, n, oldest in people_rows
    ]
    rows, total = _listed(TaskFilter(leaves_only=True, box=Box.OPEN_OVERDUE), as_of)
    calendar = load_calendar()
    dues = [r.effective_due for r, _ in rows if r.effective_due]
    between = calendar.counter(min(dues), as_of) if dues else calendar.working_days_between
    return {
        "version": SNAPSHOT_VERSION,
        "kind": "late_list",
        "as_of": as_of.isoformat(),
        "units": units,
        "people": people,
        "overdue": [{**_task_line(r), "days_late": between(r.effective_due, as_of) if r.effective_due else 0} for r, _ in rows],
        "overdue_total": total,
    }
