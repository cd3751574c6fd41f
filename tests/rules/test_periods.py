from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.periods import PeriodKind, Scheme, months_of, period, period_containing, periods_of_year


def test_calendar_periods():
    assert (period(PeriodKind.QUARTER, 2024, 3).start, period(PeriodKind.QUARTER, 2024, 3).end) == (
        date(2024, 7, 1),
        date(2024, 9, 30),
    )
    assert period(PeriodKind.MONTH, 2024, 2).end == date(2024, 2, 29)
    assert period(PeriodKind.HALF_YEAR, 2024).end == date(2024, 6, 30)
    assert period(PeriodKind.NINE_MONTHS, 2024).start == date(2024, 1, 1)
    assert period(PeriodKind.YEAR, 2024).label == "Năm 2024 (từ 01/01/2024 đến 31/12/2024)"


def test_decree_09_periods_end_on_the_14th():
    year = period(PeriodKind.YEAR, 2023, scheme=Scheme.DECREE_09)
    assert (year.start, year.end) == (date(2022, 12, 15), date(2023, 12, 14))  # seed 003
    assert year.label == "Năm 2023 (từ 15/12/2022 đến 14/12/2023)"
    q1 = period(PeriodKind.QUARTER, 2024, 1, Scheme.DECREE_09)
    assert (q1.start, q1.end) == (date(2023, 12, 15), date(2024, 3, 14))
    q3 = period(PeriodKind.QUARTER, 2024, 3, Scheme.DECREE_09)
    assert (q3.start, q3.end) == (date(2024, 6, 15), date(2024, 9, 14))
    jan = period(PeriodKind.MONTH, 2024, 1, Scheme.DECREE_09)
    assert (jan.start, jan.end) == (date(2023, 12, 15), date(2024, 1, 14))
    nine = period(PeriodKind.NINE_MONTHS, 2024, scheme=Scheme.DECREE_09)
    assert (nine.start, nine.end) == (date(2023, 12, 15), date(2024, 9, 14))


def test_bad_index():
    with pytest.raises(ValueError):
        period(PeriodKind.QUARTER, 2024, 5)


@pytest.mark.parametrize("scheme", list(Scheme))
@pytest.mark.parametrize("kind", [PeriodKind.MONTH, PeriodKind.QUARTER])
def test_periods_tile_the_year_without_gaps(kind, scheme):
    ps = periods_of_year(kind, 2024, scheme)
    for a, b in zip(ps, ps[1:], strict=False):
        assert (b.start - a.end).days == 1
    assert ps[0].start == period(PeriodKind.YEAR, 2024, scheme=scheme).start
    assert ps[-1].end == period(PeriodKind.YEAR, 2024, scheme=scheme).end


@given(
    st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(list(Scheme)),
    st.sampled_from([PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR]),
)
def test_every_day_is_in_exactly_its_period(day, scheme, kind):
    p = period_containing(day, kind, scheme)
    assert p.start <= day <= p.end


@pytest.mark.parametrize("scheme", list(Scheme))
def test_months_of_a_year(scheme):
    slices = months_of(period(PeriodKind.YEAR, 2024, scheme=scheme))
    assert len(slices) == 12
    assert all((b[0] - a[1]).days == 1 for a, b in zip(slices, slices[1:], strict=False))


@pytest.mark.parametrize("kind", list(PeriodKind))
def test_every_period_has_a_label(kind):
    # Tháng 5 to Tháng 12 once raised IndexError: the label built every kind's name, the quarter's too.
    for p in periods_of_year(kind, 2024):
        assert p.label.endswith(f"đến {p.end:%d/%m/%Y})")
    assert period(PeriodKind.MONTH, 2024, 12).label == "Tháng 12/2024 (từ 01/12/2024 đến 31/12/2024)"
