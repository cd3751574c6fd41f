from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FROZEN_NOW
from tracker import clock
from tracker.rules.calendar import WorkCalendar
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Box, Confirmation, TaskFacts, TaskStatus, classify, days_overdue, effective_due, is_due_soon

DUE = date(2024, 9, 30)


def facts(status=TaskStatus.IN_PROGRESS, due=DUE, completed_on=None, kind=DeadlineKind.FIXED, confirmation=Confirmation.NONE):
    return TaskFacts(status=status, deadline_kind=kind, due=due, completed_on=completed_on, confirmation=confirmation)


def test_the_four_boxes():
    assert classify(facts(TaskStatus.DONE, completed_on=DUE), DUE) is Box.DONE_ON_TIME
    assert classify(facts(TaskStatus.DONE, completed_on=DUE + timedelta(days=1)), date(2024, 12, 1)) is Box.DONE_LATE
    assert classify(facts(), DUE) is Box.OPEN_IN_TIME
    assert classify(facts(), DUE + timedelta(days=1)) is Box.OPEN_OVERDUE


def test_deadline_today_is_not_overdue_today():
    assert classify(facts(), DUE) is Box.OPEN_IN_TIME
    assert days_overdue(facts(), DUE) == 0
    assert days_overdue(facts(), DUE + timedelta(days=3)) == 3


def test_completed_after_the_report_date_counts_as_open_for_it():
    task = facts(TaskStatus.DONE, completed_on=date(2024, 10, 5))
    assert classify(task, date(2024, 9, 30)) is Box.OPEN_IN_TIME
    assert classify(task, date(2024, 10, 3)) is Box.OPEN_OVERDUE
    assert classify(task, date(2024, 10, 5)) is Box.DONE_LATE


def test_cancelled_is_not_counted():
    assert classify(facts(TaskStatus.CANCELLED), DUE) is None


def test_returned_completion_is_not_completed_but_pending_is():
    assert classify(facts(TaskStatus.DONE, completed_on=DUE, confirmation=Confirmation.PENDING), DUE) is Box.DONE_ON_TIME
    assert classify(facts(TaskStatus.DONE, completed_on=DUE, confirmation=Confirmation.RETURNED), DUE) is Box.OPEN_IN_TIME


@pytest.mark.parametrize("kind", [DeadlineKind.ONGOING, DeadlineKind.PERIODIC, DeadlineKind.UNDETERMINED])
def test_tasks_without_a_single_deadline_are_shown_apart(kind):
    assert classify(facts(kind=kind, due=None), DUE) is Box.NO_DEADLINE_OPEN
    assert classify(facts(TaskStatus.DONE, kind=kind, due=None, completed_on=DUE), DUE) is Box.NO_DEADLINE_DONE


def test_deadline_on_a_day_off_moves_to_the_next_working_day():
    cal = WorkCalendar()
    assert effective_due(date(2024, 9, 1), None, cal) == date(2024, 9, 4)  # Sunday, then 2-3/9 holidays
    assert effective_due(date(2024, 9, 1), None, cal, shift_to_working_day=False) == date(2024, 9, 1)
    assert effective_due(date(2024, 9, 1), date(2024, 10, 31), cal) == date(2024, 10, 31)


def test_due_soon_counts_working_days():
    cal = WorkCalendar()
    task = facts(due=date(2024, 10, 7))  # Monday
    assert is_due_soon(task, date(2024, 10, 2), cal, 3)  # Thu, Fri, Mon
    assert not is_due_soon(task, date(2024, 10, 1), cal, 3)
    assert not is_due_soon(
        facts(TaskStatus.DONE, completed_on=date(2024, 10, 1), due=date(2024, 10, 7)), date(2024, 10, 2), cal, 3
    )


statuses = st.sampled_from(list(TaskStatus))
dates = st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31))


@given(
    statuses,
    st.sampled_from(list(DeadlineKind)),
    st.none() | dates,
    st.none() | dates,
    st.sampled_from(list(Confirmation)),
    dates,
    dates,
)
def test_classification_depends_only_on_recorded_dates(status, kind, due, completed_on, confirmation, as_of, computed_on):
    """The same facts give the same box for D whatever day it is computed (no clock is read)."""
    f = facts(status, due if kind is DeadlineKind.FIXED else None, completed_on, kind, confirmation)
    box = classify(f, as_of)
    clock.freeze(datetime.combine(computed_on, time(9)))  # computed on another day: the same box
    try:
        assert classify(f, as_of) is box
    finally:
        clock.freeze(FROZEN_NOW)
    if status is TaskStatus.CANCELLED:
        assert box is None
        return
    completed = (
        status is TaskStatus.DONE
        and confirmation is not Confirmation.RETURNED
        and completed_on is not None
        and completed_on <= as_of
    )
    assert (box is not None and box.completed) == completed
    if box is Box.DONE_ON_TIME:
        assert completed_on <= f.due
    if box is Box.DONE_LATE:
        assert completed_on > f.due
    if box is Box.OPEN_OVERDUE:
        assert as_of > f.due
    if box is Box.OPEN_IN_TIME:
        assert as_of <= f.due


@given(dates, st.integers(0, 400))
def test_a_completed_task_never_changes_box_after_its_completion(completed_on, later):
    f = facts(TaskStatus.DONE, completed_on=completed_on)
    first = classify(f, completed_on)
    assert classify(f, completed_on + timedelta(days=later)) is first


def classify_as_written(f: TaskFacts, as_of: date) -> Box | None:
    """The rules as domain.md states them, written out once more as the reference for ``classify``,
    which goes through ``standing`` and ``box_at`` (the roll-up's and the database's shape)."""
    if f.status is TaskStatus.CANCELLED:
        return None
    done = f.status is TaskStatus.DONE and f.confirmation is not Confirmation.RETURNED and f.completed_on is not None
    done = done and f.completed_on <= as_of
    if f.deadline_kind is not DeadlineKind.FIXED or f.due is None:
        return Box.NO_DEADLINE_DONE if done else Box.NO_DEADLINE_OPEN
    if done:
        return Box.DONE_ON_TIME if f.completed_on <= f.due else Box.DONE_LATE
    return Box.OPEN_IN_TIME if as_of <= f.due else Box.OPEN_OVERDUE


DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31))
FACTS = st.builds(
    TaskFacts,
    status=st.sampled_from(TaskStatus),
    deadline_kind=st.sampled_from(DeadlineKind),
    due=st.none() | DAYS,
    completed_on=st.none() | DAYS,
    confirmation=st.sampled_from(Confirmation),
)


@given(FACTS, DAYS)
def test_classify_through_standing_is_the_rule_as_written(f, as_of):
    assert classify(f, as_of) is classify_as_written(f, as_of)
