"""The report rules (rules/reports.py), pure, against references written from Nghị định 30 and the
issue: every date, every period code, every bad cut-off."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.periods import PeriodKind, Scheme, period, periods_of_year
from tracker.rules.reports import (
    Block,
    changes,
    check_serial,
    cutoff_errors,
    document_number,
    flatten,
    nd30_date,
    number_line,
    parse_narrative,
    parse_period_code,
    period_code,
    place_date_line,
    recipient_lines,
    signature_lines,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def test_nd30_date_examples():
    assert nd30_date(date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert nd30_date(date(2024, 3, 5)) == "ngày 05 tháng 3 năm 2024"
    assert nd30_date(date(2023, 12, 15)) == "ngày 15 tháng 12 năm 2023"
    assert nd30_date(date(2024, 1, 31)) == "ngày 31 tháng 01 năm 2024"
    assert place_date_line(" Bắc Giang ", date(2024, 2, 5)) == "Bắc Giang, ngày 05 tháng 02 năm 2024"


@given(dates)
def test_nd30_date_zero_pads_days_below_ten_and_months_one_and_two_only(day):
    words = nd30_date(day).split()
    assert words[0] == "ngày" and words[2] == "tháng" and words[4] == "năm"
    d, m, y = words[1], words[3], words[5]
    assert int(d) == day.day and int(m) == day.month and int(y) == day.year
    assert len(d) == 2
    assert m.startswith("0") == (day.month < 3)
    assert len(m) == (2 if day.month < 3 or day.month >= 10 else 1)


def test_number_lines():
    assert number_line("12", "SNV") == "Số: 12/BC-SNV"
    blank = number_line("", "SNV")
    assert blank.startswith("Số:") and blank.endswith("/BC-SNV") and "\u00a0" * 8 in blank
    assert number_line("3", "SNV", "TB") == "Số: 3/TB-SNV"
    assert document_number("", "SNV") == "…/BC-SNV"
    assert document_number("12", "") == "12/BC"


@pytest.mark.parametrize(
    "serial, ok", [("12", True), ("1", True), ("", False), ("0", False), ("12a", False), ("1234567", False), ("12/BC", False)]
)
def test_check_serial(serial, ok):
    assert (check_serial(serial) is None) is ok
    if not ok:
        assert check_serial(serial)  # a message, in Vietnamese


def test_recipient_lines_end_with_the_archive_line():
    assert recipient_lines(["UBND tỉnh (để báo cáo)", "- Sở Nội vụ;", "", "  Lãnh đạo Sở. "], "VT, VP") == [
        "- UBND tỉnh (để báo cáo);",
        "- Sở Nội vụ;",
        "- Lãnh đạo Sở;",
        "- Lưu: VT, VP.",
    ]
    assert recipient_lines([]) == ["- Lưu: VT."]
    # A typed "Lưu" line becomes the last line, not a second one.
    assert recipient_lines(["- Lưu: VT, TTr.", "Sở Nội vụ"]) == ["- Sở Nội vụ;", "- Lưu: VT, TTr."]


@given(st.lists(st.text(min_size=0, max_size=30), max_size=8))
def test_recipient_lines_shape(lines):
    out = recipient_lines(lines)
    assert out[-1].startswith("- Lưu:") and out[-1].endswith(".")
    assert all(line.startswith("- ") and line.endswith(";") for line in out[:-1])
    assert sum(line.startswith("- Lưu") for line in out) == 1


def test_signature_lines():
    assert signature_lines("Phó Giám đốc", True) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signature_lines("giám đốc", False) == ["GIÁM ĐỐC"]


@pytest.mark.parametrize(
    "code, expected",
    [
        ("Q3-2024", (PeriodKind.QUARTER, 2024, 3)),
        ("q1/2023", (PeriodKind.QUARTER, 2023, 1)),
        ("M05-2024", (PeriodKind.MONTH, 2024, 5)),
        ("T5-2024", (PeriodKind.MONTH, 2024, 5)),
        ("H1-2024", (PeriodKind.HALF_YEAR, 2024, 1)),
        ("6T-2024", (PeriodKind.HALF_YEAR, 2024, 1)),
        ("9T-2024", (PeriodKind.NINE_MONTHS, 2024, 1)),
        ("2024", (PeriodKind.YEAR, 2024, 1)),
        ("Y-2023", (PeriodKind.YEAR, 2023, 1)),
    ],
)
def test_parse_period_code(code, expected):
    assert parse_period_code(code) == expected


@pytest.mark.parametrize("code", ["", "Q5-2024", "Q0-2024", "M13-2024", "M00-2024", "quý ba", "2024-Q3", "Q3-24"])
def test_bad_period_codes_are_refused_in_vietnamese(code):
    with pytest.raises(ValueError) as exc:
        parse_period_code(code)
    assert "Kỳ báo cáo" in str(exc.value) or "không tồn tại" in str(exc.value)


@given(st.sampled_from(list(PeriodKind)), st.integers(2000, 2100), st.sampled_from(list(Scheme)), st.data())
def test_period_codes_round_trip(kind, year, scheme, data):
    index = data.draw(st.integers(1, kind.per_year))
    p = period(kind, year, index, scheme)
    assert parse_period_code(period_code(p)) == (kind, year, index)


@given(dates, dates, st.sampled_from(list(PeriodKind)), st.sampled_from(list(Scheme)))
def test_cutoff_errors_against_the_rule(as_of, today, kind, scheme):
    p = periods_of_year(kind, as_of.year, scheme)[0]
    errors = cutoff_errors(as_of, today, p)
    future = as_of > today
    outside = not p.start <= as_of <= p.end
    assert bool(errors) == (future or outside)
    if future:
        assert "sau ngày hôm nay" in errors["as_of"]
    elif outside:
        assert "không nằm trong kỳ" in errors["as_of"]
    assert cutoff_errors(as_of, today, None) == ({"as_of": errors["as_of"]} if future else {})


def test_missing_cutoff():
    assert "Vui lòng nhập" in cutoff_errors(None, date(2024, 1, 1), None)["as_of"]
    today = date(2024, 10, 1)
    assert cutoff_errors(today, today, None) == {}
    assert cutoff_errors(today + timedelta(days=1), today, None)


def test_parse_narrative():
    text = "Đoạn thứ nhất.\r\n\r\n- Ý thứ nhất;\n+ ý con\n•  ý ba\n*\n-không phải gạch đầu dòng\n   \nĐoạn   cuối."
    assert parse_narrative(text) == [
        Block("Đoạn thứ nhất."),
        Block("Ý thứ nhất;", "-"),
        Block("ý con", "+"),
        Block("ý ba", "-"),
        Block("*"),
        Block("-không phải gạch đầu dòng"),
        Block("Đoạn cuối."),
    ]
    assert parse_narrative("") == [] and parse_narrative("\n \n") == []


def test_narrative_is_nfc_without_control_characters():
    decomposed = unicodedata.normalize("NFD", "Tồn tại, hạn chế")
    assert decomposed != "Tồn tại, hạn chế"
    assert parse_narrative(decomposed + "\x00\x07") == [Block("Tồn tại, hạn chế")]


@given(st.text(max_size=200))
def test_narrative_blocks_are_clean(text):
    for block in parse_narrative(text):
        assert block.text and block.text == block.text.strip()
        assert unicodedata.is_normalized("NFC", block.text)
        assert "\n" not in block.text and "  " not in block.text
        assert block.marker in ("", "-", "+")


def test_changes_between_snapshots():
    issued = {
        "totals": {"done_on_time": 36, "open_overdue": 3},
        "units": [{"key": "Văn phòng", "total": 10}, {"key": "Thanh tra", "total": 2}],
    }
    same_reordered = {
        "totals": {"open_overdue": 3, "done_on_time": 36},
        "units": [{"key": "Thanh tra", "total": 2}, {"key": "Văn phòng", "total": 10}],
    }
    assert changes(issued, same_reordered) == []
    now = {"totals": {"done_on_time": 37, "open_overdue": 2}, "units": [{"key": "Văn phòng", "total": 10}]}
    diff = {(c.key, c.issued, c.now) for c in changes(issued, now)}
    assert diff == {("totals.done_on_time", 36, 37), ("totals.open_overdue", 3, 2), ("units[Thanh tra].total", 2, None)}
    assert flatten({"a": [1, 2]}) == {"a[0]": 1, "a[1]": 2}


def test_xlsx_rates_are_cut_not_rounded():
    from decimal import Decimal

    from tracker.reports.document import Rate
    from tracker.reports.xlsx_renderer import rate_value

    assert rate_value(Rate(2, 3)) == Decimal("0.6666")  # 66,666…% is 66,66%, never 66,67%
    assert rate_value(Rate(41, 47)) == Decimal("0.8723")
    assert rate_value(Rate(0, 0)) is None
    assert str(Rate(2, 3)) == "66,66%" and str(Rate(0, 0)) == "–"


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_xlsx_rate_matches_the_printed_rate(completed, total):
    from decimal import Decimal

    from tracker.reports.document import Rate
    from tracker.reports.xlsx_renderer import rate_value

    completed = min(completed, total)
    value = rate_value(Rate(completed, total))
    assert f"{value * 100:.2f}".replace(".", ",") + "%" == str(Rate(completed, total))
    assert value <= Decimal(completed) / Decimal(total) < value + Decimal("0.0001")
