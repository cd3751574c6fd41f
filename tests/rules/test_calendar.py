from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.calendar import WorkCalendar

CAL = WorkCalendar()
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def test_weekends_are_days_off():
    assert not CAL.is_working_day(date(2024, 6, 15))  # Saturday
    assert not CAL.is_working_day(date(2024, 6, 16))  # Sunday
    assert CAL.is_working_day(date(2024, 6, 14))  # Friday


def test_public_holidays_of_vietnam():
    for day in [date(2024, 1, 1), date(2024, 4, 18), date(2024, 4, 30), date(2024, 5, 1), date(2024, 9, 2)]:
        assert not CAL.is_working_day(day), day
    # Tết Nguyên đán 2024 (Giáp Thìn): 10/02/2024 is the first day of the lunar year.
    assert not CAL.is_working_day(date(2024, 2, 12))
    assert not CAL.is_working_day(date(2024, 2, 13))


def test_makeup_and_extra_days_off_win():
    cal = WorkCalendar(extra_days_off=frozenset({date(2024, 6, 14)}), makeup_working_days=frozenset({date(2024, 6, 15)}))
    assert not cal.is_working_day(date(2024, 6, 14))
    assert cal.is_working_day(date(2024, 6, 15))


def test_working_days_around_30_4_2024():
    # 29/4/2024 was a bridge day off, worked back on Saturday 04/05/2024; 30/4 and 1/5 are holidays.
    assert not CAL.is_working_day(date(2024, 4, 29))
    assert CAL.is_working_day(date(2024, 5, 4))
    assert CAL.add_working_days(date(2024, 5, 6), -1) == date(2024, 5, 4)
    assert CAL.add_working_days(date(2024, 5, 6), -3) == date(2024, 5, 2)
    assert CAL.add_working_days(date(2024, 5, 6), -4) == date(2024, 4, 26)


def test_next_working_day_after_tet():
    assert CAL.on_or_next_working_day(date(2024, 2, 10)) > date(2024, 2, 14)


@given(days, st.integers(min_value=0, max_value=40))
def test_adding_then_counting_working_days_round_trips(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert CAL.is_working_day(end)


@given(days, st.integers(min_value=1, max_value=40))
def test_going_back_is_the_inverse(start, n):
    day = CAL.on_or_next_working_day(start)
    assert CAL.add_working_days(CAL.add_working_days(day, -n), n) == day


@given(days)
def test_on_or_next_working_day_is_working_and_minimal(day):
    result = CAL.on_or_next_working_day(day)
    assert CAL.is_working_day(result)
    d = day
    while d < result:
        assert not CAL.is_working_day(d)
        d += timedelta(days=1)


@given(days, days)
def test_working_days_between_is_antisymmetric(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
