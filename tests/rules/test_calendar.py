from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.steps import python_lines
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


# --- The arithmetic in O(holidays) equals the day-by-day count it replaced (issue 16, item 3) ---------------
ONE_DAY = timedelta(days=1)
wide_days = st.dates(min_value=date(1995, 1, 1), max_value=date(2105, 12, 31))


def reference_between(cal: WorkCalendar, start: date, end: date) -> int:
    """The former implementation: every day of the span looked at once."""
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, day = 0, start + ONE_DAY
    while day <= end:
        count += cal.is_working_day(day)
        day += ONE_DAY
    return sign * count


def reference_add(cal: WorkCalendar, start: date, count: int) -> date:
    step = ONE_DAY if count >= 0 else -ONE_DAY
    remaining, day = abs(count), start
    while remaining:
        day += step
        if cal.is_working_day(day):
            remaining -= 1
    return day


@st.composite
def calendars(draw):
    """Random administrator calendars: days off on weekdays and weekends, make-up days, whole bridges."""
    around = st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31))
    off = set(draw(st.lists(around, max_size=30)))
    makeup = set(draw(st.lists(around, max_size=15)))
    # make-up Saturdays, which make a jump by weekdays overshoot
    makeup.update(d + ONE_DAY * (5 - d.weekday()) for d in draw(st.lists(around, max_size=25)))
    if draw(st.booleans()):  # a long closure, e.g. a flood: two weeks off in a row
        first = draw(around)
        off.update(first + ONE_DAY * i for i in range(draw(st.integers(1, 20))))
    return WorkCalendar(extra_days_off=frozenset(off), makeup_working_days=frozenset(makeup))


near_days = st.dates(min_value=date(2018, 6, 1), max_value=date(2032, 6, 30))


@settings(deadline=None)
@given(calendars(), near_days, near_days)
def test_between_equals_the_day_by_day_count(cal, a, b):
    assert cal.working_days_between(a, b) == reference_between(cal, a, b)


@settings(deadline=None, max_examples=300)
@given(calendars(), near_days, st.integers(min_value=-400, max_value=400))
def test_add_equals_the_day_by_day_walk(cal, start, n):
    assert cal.add_working_days(start, n) == reference_add(cal, start, n)


@settings(deadline=None)
@given(calendars(), near_days, near_days, near_days, near_days)
def test_counter_equals_the_day_by_day_count_inside_and_outside_its_span(cal, s, e, a, b):
    start, end = min(s, e), max(s, e)
    between = cal.counter(start, end)
    assert between(a, b) == reference_between(cal, a, b)


@settings(deadline=None, max_examples=40)  # the reference walks up to 40,000 days
@given(wide_days, wide_days)
def test_between_over_a_century_equals_the_day_by_day_count(a, b):
    assert CAL.working_days_between(a, b) == reference_between(CAL, a, b)


def test_counting_from_year_one_does_not_walk_day_by_day():
    """The unit page at as_of=0001-01-01 counted 2,000 years day by day for each open task: 151–219 s.

    Counted in Python lines, not seconds (the same on a loaded machine): the day-by-day walk takes
    ~2,600 lines a year (~5,000,000 here), the arithmetic a few per year (~26,000 with the holiday
    tables already built, which the first call builds once).
    """

    def there_and_back():
        n = CAL.working_days_between(date(1, 1, 1), date(2024, 6, 14))
        return n, CAL.add_working_days(date(1, 1, 1), n)

    there_and_back()  # builds the holiday tables of the years the package knows
    (n, back), lines = python_lines(there_and_back)
    assert back == date(2024, 6, 14)
    assert lines < 200_000, lines
    assert CAL.add_working_days(date(2024, 6, 14), -n) < date(1, 1, 10)


def test_add_across_make_up_saturdays_and_closures_both_ways():
    """A jump by weekdays overshoots across a make-up Saturday and falls short across a closure."""
    cal = WorkCalendar(
        makeup_working_days=frozenset({date(2025, 6, 14), date(2025, 5, 24)}),
        extra_days_off=frozenset(date(2025, 7, 1) + ONE_DAY * i for i in range(10)),
    )
    for start in (date(2025, 5, 1), date(2025, 6, 20), date(2025, 7, 15), date(2025, 6, 14)):
        for n in range(-60, 61):
            assert cal.add_working_days(start, n) == reference_add(cal, start, n), (start, n)
