from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.deadlines import DeadlineError, DeadlineKind, Frequency, month_end, occurrences, parse_deadline

FIXED = [
    ("Trong năm 2024", date(2024, 12, 31)),
    ("Năm 2024", date(2024, 12, 31)),
    ("2024", date(2024, 12, 31)),
    ("Quý III/2024", date(2024, 9, 30)),
    ("Quý III năm 2024", date(2024, 9, 30)),
    ("quý 3/2024", date(2024, 9, 30)),
    ("Trong Quý I/2024", date(2024, 3, 31)),
    ("Tháng 6/2024", date(2024, 6, 30)),
    ("tháng 2 năm 2024", date(2024, 2, 29)),
    ("6 tháng đầu năm 2024", date(2024, 6, 30)),
    ("6 tháng cuối năm 2024", date(2024, 12, 31)),
    ("9 tháng năm 2024", date(2024, 9, 30)),
    ("Trước ngày 15/6/2024", date(2024, 6, 15)),
    ("trước ngày 15 tháng 6 năm 2024", date(2024, 6, 15)),
    ("Hoàn thành trước ngày 30/11/2023.", date(2023, 11, 30)),
    ("15/06/2024", date(2024, 6, 15)),
    ("Thời gian thực hiện: Trong năm 2024", date(2024, 12, 31)),
]


@pytest.mark.parametrize(("phrase", "due"), FIXED)
def test_end_of_period_phrases(phrase, due):
    rule = parse_deadline(phrase)
    assert rule.kind is DeadlineKind.FIXED
    assert rule.due == due
    assert rule.phrase == phrase.strip()


def test_thuong_xuyen_is_ongoing():
    assert parse_deadline("Thường xuyên").kind is DeadlineKind.ONGOING
    assert parse_deadline("  thường xuyên, liên tục ").kind is DeadlineKind.ONGOING


def test_quarter_without_year_takes_the_plan_year_or_stays_undetermined():
    assert parse_deadline("Quý II", default_year=2024).due == date(2024, 6, 30)
    assert parse_deadline("Quý II").kind is DeadlineKind.UNDETERMINED


@pytest.mark.parametrize(
    "phrase",
    [
        "Theo chương trình, kế hoạch tập huấn",
        "Khi có yêu cầu",
        "",
        "Quý V/2024",
        "sau khi UBND tỉnh phê duyệt",
        "Quý I và Quý III/2024",
    ],
)
def test_unknown_phrases_are_kept_verbatim_and_flagged(phrase):
    rule = parse_deadline(phrase)
    assert rule.kind is DeadlineKind.UNDETERMINED
    assert rule.due is None
    assert rule.phrase == phrase.strip()


@pytest.mark.parametrize("phrase", ["31/02/2024", "Trước ngày 30/2/2024", "Tháng 13/2024"])
def test_impossible_dates_are_errors(phrase):
    with pytest.raises(DeadlineError):
        parse_deadline(phrase)


def test_periodic_quarterly_before_day_15_of_last_month():
    rule = parse_deadline("Định kỳ trước ngày 15 của tháng cuối quý")
    assert rule.kind is DeadlineKind.PERIODIC
    assert rule.frequency is Frequency.QUARTERLY
    assert rule.day == 15
    dues = [o.due for o in occurrences(rule, date(2024, 1, 1), date(2024, 12, 31))]
    assert dues == [date(2024, 3, 15), date(2024, 6, 15), date(2024, 9, 15), date(2024, 12, 15)]
    assert occurrences(rule, date(2024, 1, 1), date(2024, 3, 31))[0].label == "Quý I/2024"


def test_periodic_monthly_and_yearly():
    monthly = parse_deadline("Báo cáo hằng tháng trước ngày 31")
    assert monthly.frequency is Frequency.MONTHLY
    dues = [o.due for o in occurrences(monthly, date(2024, 1, 1), date(2024, 3, 31))]
    assert dues == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    yearly = parse_deadline("hằng năm")
    assert [o.due for o in occurrences(yearly, date(2024, 5, 1), date(2025, 1, 1))] == [date(2024, 12, 31), date(2025, 12, 31)]


@given(st.integers(1, 4), st.integers(2000, 2100), st.sampled_from(["Quý {r}/{y}", "Quý {r} năm {y}", "quý {n}/{y}"]))
def test_any_quarter_resolves_to_its_last_day(q, year, pattern):
    roman = ["I", "II", "III", "IV"][q - 1]
    rule = parse_deadline(pattern.format(r=roman, n=q, y=year))
    assert rule.due == month_end(year, q * 3)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["{d}/{m}/{y}", "Trước ngày {d}/{m}/{y}", "ngày {d} tháng {m} năm {y}"]),
)
def test_any_written_date_resolves_to_itself(day, pattern):
    assert parse_deadline(pattern.format(d=day.day, m=day.month, y=day.year)).due == day


@given(st.integers(1, 12), st.integers(2000, 2100))
def test_any_month_resolves_to_its_last_day(month, year):
    assert parse_deadline(f"Tháng {month}/{year}").due == month_end(year, month)


@given(st.text(max_size=60))
def test_the_parser_never_crashes_on_free_text(text):
    try:
        rule = parse_deadline(text)
    except DeadlineError:
        return
    assert rule.phrase == text.strip()
