from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tests.rules.test_status import DAYS, FACTS
from tracker.rules.rollup import Counts, LaterCompletion, StandingRow, counts_at, format_percent, headline
from tracker.rules.status import Box, Confirmation, Standing, classify, standing


def test_seed_003_headline():
    counts = Counts({Box.DONE_ON_TIME: 36, Box.DONE_LATE: 5, Box.OPEN_IN_TIME: 3, Box.OPEN_OVERDUE: 3})
    assert counts.total == 47
    assert counts.completed == 41
    assert format_percent(counts.rate_all) == "87,23"
    assert headline(counts) == "Đã thực hiện 41/47 phần việc, đạt tỷ lệ 87,23%"


def test_government_office_2017_rate_is_cut_not_rounded():
    counts = Counts({Box.DONE_ON_TIME: 14068, Box.DONE_LATE: 1983, Box.OPEN_OVERDUE: 223, Box.OPEN_IN_TIME: 5640})
    assert counts.completed_dated == 16051
    assert counts.come_due == 16274
    assert format_percent(counts.rate_due) == "98,62"  # 98,6297… cut, not rounded to 98,63


def test_ongoing_tasks_count_in_the_total_but_not_in_the_rate_over_tasks_come_due():
    counts = Counts({Box.DONE_ON_TIME: 1, Box.OPEN_OVERDUE: 1, Box.NO_DEADLINE_OPEN: 2, Box.NO_DEADLINE_DONE: 1})
    assert counts.total == 5
    assert counts.completed == 2
    assert counts.come_due == 2
    assert format_percent(counts.rate_due) == "50,00"


def test_on_time_rate_counts_late_completions_and_open_overdue_against_it():
    counts = Counts({Box.DONE_ON_TIME: 3, Box.DONE_LATE: 1, Box.OPEN_OVERDUE: 2, Box.OPEN_IN_TIME: 5, Box.NO_DEADLINE_DONE: 4})
    assert counts.rate_on_time == Fraction(3, 6)
    assert format_percent(counts.rate_on_time) == "50,00"


def test_empty_scope_has_no_rate():
    assert format_percent(Counts().rate_all) == "–"
    assert Counts({Box.OPEN_IN_TIME: 2}).rate_on_time is None


def test_from_boxes_ignores_cancelled():
    counts = Counts.from_boxes([Box.DONE_LATE, None, Box.DONE_LATE])
    assert counts[Box.DONE_LATE] == 2 and counts.total == 2


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_percent_is_truncated_to_two_decimals(num, den):
    num = min(num, den)
    text = format_percent(Fraction(num, den))
    value = Fraction(text.replace(",", ".")) if text else None
    exact = Fraction(num * 100, den)
    assert value <= exact < value + Fraction(1, 100)
    assert text.count(",") == 1 and len(text.split(",")[1]) == 2


# ---------------------------------------------------------------- counts_at: the roll-up's arithmetic


def counted_like_the_database(facts, as_of):
    """What the three grouped reads of ``tasks.queries.summarize_by`` return, computed here row by row."""
    rows, later = {}, {}
    open_past_due, oldest = 0, None
    for f in facts:
        s = standing(f)
        if s is None:
            continue
        count, pending, extended = rows.get(s, (0, 0, 0))
        rows[s] = (count + 1, pending + (f.confirmation is Confirmation.PENDING), extended)
        if s is Standing.OPEN and f.due < as_of:
            open_past_due += 1
            oldest = min(oldest or f.due, f.due)
        if s.completed and f.completed_on > as_of:
            key = (s, f.due is not None and f.due < as_of)
            n, earliest, pend = later.get(key, (0, None, 0))
            later[key] = (
                n + 1,
                min((d for d in (earliest, f.due) if d), default=None),
                pend + (f.confirmation is Confirmation.PENDING),
            )
    return counts_at(
        [StandingRow(s, *v) for s, v in rows.items()],
        open_past_due,
        oldest,
        [LaterCompletion(s, past, *v) for (s, past), v in later.items()],
    )


@given(st.lists(FACTS, max_size=40), DAYS)
def test_counts_at_equals_classifying_every_task(facts, as_of):
    got = counted_like_the_database(facts, as_of)
    boxes = [classify(f, as_of) for f in facts]
    expected = Counts.from_boxes(boxes)
    assert got.boxes == expected.boxes
    assert got.awaiting_confirmation == sum(
        1 for f, b in zip(facts, boxes, strict=True) if b and b.completed and f.confirmation is Confirmation.PENDING
    )
    overdue = [f.due for f, b in zip(facts, boxes, strict=True) if b is Box.OPEN_OVERDUE]
    assert got.oldest_overdue == (min(overdue) if overdue else None)
