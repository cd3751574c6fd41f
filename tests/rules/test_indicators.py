"""Targets and results as the seeds write them, and the one verdict (hypothesis over comparators and
boundaries, against a reference written from the issue's words)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.indicators import (
    Change,
    Comparator,
    Entry,
    Measured,
    Target,
    Verdict,
    format_decimal,
    overall,
    parse_decimal,
    parse_measured,
    parse_results,
    parse_target,
    split_parts,
    standing_entry,
    verdict,
)

SEED_004 = Path(__file__).resolve().parent.parent / "imports" / "data" / "seed_004.txt"
D = Decimal


def T(comparator: Comparator, value: str, unit: str = "%", change: Change = Change.LEVEL) -> Target:
    return Target(comparator, D(value), unit, change)


def seed_004_appendix() -> dict[int, str]:
    lines = SEED_004.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("**Phụ lục 1"))
    rows: dict[int, str] = {}
    for line in lines[start : start + 25]:
        cells = line.split("\t")
        if len(cells) >= 2 and cells[0].strip().isdigit():
            rows[int(cells[0])] = cells[1]
    return rows


# Seed 004, Phụ lục 1: every indicator, each part's target (None: unreadable, flagged).
SEED_004_TARGETS = {
    1: [T(Comparator.GT, "70")],
    2: [T(Comparator.GT, "60")],
    3: [T(Comparator.EQ, "100")],
    4: [T(Comparator.GT, "60")],
    5: [T(Comparator.GT, "70")],
    6: [T(Comparator.GE, "70")],
    7: [T(Comparator.EQ, "100"), T(Comparator.EQ, "100"), T(Comparator.GT, "50")],
    8: [T(Comparator.EQ, "100")],
    9: [T(Comparator.GT, "95")],
    10: [T(Comparator.EQ, "100")],
    11: [T(Comparator.GT, "30")],
    12: [None],
}


def test_seed_004_appendix_has_twelve_indicators():
    assert sorted(seed_004_appendix()) == list(range(1, 13))


@pytest.mark.parametrize("number", range(1, 13))
def test_every_target_of_seed_004(number):
    parts = split_parts(seed_004_appendix()[number])
    assert [p.target for p in parts] == SEED_004_TARGETS[number]


def test_multi_part_labels_are_the_parts():
    parts = split_parts(seed_004_appendix()[7])
    assert parts[0].label == "Tỷ lệ hồ sơ cấp kết quả điện tử đạt 100%"
    assert parts[2].label == "Tỷ lệ khai thác sử dụng lại tài liệu đạt trên 50%"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("đạt trên 70%", T(Comparator.GT, "70")),
        ("tối thiểu 70%", T(Comparator.GE, "70")),
        ("100%", T(Comparator.EQ, "100")),
        ("đạt 100%", T(Comparator.EQ, "100")),
        ("trên 95%", T(Comparator.GT, "95")),
        ("giảm ít nhất 10%", T(Comparator.GE, "10", change=Change.DECREASE)),
        ("12 văn bản", T(Comparator.GE, "12", "văn bản")),
        ("Ban hành 12 văn bản hướng dẫn", T(Comparator.GE, "12", "văn bản")),
        ("đạt 80%", T(Comparator.GE, "80")),
        ("không quá 5%", T(Comparator.LE, "5")),
        ("dưới 5%", T(Comparator.LT, "5")),
        ("Tỷ lệ văn bản … đạt 100% (trừ văn bản mật theo quy định của pháp luật)", T(Comparator.EQ, "100")),
        ("Trên 95% hồ sơ công việc tại cấp tỉnh, 85% hồ sơ công việc tại cấp huyện", T(Comparator.GT, "95")),
        ("đạt tỷ lệ tối thiểu 70,5%", T(Comparator.GE, "70.5")),
    ],
)
def test_targets(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["Ban hành quy định về quy trình nội bộ", "năm 2024", "Chỉ thị 10/CT-TTg", "asdf", ""])
def test_unreadable_target_is_none_never_guessed(text):
    assert parse_target(text) is None


# Seed 000, Phụ lục II: every result as printed.
SEED_000_RESULTS = [
    ("96,97%", [("96.97", False)]),
    ("77,01%", [("77.01", False)]),
    ("100%", [("100", False)]),
    ("65,23%", [("65.23", False)]),
    ("47,19%", [("47.19", False)]),
    ("80,45%; 79,80%; 82,72%", [("80.45", False), ("79.80", False), ("82.72", False)]),
    ("100%", [("100", False)]),
    ("100%", [("100", False)]),
    ("~20%", [("20", True)]),
    ("0%", [("0", False)]),
    ("~70%", [("70", True)]),
    ("82.5%", [("82.5", False)]),
]


@pytest.mark.parametrize("text, expected", SEED_000_RESULTS)
def test_every_result_of_seed_000(text, expected):
    parsed = parse_results(text)
    assert [(m.value, m.approximate, m.unit) for m in parsed] == [(D(v), a, "%") for v, a in expected]


@pytest.mark.parametrize(
    "text, value, unit, approximate",
    [
        ("khoảng 20 %", "20", "%", True),
        ("1.983", "1983", "", False),
        ("16.051,5", "16051.5", "", False),
        ("12 văn bản", "12", "văn bản", False),
        ("12", "12", "", False),
        ("đạt 85%", "85", "%", False),
    ],
)
def test_results_as_offices_write_them(text, value, unit, approximate):
    m = parse_measured(text)
    assert m is not None and (m.value, m.unit, m.approximate) == (D(value), unit, approximate)


@pytest.mark.parametrize("text", ["Đạt", "chưa có số liệu", "", "%", "12,3,4"])
def test_unreadable_results(text):
    assert parse_measured(text) is None


def test_format_decimal():
    assert format_decimal(D("96.97")) == "96,97"
    assert format_decimal(D("100")) == "100"
    assert format_decimal(D("79.80")) == "79,8"


# --------------------------------------------------------------------------- the verdict

REFERENCE = {
    # From the issue's words: "trên" strict, "tối thiểu" inclusive, "100%" exactly.
    Comparator.GT: lambda m, t: m > t,
    Comparator.GE: lambda m, t: m >= t,
    Comparator.EQ: lambda m, t: m == t,
    Comparator.LE: lambda m, t: m <= t,
    Comparator.LT: lambda m, t: m < t,
}
values = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@given(st.sampled_from(list(Comparator)), values, st.sampled_from([D("-0.01"), D(0), D("0.01")]), st.booleans())
def test_verdict_at_and_around_the_boundary(comparator, target, delta, approximate):
    measured = target + delta
    expected = Verdict.MET if REFERENCE[comparator](measured, target) else Verdict.NOT_MET
    assert verdict(Target(comparator, target, "%"), Measured(measured, "%", approximate)) is expected


@given(st.sampled_from(list(Comparator)), values, values)
def test_verdict_anywhere(comparator, target, measured):
    expected = Verdict.MET if REFERENCE[comparator](measured, target) else Verdict.NOT_MET
    assert verdict(Target(comparator, target, "%"), Measured(measured, "")) is expected


def test_exactly_seventy_against_the_issue_targets():
    seventy = parse_measured("70%")
    assert verdict(parse_target("đạt trên 70%"), seventy) is Verdict.NOT_MET
    assert verdict(parse_target("tối thiểu 70%"), seventy) is Verdict.MET
    assert verdict(parse_target("đạt 100%"), parse_measured("99,99%")) is Verdict.NOT_MET


def test_no_result_and_undecided():
    assert verdict(T(Comparator.GT, "70"), None) is Verdict.NO_RESULT
    assert verdict(None, parse_measured("80%")) is Verdict.UNDECIDED
    assert verdict(T(Comparator.GE, "12", "văn bản"), parse_measured("80%")) is Verdict.UNDECIDED
    assert verdict(T(Comparator.GE, "12", "văn bản"), parse_measured("12 Văn bản")) is Verdict.MET


def test_seed_000_verdicts():
    assert verdict(parse_target("đạt trên 70%"), parse_measured("47,19%")) is Verdict.NOT_MET
    assert verdict(parse_target("Trên 30%"), parse_measured("~20%")) is Verdict.NOT_MET
    assert verdict(parse_target("đạt trên 60%"), parse_measured("77,01%")) is Verdict.MET


@given(st.lists(st.sampled_from(list(Verdict)), min_size=1, max_size=5))
def test_overall(parts):
    result = overall(parts)
    if Verdict.NOT_MET in parts:
        assert result is Verdict.NOT_MET
    elif set(parts) == {Verdict.MET}:
        assert result is Verdict.MET
    elif Verdict.NO_RESULT in parts:
        assert result is Verdict.NO_RESULT
    else:
        assert result is Verdict.UNDECIDED


def test_overall_of_nothing_is_no_result():
    assert overall([]) is Verdict.NO_RESULT


# --------------------------------------------------------------------------- as of a past date

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31))


@given(st.lists(st.tuples(days, st.one_of(st.none(), st.integers(0, 60))), max_size=6), days)
def test_standing_entry_against_reference(raw, on):
    entries = [
        Entry(i, entered, None if back is None else entered + timedelta(days=back)) for i, (entered, back) in enumerate(raw)
    ]
    reference = None
    for e in sorted(entries, key=lambda e: (e.entered_on, e.ident)):
        if e.entered_on <= on and not (e.returned_on is not None and e.returned_on <= on):
            reference = e
    assert standing_entry(entries, on) == reference


def test_returned_result_counts_from_the_day_it_was_returned():
    first = Entry(1, date(2024, 3, 10), returned_on=date(2024, 3, 20))
    second = Entry(2, date(2024, 3, 25))
    assert standing_entry([first, second], date(2024, 3, 19)) == first
    assert standing_entry([first, second], date(2024, 3, 20)) is None
    assert standing_entry([first, second], date(2024, 3, 25)) == second
    assert standing_entry([first, second], date(2024, 3, 9)) is None


@given(st.text(max_size=30))
def test_parsers_never_raise(text):
    parse_target(text)
    parse_results(text)
    split_parts(text)
    parse_decimal(text)
