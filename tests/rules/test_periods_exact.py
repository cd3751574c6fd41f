"""Reporting periods' exact answers (written from mutation testing's survivors): the periods' fields under
both schemes, the day a Nghị định 09 year turns, the cut-off a scope is counted at, and the headings."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.rules.periods import (
    Period,
    PeriodKind,
    Question,
    Scheme,
    counted_at,
    months_of,
    period,
    period_containing,
    question_label,
    question_of,
)

K, S = PeriodKind, Scheme


@pytest.mark.parametrize(
    ("kind", "index", "calendar", "decree"),
    [
        (K.MONTH, 1, (date(2024, 1, 1), date(2024, 1, 31)), (date(2023, 12, 15), date(2024, 1, 14))),
        (K.MONTH, 3, (date(2024, 3, 1), date(2024, 3, 31)), (date(2024, 2, 15), date(2024, 3, 14))),
        (K.QUARTER, 2, (date(2024, 4, 1), date(2024, 6, 30)), (date(2024, 3, 15), date(2024, 6, 14))),
        (K.HALF_YEAR, 1, (date(2024, 1, 1), date(2024, 6, 30)), (date(2023, 12, 15), date(2024, 6, 14))),
        (K.NINE_MONTHS, 1, (date(2024, 1, 1), date(2024, 9, 30)), (date(2023, 12, 15), date(2024, 9, 14))),
        (K.YEAR, 1, (date(2024, 1, 1), date(2024, 12, 31)), (date(2023, 12, 15), date(2024, 12, 14))),
    ],
)
def test_every_kind_under_both_schemes(kind, index, calendar, decree):
    assert period(kind, 2024, index) == Period(kind, S.CALENDAR, 2024, index, *calendar)
    assert period(kind, 2024, index, S.DECREE_09) == Period(kind, S.DECREE_09, 2024, index, *decree)


@pytest.mark.parametrize(
    ("kind", "index", "name"), [(K.MONTH, 13, "Tháng 13"), (K.QUARTER, 0, "Quý 0"), (K.HALF_YEAR, 2, "6 tháng 2")]
)
def test_a_period_that_does_not_exist_is_refused_by_name(kind, index, name):
    with pytest.raises(ValueError) as caught:
        period(kind, 2024, index)
    assert str(caught.value) == f"{name} không tồn tại."


def test_labels():
    assert period(K.QUARTER, 2023, 3).label == "Quý III/2023 (từ 01/07/2023 đến 30/09/2023)"
    assert period(K.YEAR, 2023, 1, S.DECREE_09).label == "Năm 2023 (từ 15/12/2022 đến 14/12/2023)"
    assert period(K.HALF_YEAR, 2024).label == "6 tháng đầu năm 2024 (từ 01/01/2024 đến 30/06/2024)"
    assert period(K.NINE_MONTHS, 2024).label == "9 tháng năm 2024 (từ 01/01/2024 đến 30/09/2024)"
    assert period(K.MONTH, 2024, 2).label == "Tháng 2/2024 (từ 01/02/2024 đến 29/02/2024)"


@pytest.mark.parametrize(
    ("day", "kind", "scheme", "expected"),
    [
        (date(2023, 12, 14), K.YEAR, S.DECREE_09, (2023, 1)),
        (date(2023, 12, 15), K.YEAR, S.DECREE_09, (2024, 1)),  # the Nghị định 09 year turns on 15/12
        (date(2023, 12, 16), K.YEAR, S.DECREE_09, (2024, 1)),
        (date(2023, 12, 15), K.MONTH, S.DECREE_09, (2024, 1)),
        (date(2024, 3, 14), K.MONTH, S.DECREE_09, (2024, 3)),
        (date(2024, 3, 15), K.MONTH, S.DECREE_09, (2024, 4)),
        (date(2024, 12, 31), K.MONTH, S.CALENDAR, (2024, 12)),
        (date(2024, 3, 31), K.QUARTER, S.CALENDAR, (2024, 1)),
        (date(2024, 6, 30), K.HALF_YEAR, S.CALENDAR, (2024, 1)),
        # After a cumulative period's end: the one of its year, in the day's own scheme.
        (date(2024, 8, 1), K.HALF_YEAR, S.CALENDAR, (2024, 1)),
        (date(2024, 11, 1), K.NINE_MONTHS, S.DECREE_09, (2024, 1)),
    ],
)
def test_the_period_containing_a_day(day, kind, scheme, expected):
    p = period_containing(day, kind, scheme)
    assert (p.year, p.index, p.kind, p.scheme) == (*expected, kind, scheme)
    assert p == period(kind, expected[0], expected[1], scheme)


def test_months_of_a_period_end_on_the_14th_under_decree_09():
    slices = months_of(period(K.QUARTER, 2024, 1, S.DECREE_09))
    assert slices == [
        (date(2023, 12, 15), date(2024, 1, 14)),
        (date(2024, 1, 15), date(2024, 2, 14)),
        (date(2024, 2, 15), date(2024, 3, 14)),
    ]
    assert len(months_of(period(K.YEAR, 2024, 1, S.DECREE_09))) == 12


def test_months_of_a_calendar_period():
    assert months_of(period(K.QUARTER, 2024, 1)) == [
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 31)),
    ]
    one_day = Period(K.MONTH, S.CALENDAR, 2024, 1, date(2024, 1, 31), date(2024, 1, 31))
    assert months_of(one_day) == [(date(2024, 1, 31), date(2024, 1, 31))]


def test_the_question_and_the_date_figures_are_counted_at():
    q3 = period(K.QUARTER, 2024, 3)
    assert question_of(None) is Question.PROGRESS
    assert question_of(q3) is Question.DUE_IN_PERIOD
    today = date(2024, 8, 10)
    assert counted_at(None, date(2024, 5, 5), today) == date(2024, 5, 5)
    assert counted_at(q3, date(2024, 8, 1), today) == date(2024, 8, 1)  # while it runs: the cut-off
    assert counted_at(q3, date(2024, 12, 1), today) == date(2024, 9, 30)  # after it: its end
    assert counted_at(q3, date(2024, 6, 1), today) == today  # a cut-off before it: today while it runs
    assert counted_at(q3, date(2024, 6, 1), date(2024, 6, 2)) == date(2024, 7, 1)  # not yet begun: its start
    assert counted_at(q3, date(2024, 6, 1), date(2025, 1, 1)) == date(2024, 9, 30)  # long over: its end


def test_the_headings():
    assert question_label(None, date(2023, 12, 15)) == "Tiến độ thực hiện kế hoạch tính đến ngày 15/12/2023"
    assert question_label(period(K.QUARTER, 2023, 3), date(2023, 9, 30)) == (
        "Nhiệm vụ đến hạn trong kỳ Quý III/2023 (từ 01/07/2023 đến 30/09/2023), tính đến ngày 30/09/2023"
    )
