"""The deadline parser's exact answers (written from mutation testing's survivors): the Vietnamese
messages a person sees, the boundaries of days and months, every periodic label, and the occurrences'
periods. Behaviour only: no internal function is called."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.rules.deadlines import (
    DeadlineError,
    DeadlineKind,
    DeadlineRule,
    Frequency,
    Occurrence,
    occurrences,
    parse_deadline,
    undetermined_notice,
)

UNREAD = (
    "Không đọc được cụm từ này thành một thời hạn. Hãy ghi một ngày (dd/mm/yyyy) hoặc một cụm như "
    "“Quý III/2024”, “Tháng 6/2024”, “Trong năm 2024”, “Thường xuyên”, “trước ngày 15 của tháng cuối quý”."
)
NO_YEAR = "Thiếu năm (ví dụ “Quý III/2024”, “Tháng 6/2024”)."


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("Trước ngày *15/12/2024*", date(2024, 12, 15)),
        ("15/12/2024.", date(2024, 12, 15)),
        ("  Quý  IV   năm 2024 ;", date(2024, 12, 31)),
        ("Quý III/2024,", date(2024, 9, 30)),
    ],
)
def test_stars_spaces_and_trailing_punctuation_are_ignored(phrase, due):
    assert parse_deadline(phrase).due == due


@pytest.mark.parametrize("dash", ["–", "—", "-"])
def test_every_dash_separates_a_date(dash):
    assert parse_deadline(f"15{dash}12{dash}2024").due == date(2024, 12, 15)


def test_the_phrase_is_kept_as_written():
    assert parse_deadline("  Thường xuyên ") == DeadlineRule(DeadlineKind.ONGOING, "Thường xuyên")
    rule = parse_deadline("Hằng quý, trước ngày 15")
    assert rule == DeadlineRule(DeadlineKind.PERIODIC, "Hằng quý, trước ngày 15", frequency=Frequency.QUARTERLY, day=15)


def test_empty_is_undetermined_with_its_reason():
    assert parse_deadline("   ") == DeadlineRule(DeadlineKind.UNDETERMINED, "", reason="Chưa ghi thời hạn.")
    assert parse_deadline(None) == DeadlineRule(DeadlineKind.UNDETERMINED, "", reason="Chưa ghi thời hạn.")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("31/02/2024", "Ngày 31/02/2024 không tồn tại."),
        ("5/13/2024", "Tháng 13 không tồn tại."),
        ("ngày 1 tháng 0 năm 2024", "Tháng 0 không tồn tại."),
        ("Tháng 13/2024", "Tháng 13 không tồn tại."),
        ("Tháng 0", "Tháng 0 không tồn tại."),
        ("Hằng tháng, ngày 32", "Ngày 32 không hợp lệ."),
        ("Hằng tháng, ngày 0", "Ngày 0 không hợp lệ."),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(phrase, message):
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(phrase)
    assert str(caught.value) == message


@pytest.mark.parametrize("day", [1, 31])
def test_the_first_and_last_possible_days_of_a_periodic_duty(day):
    assert parse_deadline(f"Hằng tháng, ngày {day}").day == day


@pytest.mark.parametrize(("month", "due"), [(1, date(2024, 1, 31)), (12, date(2024, 12, 31))])
def test_the_first_and_last_months(month, due):
    assert parse_deadline(f"Tháng {month}/2024").due == due
    assert parse_deadline(f"01/{month}/2024").due == date(2024, month, 1)


def test_a_month_alone_takes_the_plans_year_and_without_one_is_undetermined():
    assert parse_deadline("Tháng 6", 2024).due == date(2024, 6, 30)
    assert parse_deadline("Quý II", 2025).due == date(2025, 6, 30)
    alone = parse_deadline("Tháng 6")
    assert alone.kind is DeadlineKind.UNDETERMINED and alone.reason == NO_YEAR
    assert parse_deadline("Quý II").reason == NO_YEAR


def test_the_reasons_for_unread_phrases():
    assert parse_deadline("Quý V/2024").reason == "Không có quý “V”: một năm chỉ có quý I, II, III và IV."
    assert parse_deadline("quý 5 năm 2024").reason == "Không có quý “5”: một năm chỉ có quý I, II, III và IV."
    assert parse_deadline("Khi có chỉ đạo").reason == UNREAD
    # A plan's year is known but the phrase is still unreadable: not "missing year".
    assert parse_deadline("Khi có chỉ đạo", 2024).reason == UNREAD
    assert parse_deadline("Quý II tới", 2024).reason == UNREAD
    assert parse_deadline("Quý II tới").reason == UNREAD  # not only a period without its year


def test_the_notice_for_a_deadline_that_cannot_be_read():
    assert undetermined_notice("Khi có chỉ đạo") == (
        f"Thời hạn “Khi có chỉ đạo” chưa xác định: {UNREAD} Nhiệm vụ đã được lưu; hãy sửa thời hạn khi có thể."
    )
    assert undetermined_notice("") == (
        "Thời hạn trống chưa xác định: Chưa ghi thời hạn. Nhiệm vụ đã được lưu; hãy sửa thời hạn khi có thể."
    )
    assert undetermined_notice("Quý III") == (
        f"Thời hạn “Quý III” chưa xác định: {NO_YEAR} Nhiệm vụ đã được lưu; hãy sửa thời hạn khi có thể."
    )
    assert undetermined_notice("Quý III", 2024) is None
    assert undetermined_notice("31/02/2024") is None  # an error, shown as such, not a notice
    assert undetermined_notice("Thường xuyên") is None


def test_quarterly_occurrences_with_their_labels_and_periods():
    rule = parse_deadline("trước ngày 15 của tháng cuối quý")
    got = occurrences(rule, date(2024, 2, 10), date(2025, 1, 5))
    assert got == [
        Occurrence(date(2024, 1, 1), date(2024, 3, 31), date(2024, 3, 15), "Quý I/2024"),
        Occurrence(date(2024, 4, 1), date(2024, 6, 30), date(2024, 6, 15), "Quý II/2024"),
        Occurrence(date(2024, 7, 1), date(2024, 9, 30), date(2024, 9, 15), "Quý III/2024"),
        Occurrence(date(2024, 10, 1), date(2024, 12, 31), date(2024, 12, 15), "Quý IV/2024"),
        Occurrence(date(2025, 1, 1), date(2025, 3, 31), date(2025, 3, 15), "Quý I/2025"),
    ]


def test_half_yearly_and_yearly_occurrences():
    half = parse_deadline("định kỳ 6 tháng")
    assert occurrences(half, date(2024, 3, 1), date(2024, 12, 31)) == [
        Occurrence(date(2024, 1, 1), date(2024, 6, 30), date(2024, 6, 30), "6 tháng đầu năm 2024"),
        Occurrence(date(2024, 7, 1), date(2024, 12, 31), date(2024, 12, 31), "6 tháng cuối năm 2024"),
    ]
    yearly = parse_deadline("hằng năm, ngày 20")
    assert occurrences(yearly, date(2024, 5, 1), date(2024, 5, 1)) == [
        Occurrence(date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 20), "Năm 2024")
    ]


def test_monthly_occurrences_cross_the_year_and_clamp_the_day():
    rule = parse_deadline("hằng tháng, ngày 31")
    got = occurrences(rule, date(2024, 11, 15), date(2025, 2, 1))
    assert [(o.period_start, o.due, o.label) for o in got] == [
        (date(2024, 11, 1), date(2024, 11, 30), "Tháng 11/2024"),
        (date(2024, 12, 1), date(2024, 12, 31), "Tháng 12/2024"),
        (date(2025, 1, 1), date(2025, 1, 31), "Tháng 1/2025"),
        (date(2025, 2, 1), date(2025, 2, 28), "Tháng 2/2025"),
    ]


def test_a_one_day_window_and_an_empty_one():
    rule = parse_deadline("hằng tháng")
    assert [o.label for o in occurrences(rule, date(2024, 3, 31), date(2024, 3, 31))] == ["Tháng 3/2024"]
    assert occurrences(rule, date(2024, 4, 1), date(2024, 3, 31)) == []
    assert occurrences(parse_deadline("31/12/2024"), date(2024, 1, 1), date(2024, 12, 31)) == []
    broken = DeadlineRule(DeadlineKind.PERIODIC, "?", frequency=None)
    assert occurrences(broken, date(2024, 1, 1), date(2024, 12, 31)) == []
