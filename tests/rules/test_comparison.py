"""This period against the last (rules.comparison): counts by their difference, rates in percentage points
of the printed (cut) rates, the tone by whether the figure is better higher."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.comparison import FIGURES, Tone, changes, percent_cut, signed
from tracker.rules.rollup import Counts, format_percent
from tracker.rules.status import Box

box_counts = st.dictionaries(st.sampled_from(list(Box)), st.integers(0, 10_000))


def _by_key(now: Counts, before: Counts, name: str = "Quý II/2024"):
    return {c.figure.key: c for c in changes(now, before, name)}


def test_counts_and_rates_in_words():
    now = Counts({Box.DONE_ON_TIME: 8, Box.DONE_LATE: 2, Box.OPEN_OVERDUE: 1, Box.OPEN_IN_TIME: 4})
    before = Counts({Box.DONE_ON_TIME: 5, Box.DONE_LATE: 2, Box.OPEN_OVERDUE: 3})
    got = _by_key(now, before)
    assert got["completed"].text == "+3 so với Quý II/2024" and got["completed"].tone is Tone.BETTER
    assert got["done_late"].text == "0 so với Quý II/2024" and got["done_late"].tone is Tone.SAME
    assert got["open_overdue"].text == "-2 so với Quý II/2024" and got["open_overdue"].tone is Tone.BETTER
    # 10/15 = 66,66% against 7/10 = 70,00%: -3,34 points (of the printed, cut rates).
    assert got["rate_all"].current == "66,66%"
    assert got["rate_all"].text == "-3,34 điểm % so với Quý II/2024" and got["rate_all"].tone is Tone.WORSE
    # 10/11 = 90,90% against 7/10 = 70,00%.
    assert got["rate_due"].text == "+20,90 điểm % so với Quý II/2024"


def test_a_rate_missing_in_either_period_is_not_compared():
    got = _by_key(Counts({Box.OPEN_IN_TIME: 2}), Counts())
    assert got["rate_all"].text == "chưa so sánh được so với Quý II/2024" and got["rate_all"].tone is Tone.UNKNOWN
    assert got["rate_due"].delta is None and got["completed"].text == "0 so với Quý II/2024"


@given(box_counts, box_counts)
def test_the_change_is_the_difference_of_what_the_page_prints(a, b):
    now, before = Counts(a), Counts(b)
    for c in changes(now, before, "kỳ trước"):
        if c.figure.is_rate:
            rates = [now.rate_all, before.rate_all] if c.figure.key == "rate_all" else [now.rate_due, before.rate_due]
            if None in rates:
                assert c.delta is None and c.tone is Tone.UNKNOWN
                continue
            printed = [Decimal(format_percent(r).replace(",", ".")) for r in rates]
            assert c.delta == printed[0] - printed[1]
            assert c.text == f"{signed(c.delta, 2)} điểm % so với kỳ trước"
        else:
            key = c.figure.key
            now_n, before_n = (now.completed, before.completed) if key == "completed" else (now[Box(key)], before[Box(key)])
            assert c.delta == now_n - before_n and c.current == str(now_n)
        if c.delta:
            assert (c.tone is Tone.BETTER) == ((c.delta > 0) == c.figure.higher_is_better)


@given(st.integers(-(10**6), 10**6))
def test_signed_counts(n):
    text = signed(Decimal(n), 0)
    assert int(text) == n and (text.startswith("+") == (n > 0))


def test_signed_points_use_a_comma():
    assert signed(Decimal("2.13"), 2) == "+2,13" and signed(Decimal("-0.5"), 2) == "-0,50" and signed(Decimal(0), 2) == "0,00"
    assert percent_cut(Fraction(41, 47)) == Decimal("87.23")


def test_every_headline_figure_is_compared():
    assert [f.key for f in FIGURES] == ["completed", "done_on_time", "done_late", "open_overdue", "rate_all", "rate_due"]
