"""Reads of indicators: each one's parts, targets, and for each period the result standing at a date
with its verdict (``rules.indicators``); the director's count of met indicators; missing results;
the rows the report and the statistics form print. A fixed number of queries per call."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.indicators.models import (
    Indicator,
    IndicatorEvent,
    IndicatorResult,
    ResultState,
    RowKind,
    StatForm,
    StatRow,
    StatValue,
)
from tracker.plans.models import Issuer, Plan, PlanStatus
from tracker.rules.deadlines import Frequency
from tracker.rules.indicators import Entry, Verdict, overall, parse_results, result_due, standing_entry, verdict
from tracker.rules.periods import Period, PeriodKind, period, period_containing, periods_of_year
from tracker.rules.reports import period_code
from tracker.rules.rollup import Counts, format_percent
from tracker.rules.status import Box
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilter, summarize

DEFAULT_FREQUENCY = Frequency.QUARTERLY


@dataclass(frozen=True)
class PartStatus:
    label: str
    target_text: str
    target: str  # "> 70%", "" when unreadable
    measured: str  # as typed, "" when none
    verdict: Verdict


@dataclass(frozen=True)
class PeriodStatus:
    code: str
    label: str
    end: date
    due: date
    result: IndicatorResult | None
    parts: list[PartStatus]
    verdict: Verdict

    @property
    def result_text(self) -> str:
        return "; ".join(p.measured for p in self.parts if p.measured)

    @property
    def state_label(self) -> str:
        return self.result.state.label if self.result else ""


@dataclass
class IndicatorStatus:
    indicator: Indicator
    periods: list[PeriodStatus] = field(default_factory=list)
    current: PeriodStatus | None = None

    @property
    def target_text(self) -> str:
        return "; ".join(p.target or "chưa xác định" for p in (self.current.parts if self.current else []))


def _kind(freq: Frequency) -> PeriodKind:
    return {
        Frequency.MONTHLY: PeriodKind.MONTH,
        Frequency.QUARTERLY: PeriodKind.QUARTER,
        Frequency.HALF_YEARLY: PeriodKind.HALF_YEAR,
        Frequency.YEARLY: PeriodKind.YEAR,
    }[freq]


def periods_for(freq: Frequency, year: int) -> list[Period]:
    """The periods results are entered for in a year: months, quarters, the first half and the year,
    or the year."""
    if freq is Frequency.HALF_YEARLY:
        return [period(PeriodKind.HALF_YEAR, year), period(PeriodKind.YEAR, year)]
    return periods_of_year(_kind(freq), year)


def period_at(freq: Frequency, on: date) -> Period:
    """The period a date falls in (for half-yearly results: the first half, then the year)."""
    if freq is Frequency.HALF_YEARLY:
        return period(PeriodKind.HALF_YEAR, on.year) if on.month <= 6 else period(PeriodKind.YEAR, on.year)
    return period_containing(on, _kind(freq))


def duty_of(plan_ids: list[int]) -> dict[int, tuple[Frequency, int]]:
    """Each plan's reporting duty (a periodic task): its frequency and reporting day."""
    if not plan_ids:
        return {}
    rows = db.session.execute(
        select(Task.plan_id, Task.frequency, Task.periodic_day)
        .where(Task.plan_id.in_(plan_ids), Task.frequency.is_not(None), Task.period_start.is_(None))
        .order_by(Task.plan_id, Task.id)
    ).all()
    out: dict[int, tuple[Frequency, int]] = {}
    for plan_id, freq, day in rows:
        out.setdefault(plan_id, (freq, day or 15))
    return out


def indicators_of(plan_ids: list[int]) -> list[Indicator]:
    if not plan_ids:
        return []
    return list(
        db.session.scalars(
            select(Indicator)
            .options(selectinload(Indicator.parts), selectinload(Indicator.lead_units), selectinload(Indicator.monitoring_unit))
            .where(Indicator.plan_id.in_(plan_ids))
            .order_by(Indicator.plan_id, Indicator.position, Indicator.id)
        )
    )


def results_of(indicator_ids: list[int]) -> dict[tuple[int, str], list[IndicatorResult]]:
    out: dict[tuple[int, str], list[IndicatorResult]] = defaultdict(list)
    if not indicator_ids:
        return out
    rows = db.session.scalars(
        select(IndicatorResult)
        .options(selectinload(IndicatorResult.entered_by), selectinload(IndicatorResult.decided_by))
        .where(IndicatorResult.indicator_id.in_(indicator_ids))
        .order_by(IndicatorResult.entered_on, IndicatorResult.id)
    )
    for r in rows:
        out[(r.indicator_id, r.period_code)].append(r)
    return out


def _period_status(ind: Indicator, p: Period, entries: list[IndicatorResult], on: date, report_day: int) -> PeriodStatus:
    by_id = {e.id: e for e in entries}
    chosen = standing_entry([Entry(e.id, e.entered_on, e.returned_on) for e in entries], on)
    result = by_id[chosen.ident] if chosen else None
    measured = parse_results(";".join(result.typed)) if result else []
    typed = result.typed if result else []
    parts = []
    for i, part in enumerate(ind.parts):
        m = measured[i] if i < len(measured) else None
        target = part.target
        parts.append(
            PartStatus(
                part.label,
                part.target_text,
                str(target) if target else "",
                typed[i] if i < len(typed) else "",
                verdict(target, m),
            )
        )
    return PeriodStatus(
        period_code(p),
        p.label.split(" (")[0],
        p.end,
        result_due(p.end, report_day),
        result,
        parts,
        overall([s.verdict for s in parts]),
    )


def statuses(plan_ids: list[int], on: date, year: int | None = None, current_only: bool = False) -> list[IndicatorStatus]:
    """Every indicator of the plans with each period of the year (the plan's, or ``year``) that has
    started by ``on``, its result as of ``on`` and verdicts; ``current`` is the period ``on`` falls in
    (or the year's last started one). ``current_only``: that period alone (the dashboard)."""
    inds = indicators_of(plan_ids)
    if not inds:
        return []
    plans = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_({i.plan_id for i in inds})))}
    duties = duty_of(list(plans))
    results = results_of([i.id for i in inds])
    out = []
    for ind in inds:
        freq, day = duties.get(ind.plan_id, (DEFAULT_FREQUENCY, 15))
        freq = ind.frequency or freq
        span = periods_for(freq, year or plans[ind.plan_id].year)
        status = IndicatorStatus(ind)
        started = [p for p in span if p.start <= on]
        if current_only and started:
            now_code = period_code(period_at(freq, on))
            started = [next((p for p in started if period_code(p) == now_code), started[-1])]
        for p in started:
            status.periods.append(_period_status(ind, p, results.get((ind.id, period_code(p)), []), on, day))
        now = period_at(freq, on)
        status.current = next((s for s in status.periods if s.code == period_code(now)), None) or (
            status.periods[-1] if status.periods else None
        )
        out.append(status)
    return out


def frequency_of(indicator: Indicator) -> Frequency:
    return indicator.frequency or duty_of([indicator.plan_id]).get(indicator.plan_id, (DEFAULT_FREQUENCY, 15))[0]


def open_periods(indicator: Indicator, on: date) -> list[str]:
    """The period codes a result may be entered for today: those of the plan's year that have started."""
    plan = indicator.plan
    return [period_code(p) for p in periods_for(frequency_of(indicator), plan.year) if p.start <= on]


def pending_results(plan_ids: list[int] | None = None) -> list[IndicatorResult]:
    stmt = (
        select(IndicatorResult)
        .options(selectinload(IndicatorResult.indicator).selectinload(Indicator.plan), selectinload(IndicatorResult.entered_by))
        .where(IndicatorResult.state == ResultState.PENDING)
        .order_by(IndicatorResult.entered_on, IndicatorResult.id)
    )
    if plan_ids is not None:
        stmt = stmt.join(Indicator, Indicator.id == IndicatorResult.indicator_id).where(Indicator.plan_id.in_(plan_ids))
    return list(db.session.scalars(stmt))


def journal_of(indicator_id: int) -> list[IndicatorEvent]:
    return list(
        db.session.scalars(
            select(IndicatorEvent)
            .options(selectinload(IndicatorEvent.user))
            .where(IndicatorEvent.indicator_id == indicator_id)
            .order_by(IndicatorEvent.at.desc(), IndicatorEvent.id.desc())
        )
    )


def _active_plan_ids(on: date) -> list[int]:
    """Plans in force at ``on`` with indicators (a plan of last year still in force shows its last
    period until it is closed)."""
    return list(
        db.session.scalars(
            select(Plan.id)
            .where(Plan.status == PlanStatus.ACTIVE, Plan.issued_on <= on, Plan.id.in_(select(Indicator.plan_id)))
            .order_by(Plan.id)
        )
    )


@dataclass
class DashboardFigures:
    """The director's view: this period's verdict of every indicator of the year's active plans."""

    total: int = 0
    met: int = 0
    no_result: int = 0
    not_met: list[IndicatorStatus] = field(default_factory=list)
    undecided: int = 0


def dashboard_figures(on: date) -> DashboardFigures:
    figures = DashboardFigures()
    for s in statuses(_active_plan_ids(on), on, current_only=True):
        figures.total += 1
        v = s.current.verdict if s.current else Verdict.NO_RESULT
        if v is Verdict.MET:
            figures.met += 1
        elif v is Verdict.NOT_MET:
            figures.not_met.append(s)
        elif v is Verdict.NO_RESULT:
            figures.no_result += 1
        else:
            figures.undecided += 1
    return figures


@dataclass(frozen=True)
class Missing:
    indicator: Indicator
    period: PeriodStatus


def missing_results(on: date, plan_ids: list[int] | None = None) -> list[Missing]:
    """Results that are due (the reporting day of the period's last month has come) and missing at
    ``on``: the monitoring unit's board lists them, the lead units are reminded."""
    out = []
    for s in statuses(plan_ids if plan_ids is not None else _active_plan_ids(on), on):
        out += [Missing(s.indicator, p) for p in s.periods if p.result is None and p.due <= on]
    return out


# --------------------------------------------------------------------------- reports


def _report_period(s: IndicatorStatus, as_of: date, within: Period | None) -> PeriodStatus | None:
    """The period a report shows for an indicator: the latest one inside the report's period (or the
    plan's year) with a result standing at the cut-off, else the one the cut-off falls in."""
    candidates = [p for p in s.periods if within is None or within.start <= p.end and p.end <= within.end or p is s.current]
    with_result = [p for p in candidates if p.result is not None]
    if with_result:
        return with_result[-1]
    return s.current


def report_rows(plan_ids: list[int], as_of: date, within: Period | None) -> list[dict]:
    """Phụ lục II of seed 000: chỉ tiêu | cơ quan theo dõi, đôn đốc | kết quả, with the target and the
    verdict, JSON-ready for the report's snapshot. Empty when the plans have no indicators."""
    rows = []
    for s in statuses(plan_ids, as_of):
        p = _report_period(s, as_of, within)
        ind = s.indicator
        rows.append(
            {
                "key": f"{ind.plan_id}-{ind.ordinal}-{ind.id}",
                "plan": ind.plan.number,
                "ordinal": ind.ordinal,
                "group": ind.group_title,
                "title": ind.title,
                "monitor": ind.monitoring_unit.name if ind.monitoring_unit else "",
                "lead": ", ".join(u.name for u in ind.lead_units) or ind.lead_text,
                "target": "; ".join(part.target or "chưa xác định" for part in p.parts) if p else "",
                "period": p.label if p else "",
                "result": p.result_text if p else "",
                "verdict": (p.verdict if p else Verdict.NO_RESULT).label,
            }
        )
    return rows


def forms_for(year: int) -> list[StatForm]:
    return list(
        db.session.scalars(
            select(StatForm).options(selectinload(StatForm.rows)).where(StatForm.year == year).order_by(StatForm.id)
        )
    )


def _typed_values(row_ids: list[int], codes: list[str], on: date) -> dict[int, str]:
    if not row_ids:
        return {}
    rows = db.session.execute(
        select(StatValue.row_id, StatValue.period_code, StatValue.value)
        .where(StatValue.row_id.in_(row_ids), StatValue.period_code.in_(codes), StatValue.entered_on <= on)
        .order_by(StatValue.entered_on, StatValue.id)
    ).all()
    out: dict[int, dict[str, str]] = defaultdict(dict)
    for row_id, code, value in rows:
        out[row_id][code] = value
    return {rid: next((vals[c] for c in codes if c in vals), "") for rid, vals in out.items()}


def _higher_counts(year: int, on: date) -> Counts:
    ids = select(Plan.id).join(Issuer, Issuer.id == Plan.issuer_id).where(Issuer.higher_level, Plan.year == year)
    return summarize(TaskFilter(leaves_only=True, extra=[Task.plan_id.in_(ids)]), on)


# What a live row of the form counts: from the plan's leaves, or from the higher bodies' documents.
_PLAN_FIGURES = {
    RowKind.PLAN_TOTAL: lambda c: c.total,
    RowKind.PLAN_DONE: lambda c: c.completed,
    RowKind.PLAN_ON_TIME: lambda c: c[Box.DONE_ON_TIME],
    RowKind.PLAN_OVERDUE: lambda c: c[Box.OPEN_OVERDUE],
    RowKind.PLAN_RATE: lambda c: f"{format_percent(c.rate_all)}%" if c.total else "",
}
_HIGHER_FIGURES = {
    RowKind.HIGHER_TOTAL: lambda c: c.total,
    RowKind.HIGHER_ON_TIME: lambda c: c[Box.DONE_ON_TIME],
    RowKind.HIGHER_LATE: lambda c: c[Box.DONE_LATE],
    RowKind.HIGHER_OVERDUE: lambda c: c[Box.OPEN_OVERDUE],
}


def _live_value(row: StatRow, plan_counts: dict[int, Counts], higher: Counts, indicator_text: dict[int, str]) -> str | int:
    if row.kind in _PLAN_FIGURES:
        return _PLAN_FIGURES[row.kind](plan_counts.get(row.plan_id or -1, Counts()))
    if row.kind in _HIGHER_FIGURES:
        return _HIGHER_FIGURES[row.kind](higher)
    if row.kind is RowKind.INDICATOR:
        return indicator_text.get(row.indicator_id or -1, "")
    return ""


def form_rows(form: StatForm, on: date, within: Period | None) -> list[dict]:
    """The form's rows with their figures at ``on``: live rows counted from tasks (as of ``on``) or an
    indicator's result; typed rows the value typed for the report's period (or the form's year)."""
    plan_ids = sorted({r.plan_id for r in form.rows if r.plan_id is not None})
    plan_counts = {pid: summarize(TaskFilter(plan_id=pid, leaves_only=True), on) for pid in plan_ids}
    higher = _higher_counts(form.year, on) if any(r.kind in _HIGHER_FIGURES for r in form.rows) else Counts()
    ind_ids = {r.indicator_id for r in form.rows if r.indicator_id is not None}
    indicator_text: dict[int, str] = {}
    if ind_ids:
        ind_plans = list(db.session.scalars(select(Indicator.plan_id).where(Indicator.id.in_(ind_ids)).distinct()))
        for s in statuses(ind_plans, on):
            if s.indicator.id in ind_ids:
                p = _report_period(s, on, within)
                indicator_text[s.indicator.id] = p.result_text if p else ""
    codes = ([period_code(within)] if within else []) + [f"Y-{form.year}"]
    typed = _typed_values([r.id for r in form.rows if r.kind is RowKind.TYPED], codes, on)
    out = []
    for r in form.rows:
        value: str | int = typed.get(r.id, "") if r.kind is RowKind.TYPED else _live_value(r, plan_counts, higher, indicator_text)
        out.append(
            {
                "ordinal": r.ordinal,
                "label": r.label,
                "unit": r.unit_label,
                "value": value,
                "note": r.note,
                "heading": r.kind is RowKind.HEADING,
            }
        )
    return out


def _bound_to(form: StatForm, plan_id: int) -> bool:
    plan_indicators = set(db.session.scalars(select(Indicator.id).where(Indicator.plan_id == plan_id)))
    return any(r.plan_id == plan_id or (r.indicator_id is not None and r.indicator_id in plan_indicators) for r in form.rows)


def report_forms(year: int, on: date, within: Period | None, plan_id: int | None = None) -> list[dict]:
    """The statistics forms a report carries: a plan's report those of its year with a row bound to
    the plan (or one of its indicators), a year's report every form of the year."""
    chosen = [f for f in forms_for(year) if plan_id is None or _bound_to(f, plan_id)]
    return [{"title": f.title, "year": f.year, "rows": form_rows(f, on, within)} for f in chosen]


def forms() -> list[StatForm]:
    return list(db.session.scalars(select(StatForm).order_by(StatForm.year.desc(), StatForm.id)))
