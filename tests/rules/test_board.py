"""The boards' rules (tracker.rules.board): the unit page's groups and order, the due-soon horizon and
the director's rankings, each against a reference written from domain.md / the pages' own wording."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.rules.board import (
    QUICK_UPDATE_BOXES,
    UNIT_BOARD_BOXES,
    due_soon,
    due_soon_horizon,
    rank_units_by_overdue,
    rank_units_by_rate,
    unit_board_groups,
)
from tracker.rules.calendar import WorkCalendar
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.journal import REPORTING, JournalAction, counts_as_report
from tracker.rules.rollup import Counts
from tracker.rules.status import Box, TaskFacts, TaskStatus, classify, is_due_soon

CAL = WorkCalendar()
days = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))


# ---------------------------------------------------------------- due soon


@settings(deadline=None)  # the first call computes the year's holidays
@given(as_of=days, offset=st.integers(min_value=-10, max_value=40), n=st.integers(min_value=0, max_value=15))
def test_the_horizon_says_what_is_due_soon_says(as_of, offset, n):
    """One definition: a deadline is within the horizon exactly when ``is_due_soon`` counts it soon
    (open in time and at most ``n`` working days away), weekends and holidays after the n-th day included."""
    due = as_of + timedelta(days=offset)
    facts = TaskFacts(TaskStatus.IN_PROGRESS, DeadlineKind.FIXED, due)
    box = classify(facts, as_of)
    assert due_soon(box, due, due_soon_horizon(as_of, CAL, n)) is is_due_soon(facts, as_of, CAL, n)


def test_the_horizon_in_working_days():
    # Wednesday 02/10/2024, 3 working days: Thu 3, Fri 4, Mon 7; Tue 8 is the fourth.
    assert due_soon_horizon(date(2024, 10, 2), CAL, 3) == date(2024, 10, 7)
    # Friday 04/10: Mon 7, Tue 8, Wed 9.
    assert due_soon_horizon(date(2024, 10, 4), CAL, 3) == date(2024, 10, 9)
    # Tuesday 01/10: Wed 2, Thu 3, Fri 4; the weekend before Monday (the fourth) is still soon.
    assert due_soon_horizon(date(2024, 10, 1), CAL, 3) == date(2024, 10, 6)


def test_only_open_tasks_in_time_are_due_soon():
    horizon = date(2024, 10, 9)
    assert due_soon(Box.OPEN_IN_TIME, date(2024, 10, 9), horizon)
    assert not due_soon(Box.OPEN_IN_TIME, date(2024, 10, 10), horizon)
    assert not due_soon(Box.OPEN_IN_TIME, None, horizon)
    for box in (b for b in Box if b is not Box.OPEN_IN_TIME):
        assert not due_soon(box, date(2024, 10, 8), horizon)
    assert not due_soon(None, date(2024, 10, 8), horizon)


# ---------------------------------------------------------------- the unit page

boxes = st.sampled_from([*Box, None])
rows = st.lists(
    st.tuples(boxes, st.one_of(st.none(), st.dates(min_value=date(2024, 9, 1), max_value=date(2024, 11, 30)))),
    max_size=30,
)


@settings(deadline=None)  # the first call computes the year's holidays
@given(rows=rows, horizon=st.dates(min_value=date(2024, 9, 1), max_value=date(2024, 11, 30)))
def test_unit_board_reference(rows, horizon):
    """Every counted task once, in its box's group, groups in the page's order; within a group the
    due-soon ones first, then by deadline, undated last, equal rows in the order read."""
    items = [(i, box, due) for i, (box, due) in enumerate(rows)]
    groups = unit_board_groups(items, horizon)
    assert [box for box, _ in groups] == list(UNIT_BOARD_BOXES)
    for box, group in groups:
        mine = [(i, due) for i, b, due in items if b is box]
        soon = [i for i, due in mine if box is Box.OPEN_IN_TIME and due is not None and due <= horizon]
        rest = sorted((i for i, _ in mine if i not in soon), key=lambda i: (rows[i][1] or date.max, i))
        soon.sort(key=lambda i: (rows[i][1], i))
        assert [item.task for item in group] == soon + rest
        assert [item.soon for item in group] == [True] * len(soon) + [False] * len(rest)


def test_unit_board_puts_due_soon_first():
    horizon = date(2024, 10, 9)
    groups = dict(
        unit_board_groups(
            [
                ("later", Box.OPEN_IN_TIME, date(2024, 10, 20)),
                ("undated", Box.NO_DEADLINE_OPEN, None),
                ("soon", Box.OPEN_IN_TIME, date(2024, 10, 8)),
                ("cancelled", None, date(2024, 10, 8)),
                ("late", Box.OPEN_OVERDUE, date(2024, 9, 1)),
            ],
            horizon,
        )
    )
    assert [i.task for i in groups[Box.OPEN_IN_TIME]] == ["soon", "later"]
    assert [i.soon for i in groups[Box.OPEN_IN_TIME]] == [True, False]
    assert [i.task for i in groups[Box.OPEN_OVERDUE]] == ["late"]
    assert all(i.task != "cancelled" for g in groups.values() for i in g)


def test_unit_board_order_of_groups_and_quick_form():
    assert UNIT_BOARD_BOXES[:3] == (Box.OPEN_OVERDUE, Box.OPEN_IN_TIME, Box.NO_DEADLINE_OPEN)
    assert set(UNIT_BOARD_BOXES) == set(Box)
    assert {Box.OPEN_OVERDUE, Box.OPEN_IN_TIME, Box.NO_DEADLINE_OPEN} == QUICK_UPDATE_BOXES


# ---------------------------------------------------------------- the director's rankings


def counts(on_time=0, late=0, in_time=0, overdue=0, oldest=None):
    return Counts(
        {Box.DONE_ON_TIME: on_time, Box.DONE_LATE: late, Box.OPEN_IN_TIME: in_time, Box.OPEN_OVERDUE: overdue},
        oldest_overdue=oldest,
    )


def test_ranking_by_on_time_rate():
    rows = [
        ("C", counts(on_time=1, late=1)),  # 1/2
        ("A", counts(on_time=1, overdue=1)),  # 1/2, ties by name
        ("B", counts(on_time=9, late=1)),  # 9/10
        ("D", counts(in_time=5)),  # nothing come due: no rate, not ranked
        ("E", counts(late=3)),  # 0/3
    ]
    ranked = rank_units_by_rate(rows, lambda r: r[1], lambda r: r[0])
    assert [name for name, _ in ranked] == ["B", "A", "C", "E"]


rates = st.lists(
    st.tuples(
        st.text(alphabet="ABCĐƠ", min_size=1, max_size=3),
        st.integers(0, 5),
        st.integers(0, 5),
        st.integers(0, 5),
        st.integers(0, 5),
    ),
    max_size=12,
)


@settings(deadline=None)  # the first call computes the year's holidays
@given(rates)
def test_ranking_by_rate_reference(rows):
    units = [(name, counts(on_time=a, late=b, in_time=c, overdue=d)) for name, a, b, c, d in rows]
    ranked = rank_units_by_rate(units, lambda r: r[1], lambda r: r[0])
    rated = [u for u in units if u[1].come_due]
    assert sorted(ranked, key=id) == sorted(rated, key=id)
    keys = [(-Fraction(u[1][Box.DONE_ON_TIME], u[1].come_due), u[0]) for u in ranked]
    assert keys == sorted(keys)


def test_ranking_by_overdue():
    at = date(2024, 12, 1)
    rows = [
        ("few", counts(overdue=1, oldest=date(2024, 1, 1))),
        ("none", counts(on_time=3)),
        ("many-recent", counts(overdue=4, oldest=date(2024, 11, 1))),
        ("many-old", counts(overdue=4, oldest=date(2024, 6, 1))),
    ]
    ranked = rank_units_by_overdue(rows, lambda r: r[1], at)
    assert [name for name, _ in ranked] == ["many-old", "many-recent", "few"]


# ---------------------------------------------------------------- reported this period


def test_what_counts_as_a_report():
    assert {JournalAction.UPDATED, JournalAction.ATTACHMENT_ADDED, JournalAction.EXTENSION_REQUESTED} == REPORTING
    assert counts_as_report("updated") and counts_as_report(JournalAction.ATTACHMENT_ADDED)
    for action in ("edited", "assigned", "confirmed", "returned", "created", "nudged", "moved", "cancelled"):
        assert not counts_as_report(action)


@pytest.mark.parametrize("action", list(JournalAction))
def test_every_journal_action_round_trips_its_value(action):
    assert JournalAction(action.value) is action
    assert (action.label == "") is (action in (JournalAction.CREATED, JournalAction.NUDGED))
