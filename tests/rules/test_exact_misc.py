"""Exact answers of small rules that only other packages' tests exercised (mutation testing's "no tests"):
the calendar's span counter, the deadline as written, overdue days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.calendar import WorkCalendar
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import TaskFacts, TaskStatus, days_overdue, written_due

CAL = WorkCalendar(extra_days_off=frozenset({date(2024, 10, 3)}), makeup_working_days=frozenset({date(2024, 10, 5)}))
SPAN = (date(2024, 9, 25), date(2024, 10, 20))
days = st.dates(min_value=date(2024, 9, 1), max_value=date(2024, 11, 10))


def test_the_counter_counts_working_days_in_its_span():
    between = CAL.counter(*SPAN)
    # Tue 01/10 → Mon 07/10: Wed 02, (Thu 03 off), Fri 04, Sat 05 (make-up), Mon 07.
    assert between(date(2024, 10, 1), date(2024, 10, 7)) == 4
    assert between(date(2024, 10, 7), date(2024, 10, 1)) == -4
    assert between(date(2024, 10, 1), date(2024, 10, 1)) == 0
    assert between(SPAN[0], SPAN[1]) == CAL.working_days_between(*SPAN)


@given(days, days)
def test_the_counter_agrees_with_working_days_between_inside_and_outside_its_span(a, b):
    assert CAL.counter(*SPAN)(a, b) == CAL.working_days_between(a, b)


def test_the_deadline_as_written_decides_the_period():
    sunday, monday = date(2023, 12, 31), date(2024, 1, 2)
    assert written_due(sunday, None, monday) == sunday
    assert written_due(sunday, date(2024, 3, 31), date(2024, 4, 1)) == date(2024, 3, 31)
    assert written_due(None, None, monday) == monday  # only the day in force is known
    assert written_due(sunday, None, None) is None


def test_days_overdue_counts_calendar_days_past_the_deadline_only_for_open_overdue_tasks():
    due = date(2024, 9, 30)
    open_task = TaskFacts(TaskStatus.IN_PROGRESS, DeadlineKind.FIXED, due, None)
    assert days_overdue(open_task, due + timedelta(days=5)) == 5
    assert days_overdue(open_task, due) == 0
    done_late = TaskFacts(TaskStatus.DONE, DeadlineKind.FIXED, due, due + timedelta(days=2))
    assert days_overdue(done_late, due + timedelta(days=9)) == 0
    undated = TaskFacts(TaskStatus.IN_PROGRESS, DeadlineKind.ONGOING, None, None)
    assert days_overdue(undated, due) == 0
