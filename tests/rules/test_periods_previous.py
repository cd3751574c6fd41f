"""The previous period of the same kind (rules.periods.previous_period), which the dashboard compares with."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.periods import (
    PeriodKind,
    Scheme,
    next_period,
    period,
    period_containing,
    previous_period,
)

kinds = st.sampled_from(list(PeriodKind))
schemes = st.sampled_from(list(Scheme))
years = st.integers(2001, 2099)


@st.composite
def periods(draw):
    kind = draw(kinds)
    return period(kind, draw(years), draw(st.integers(1, kind.per_year)), draw(schemes))


@given(periods())
def test_previous_of_next_and_next_of_previous_are_identity(p):
    assert previous_period(next_period(p)) == p
    assert next_period(previous_period(p)) == p


@given(periods())
def test_previous_is_the_same_kind_and_scheme_and_ends_before(p):
    before = previous_period(p)
    assert (before.kind, before.scheme) == (p.kind, p.scheme)
    assert before.end < p.start
    if p.kind.per_year > 1 or p.kind is PeriodKind.YEAR:
        # Months, quarters and years tile time: the previous one ends the day before this one starts.
        assert before.end + timedelta(days=1) == p.start
    else:
        # 6 and 9 months are cumulative from the start of a year: the same span, one year earlier.
        assert (before.year, before.index) == (p.year - 1, p.index)
        assert period_containing(before.end, p.kind, p.scheme) == before


@given(periods())
def test_previous_contains_the_day_before_for_tiling_kinds(p):
    if p.kind.per_year > 1 or p.kind is PeriodKind.YEAR:
        assert period_containing(p.start - timedelta(days=1), p.kind, p.scheme) == previous_period(p)


@pytest.mark.parametrize(
    ("kind", "year", "index", "scheme", "expected"),
    [
        (PeriodKind.MONTH, 2024, 1, Scheme.CALENDAR, (2023, 12, date(2023, 12, 1), date(2023, 12, 31))),
        (PeriodKind.MONTH, 2024, 3, Scheme.CALENDAR, (2024, 2, date(2024, 2, 1), date(2024, 2, 29))),
        (PeriodKind.QUARTER, 2024, 1, Scheme.CALENDAR, (2023, 4, date(2023, 10, 1), date(2023, 12, 31))),
        (PeriodKind.QUARTER, 2024, 3, Scheme.CALENDAR, (2024, 2, date(2024, 4, 1), date(2024, 6, 30))),
        (PeriodKind.QUARTER, 2024, 1, Scheme.DECREE_09, (2023, 4, date(2023, 9, 15), date(2023, 12, 14))),
        (PeriodKind.MONTH, 2024, 1, Scheme.DECREE_09, (2023, 12, date(2023, 11, 15), date(2023, 12, 14))),
        (PeriodKind.HALF_YEAR, 2024, 1, Scheme.CALENDAR, (2023, 1, date(2023, 1, 1), date(2023, 6, 30))),
        (PeriodKind.NINE_MONTHS, 2024, 1, Scheme.DECREE_09, (2023, 1, date(2022, 12, 15), date(2023, 9, 14))),
        (PeriodKind.YEAR, 2024, 1, Scheme.DECREE_09, (2023, 1, date(2022, 12, 15), date(2023, 12, 14))),
    ],
)
def test_boundaries(kind, year, index, scheme, expected):
    before = previous_period(period(kind, year, index, scheme))
    assert (before.year, before.index, before.start, before.end) == expected


def test_short_labels():
    assert period(PeriodKind.QUARTER, 2024, 2).name == "Quý II/2024"
    assert previous_period(period(PeriodKind.MONTH, 2024, 1)).name == "Tháng 12/2023"
    assert period(PeriodKind.HALF_YEAR, 2023).name == "6 tháng đầu năm 2023"
    assert period(PeriodKind.YEAR, 2023, scheme=Scheme.DECREE_09).name == "Năm 2023"
