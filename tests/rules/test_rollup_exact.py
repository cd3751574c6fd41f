"""The roll-up's exact answers (written from mutation testing's survivors): several rows of one standing
(one per group) add up, later completions of every kind, adding two counts, and the JSON shape."""

from __future__ import annotations

from datetime import date

from tracker.rules.rollup import Counts, LaterCompletion, StandingRow, counts_at
from tracker.rules.status import Box, Standing


def test_rows_of_the_same_standing_add_up():
    rows = [
        StandingRow(Standing.OPEN, 5, extended=1),
        StandingRow(Standing.OPEN, 4, extended=2),
        StandingRow(Standing.ON_TIME, 3, pending=1, extended=1),
        StandingRow(Standing.ON_TIME, 2, pending=2),
        StandingRow(Standing.LATE, 1),
    ]
    counts = counts_at(rows, open_past_due=2, oldest_open=date(2024, 9, 1))
    # Each open row carries the overdue ones of the scope (the caller passes one open row per scope).
    assert counts.boxes == {Box.OPEN_IN_TIME: 5, Box.OPEN_OVERDUE: 4, Box.DONE_ON_TIME: 5, Box.DONE_LATE: 1}
    assert counts.awaiting_confirmation == 3 and counts.extended == 4
    assert counts.oldest_overdue == date(2024, 9, 1)


def test_no_open_past_due_by_default():
    counts = counts_at([StandingRow(Standing.OPEN, 3)])
    assert counts.boxes == {Box.OPEN_IN_TIME: 3} and counts.oldest_overdue is None


def test_later_completions_of_every_kind_reopen_at_the_date():
    rows = [StandingRow(Standing.ON_TIME, 4, pending=2), StandingRow(Standing.LATE, 3), StandingRow(Standing.UNDATED_DONE, 2)]
    later = [
        LaterCompletion(Standing.OPEN, True, 9),  # not a completion: ignored, and the others still count
        LaterCompletion(Standing.ON_TIME, False, 1, pending=1),
        LaterCompletion(Standing.LATE, True, 1, earliest_due=date(2024, 8, 1)),
        LaterCompletion(Standing.LATE, True, 1, earliest_due=date(2024, 7, 1)),
        LaterCompletion(Standing.UNDATED_DONE, False, 1),
    ]
    counts = counts_at(rows, later=later, oldest_open=date(2024, 7, 15))
    assert counts.boxes == {
        Box.DONE_ON_TIME: 3,
        Box.DONE_LATE: 1,
        Box.NO_DEADLINE_DONE: 1,
        Box.OPEN_IN_TIME: 1,
        Box.OPEN_OVERDUE: 2,
        Box.NO_DEADLINE_OPEN: 1,
    }
    assert counts.awaiting_confirmation == 1
    assert counts.oldest_overdue == date(2024, 7, 1)


def test_a_later_completion_without_a_deadline_date_keeps_the_oldest_open_one():
    later = [LaterCompletion(Standing.LATE, True, 1)]
    counts = counts_at([StandingRow(Standing.LATE, 1)], later=later, oldest_open=None)
    assert counts.boxes == {Box.OPEN_OVERDUE: 1} and counts.oldest_overdue is None
    counts = counts_at([StandingRow(Standing.LATE, 1)], later=later, oldest_open=date(2024, 5, 5))
    assert counts.oldest_overdue == date(2024, 5, 5)


def test_the_oldest_overdue_is_only_given_when_something_is_overdue():
    assert counts_at([StandingRow(Standing.OPEN, 2)], oldest_open=date(2024, 1, 1)).oldest_overdue is None


def test_from_boxes_keeps_the_extra_figures():
    counts = Counts.from_boxes([Box.DONE_LATE, None, Box.DONE_LATE], awaiting_confirmation=2, extended=1)
    assert counts.boxes == {Box.DONE_LATE: 2} and counts.awaiting_confirmation == 2 and counts.extended == 1


def test_adding_two_counts():
    a = Counts({Box.DONE_ON_TIME: 2, Box.OPEN_OVERDUE: 1}, 1, 2, date(2024, 5, 1))
    b = Counts({Box.OPEN_OVERDUE: 3, Box.NO_DEADLINE_OPEN: 1}, 2, 1, date(2024, 4, 1))
    total = a + b
    assert total == Counts({Box.DONE_ON_TIME: 2, Box.OPEN_OVERDUE: 4, Box.NO_DEADLINE_OPEN: 1}, 3, 3, date(2024, 4, 1))
    assert (a + Counts({})).oldest_overdue == date(2024, 5, 1)
    assert (Counts({}) + b).oldest_overdue == date(2024, 4, 1)
    assert (Counts({}) + Counts({})) == Counts({}, 0, 0, None)


def test_as_dict():
    counts = Counts(
        {
            Box.DONE_ON_TIME: 36,
            Box.DONE_LATE: 5,
            Box.OPEN_IN_TIME: 3,
            Box.OPEN_OVERDUE: 3,
            Box.NO_DEADLINE_DONE: 2,
            Box.NO_DEADLINE_OPEN: 1,
        },
        awaiting_confirmation=4,
        extended=6,
    )
    assert counts.as_dict() == {
        "total": 50,
        "completed": 43,
        "open": 7,
        "done_on_time": 36,
        "done_late": 5,
        "open_in_time": 3,
        "open_overdue": 3,
        "no_deadline_done": 2,
        "no_deadline_open": 1,
        "awaiting_confirmation": 4,
        "extended": 6,
        "rate_all": "86,00",
        "rate_due": "93,18",
    }
    assert Counts({}).as_dict()["rate_all"] == "–"
