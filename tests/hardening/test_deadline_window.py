"""The deadline parser and the year window (issue 16.2): a phrase naming a year outside the window is no
deadline — undetermined, with the window's message as its reason — whatever form it takes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.deadlines import DeadlineKind, parse_deadline, undetermined_notice
from tracker.rules.window import YearWindow

FORMS = [
    "Trong năm {y}",
    "Năm {y}",
    "Cuối năm {y}",
    "31/12/{y}",
    "ngày 15 tháng 6 năm {y}",
    "Quý III/{y}",
    "Tháng 6/{y}",
    "6 tháng đầu năm {y}",
    "9 tháng năm {y}",
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("year", ["0000", "0001", "1024", "1999", "2101", "9999"])
def test_a_year_outside_the_window_is_undetermined_with_the_reason(form, year):
    rule = parse_deadline(form.format(y=year))
    assert rule.kind is DeadlineKind.UNDETERMINED and rule.due is None
    assert f"Năm {int(year)} nằm ngoài khoảng cho phép (từ 2000 đến 2100)." == rule.reason


def test_the_notice_says_why():
    assert "Năm 1024 nằm ngoài khoảng cho phép" in undetermined_notice("Trong năm 1024")


@given(st.sampled_from(FORMS), st.integers(1000, 9999), st.integers(1990, 2010), st.integers(2090, 2110))
def test_inside_the_window_fixed_outside_undetermined(form, year, first, last):
    window = YearWindow(first, last)
    rule = parse_deadline(form.format(y=year), window=window)
    if first <= year <= last:
        assert rule.kind is DeadlineKind.FIXED and rule.due.year == year
    else:
        assert rule.kind is DeadlineKind.UNDETERMINED and str(year) in rule.reason


def test_a_plan_year_fills_a_quarter_without_a_year():
    assert parse_deadline("Quý II", 2024).due.isoformat() == "2024-06-30"
