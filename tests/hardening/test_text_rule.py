"""The text rule (tracker.rules.text) and the number reader (tracker.rules.numbers): pure, exhaustive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.numbers import ID_MAX, INT_MAX, ascii_int
from tracker.rules.text import LINE_BREAKS, MULTI_LINE_MAX, SINGLE_LINE_MAX, TextRule, clean_text, refused_character, text_problem

CONTROLS = [chr(c) for c in range(0x20) if c != 0x09] + ["\x7f"]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
TITLE = TextRule("Tên nhiệm vụ", max_length=2000)
RESULT = TextRule("Kết quả thực hiện", multiline=True)


def _forbidden_single(c: str) -> bool:
    return c in CONTROLS or c in LINE_BREAKS or "\ud800" <= c <= "\udfff"


def _forbidden_multi(c: str) -> bool:
    return (c in CONTROLS and c not in "\r\n") or "\ud800" <= c <= "\udfff"


@pytest.mark.parametrize("char", CONTROLS + SURROGATES + list(LINE_BREAKS))
def test_every_refused_character_is_refused_in_a_title_with_the_field_named(char):
    message = text_problem(f"Báo cáo{char}quý III", TITLE)
    assert message is not None
    assert "“Tên nhiệm vụ”" in message
    assert f"U+{ord(char):04X}" in message or "xuống dòng" in message
    assert "vị trí 8" in message


@pytest.mark.parametrize("char", CONTROLS + SURROGATES)
def test_multi_line_fields_allow_only_newline_and_tab(char):
    message = text_problem(f"Dòng 1{char}dòng 2", RESULT)
    assert (message is None) == (char in "\r\n")


def test_allowed_text():
    assert text_problem("Tên\tcó tab, dấu “ngoặc”, tiếng Việt: ạ ặ ữ, 😀", TITLE) is None
    assert text_problem("Dòng 1\r\nDòng 2\n\tDòng 3\u2028", RESULT) is None
    # The textarea's final Enter around a title is trimmed on saving, never stored: not a line break.
    assert text_problem("\r\nTên nhiệm vụ\r\n", TITLE) is None
    assert text_problem("", TITLE) is None


def test_line_break_message_says_one_line():
    assert text_problem("Tiêu đề\r\nBcc: x@example.com", TITLE) == (
        "“Tên nhiệm vụ” phải viết trên một dòng: có ký tự xuống dòng ở vị trí 8."
    )


def test_lengths_from_the_rule_or_the_defaults():
    assert text_problem("a" * 2000, TITLE) is None
    assert text_problem("a" * 2001, TITLE) == "“Tên nhiệm vụ” dài quá: tối đa 2.000 ký tự (đang có 2.001)."
    assert TextRule("x").limit == SINGLE_LINE_MAX
    assert RESULT.limit == MULTI_LINE_MAX
    assert text_problem("a" * (5 * 1024 * 1024), RESULT) is not None  # a 5 MB result


@given(st.text())
def test_refused_exactly_the_forbidden_characters(value):
    single = refused_character(value, multiline=False)
    inner = value.strip(" \t\r\n")
    assert (single is None) == (not any(_forbidden_single(c) for c in inner))
    if single is not None:
        position, char = single
        assert value[position] == char and _forbidden_single(char)
        assert not any(_forbidden_single(c) for c in value[len(value) - len(value.lstrip(" \t\r\n")) : position])
    multi = refused_character(value, multiline=True)
    assert (multi is None) == (not any(_forbidden_multi(c) for c in value))
    if multi is not None:
        assert value[multi[0]] == multi[1] and not any(_forbidden_multi(c) for c in value[: multi[0]])


@given(st.text(), st.booleans())
def test_cleaned_text_is_accepted_and_keeps_the_printable_text(value, multiline):
    cleaned = clean_text(value, multiline)
    assert refused_character(cleaned, multiline) is None
    assert [c for c in cleaned if not c.isspace()] == [
        c for c in value if not c.isspace() and not _forbidden_multi(c) and c not in LINE_BREAKS
    ]
    assert clean_text(cleaned, multiline) == cleaned  # cleaning twice changes nothing


def test_word_line_breaks_become_newlines_or_spaces():
    assert clean_text("Dòng 1\x0bDòng 2\x0c3\r\n4\r5", multiline=True) == "Dòng 1\nDòng 2\n3\n4\n5"
    assert clean_text("Tên\x0b nhiệm \n vụ\x07", multiline=False) == "Tên nhiệm vụ"
    plain = "Không có gì để làm sạch"
    assert clean_text(plain, multiline=False) is plain


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "0",
        "-5",
        "1.5",
        "1e3",
        "²",
        "١٢",
        "１２",
        " 12",
        "12 ",
        "+12",
        "1_2",
        "9223372036854775808",
        "9" * 30,
        None,
        True,
        1.0,
    ],
)
def test_ascii_int_refuses_what_int_would_read(raw):
    assert ascii_int(raw) is None


@given(st.integers())
def test_ascii_int_reads_ascii_digits_in_range(n):
    expected = n if 1 <= n <= ID_MAX else None
    assert ascii_int(n) == expected
    if n >= 0:
        assert ascii_int(str(n)) == expected
    assert ascii_int(str(n), 0, INT_MAX) == (n if 0 <= n <= INT_MAX else None)


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=5))
def test_ascii_int_only_ascii_digits(raw):
    assert (ascii_int(raw, 0) is not None) == raw.isascii()
