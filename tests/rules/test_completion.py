"""The back-dating limit for completion dates (issue 10 item 6), against a reference written from
domain.md: count the working days after the completion day up to and including today."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.calendar import WorkCalendar
from tracker.rules.completion import earliest_completion_date, within_backdating_limit

CAL = WorkCalendar()
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
limits = st.integers(min_value=0, max_value=15)


def _reference(completed_on: date, today: date, limit: int, calendar: WorkCalendar) -> bool:
    passed = 0
    day = completed_on
    while day < today:
        day += timedelta(days=1)
        passed += calendar.is_working_day(day)
    return passed <= limit


def test_five_working_days_back_from_tuesday_01_10_2024():
    today = date(2024, 10, 1)
    assert earliest_completion_date(today, 5, CAL) == date(2024, 9, 24)
    assert within_backdating_limit(date(2024, 9, 24), today, 5, CAL)
    assert not within_backdating_limit(date(2024, 9, 23), today, 5, CAL)
    assert not within_backdating_limit(date(2024, 9, 21), today, 5, CAL)  # a Saturday, seven working days back


def test_holidays_do_not_count():
    # Quốc khánh 2-3/9/2024 are days off: on Friday 06/09 the five working days since Wednesday 28/08
    # are 29/08, 30/08, 04/09, 05/09 and 06/09.
    assert earliest_completion_date(date(2024, 9, 6), 5, CAL) == date(2024, 8, 28)


def test_on_a_day_off_today_itself_does_not_count():
    # Saturday 28/09/2024: one working day back allows Thursday 26/09 (only Friday 27/09 has passed).
    assert earliest_completion_date(date(2024, 9, 28), 1, CAL) == date(2024, 9, 26)


def test_zero_allows_today_only():
    today = date(2024, 10, 1)
    assert earliest_completion_date(today, 0, CAL) == today
    assert not within_backdating_limit(date(2024, 9, 30), today, 0, CAL)


@given(days, st.integers(min_value=0, max_value=40), limits)
def test_the_rule_agrees_with_the_reference(today, back, limit):
    completed_on = today - timedelta(days=back)
    assert within_backdating_limit(completed_on, today, limit, CAL) == _reference(completed_on, today, limit, CAL)


@given(days, limits, st.integers(min_value=0, max_value=40))
def test_the_earliest_date_is_the_boundary(today, limit, back):
    earliest = earliest_completion_date(today, limit, CAL)
    assert earliest <= today
    assert within_backdating_limit(earliest, today, limit, CAL)
    assert not within_backdating_limit(earliest - timedelta(days=1), today, limit, CAL)
    completed_on = today - timedelta(days=back)
    assert within_backdating_limit(completed_on, today, limit, CAL) == (completed_on >= earliest)


@given(days, limits, st.frozensets(days, max_size=20), st.frozensets(days, max_size=5))
def test_the_administrators_days_off_and_makeup_days_count_too(today, limit, off, makeup):
    calendar = WorkCalendar(extra_days_off=off, makeup_working_days=makeup)
    earliest = earliest_completion_date(today, limit, calendar)
    assert _reference(earliest, today, limit, calendar)
    assert not _reference(earliest - timedelta(days=1), today, limit, calendar)
