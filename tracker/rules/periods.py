"""Reporting periods: calendar periods, and those of Nghị định 09/2019/NĐ-CP, which end on the 14th.

Under Nghị định 09 a month runs from the 15th of the previous month to the 14th; a year from 15/12 of
the previous year to 14/12 (seed 003: "Năm 2023 (từ ngày 15/12/2022-14/12/2023)"); quarters, 6 and 9
months likewise. "6 tháng" and "9 tháng" are cumulative from the start of the year, as the reports use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tracker.rules.deadlines import month_end
from tracker.rules.labels import LabelledEnum


class PeriodKind(LabelledEnum):
    MONTH = "month", "Tháng"
    QUARTER = "quarter", "Quý"
    HALF_YEAR = "half", "6 tháng"
    NINE_MONTHS = "nine", "9 tháng"
    YEAR = "year", "Năm"

    @property
    def per_year(self) -> int:
        """How many periods of this kind a year has."""
        return {"month": 12, "quarter": 4, "half": 1, "nine": 1, "year": 1}[self.value]


class Scheme(LabelledEnum):
    CALENDAR = "calendar", "Theo năm dương lịch"
    DECREE_09 = "nd09", "Theo Nghị định 09/2019/NĐ-CP (đến ngày 14)"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    scheme: Scheme
    year: int
    index: int
    start: date
    end: date

    @property
    def name(self) -> str:
        """The period without its dates ("Quý II/2024"), as a comparison names it."""
        match self.kind:
            case PeriodKind.MONTH:
                name = f"Tháng {self.index}/{self.year}"
            case PeriodKind.QUARTER:
                name = f"Quý {('I', 'II', 'III', 'IV')[self.index - 1]}/{self.year}"
            case PeriodKind.HALF_YEAR:
                name = f"6 tháng đầu năm {self.year}"
            case PeriodKind.NINE_MONTHS:
                name = f"9 tháng năm {self.year}"
            case _:
                name = f"Năm {self.year}"
        return name

    @property
    def label(self) -> str:
        return f"{self.name} (từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y})"


class Question(StrEnum):
    """The two questions a figure can answer (domain.md, "Periods and cut-offs"); a page or a report
    must say which one each figure answers."""

    # Every task of the chosen plans, classified at a cut-off, whatever its deadline (seed 003's 41/47).
    PROGRESS = "progress"
    # The tasks whose deadline as written falls inside a period, classified at its end (or today).
    DUE_IN_PERIOD = "due_in_period"


def question_of(p: Period | None) -> Question:
    return Question.DUE_IN_PERIOD if p is not None else Question.PROGRESS


def counted_at(p: Period | None, as_of: date, today: date) -> date:
    """The date a scope's figures are counted at: a period at its end, or at ``as_of`` while it runs.
    A cut-off before the period starts (a date left over from an earlier choice) would count its tasks
    before any could be due: the period is then counted at its end, or today while it runs (the caller
    says so to the user)."""
    if p is None:
        return as_of
    if as_of < p.start:
        return min(p.end, max(today, p.start))
    return min(as_of, p.end)


def question_label(p: Period | None, at: date) -> str:
    """The heading that says which question the figures answer, with the date they are counted at."""
    if p is None:
        return f"Tiến độ thực hiện kế hoạch tính đến ngày {at:%d/%m/%Y}"
    return f"Nhiệm vụ đến hạn trong kỳ {p.label}, tính đến ngày {at:%d/%m/%Y}"


def _month_span(kind: PeriodKind, index: int) -> tuple[int, int]:
    """(first month, last month) of the period within its year."""
    if kind is PeriodKind.MONTH:
        return index, index
    if kind is PeriodKind.QUARTER:
        return 3 * index - 2, 3 * index
    if kind is PeriodKind.HALF_YEAR:
        return 1, 6
    if kind is PeriodKind.NINE_MONTHS:
        return 1, 9
    return 1, 12


def period(kind: PeriodKind, year: int, index: int = 1, scheme: Scheme = Scheme.CALENDAR) -> Period:
    if not 1 <= index <= kind.per_year:
        raise ValueError(f"{kind.label} {index} không tồn tại.")
    first, last = _month_span(kind, index)
    if scheme is Scheme.CALENDAR:
        return Period(kind, scheme, year, index, date(year, first, 1), month_end(year, last))
    start = date(year - 1, 12, 15) if first == 1 else date(year, first - 1, 15)
    return Period(kind, scheme, year, index, start, date(year, last, 14))


def periods_of_year(kind: PeriodKind, year: int, scheme: Scheme = Scheme.CALENDAR) -> list[Period]:
    return [period(kind, year, i, scheme) for i in range(1, kind.per_year + 1)]


def period_containing(day: date, kind: PeriodKind, scheme: Scheme = Scheme.CALENDAR) -> Period:
    """The period of ``kind`` that ``day`` falls in (for cumulative kinds, the one of its year)."""
    year = day.year
    if scheme is Scheme.DECREE_09 and day >= date(year, 12, 15):
        year += 1
    for p in periods_of_year(kind, year, scheme):
        if p.start <= day <= p.end:
            return p
    return periods_of_year(kind, year, scheme)[-1]


def months_of(p: Period) -> list[tuple[date, date]]:
    """The month-long slices of a period, for trends (each ends on the 14th under Nghị định 09)."""
    out = []
    start = p.start
    while start <= p.end:
        if p.scheme is Scheme.CALENDAR:
            end = month_end(start.year, start.month)
        else:
            end = (start.replace(day=1) + timedelta(days=32)).replace(day=14)
        out.append((start, min(end, p.end)))
        start = end + timedelta(days=1)
    return out


def previous_period(p: Period) -> Period:
    """The period of the same kind and scheme just before ``p``: the month or quarter before (Tháng 1 ->
    Tháng 12 of the year before, Quý I -> Quý IV), and for the kinds a year has once (6 tháng, 9 tháng,
    năm) the same one of the year before — what the dashboard compares "this period" with."""
    if p.index > 1:
        return period(p.kind, p.year, p.index - 1, p.scheme)
    return period(p.kind, p.year - 1, p.kind.per_year, p.scheme)


def next_period(p: Period) -> Period:
    """The period of the same kind and scheme just after ``p`` (the inverse of ``previous_period``)."""
    if p.index < p.kind.per_year:
        return period(p.kind, p.year, p.index + 1, p.scheme)
    return period(p.kind, p.year + 1, 1, p.scheme)
