"""File sizes as the pages show them (issue 15.12): bytes under 1 KB, then KB/MB/GB with a decimal comma."""

import re

from hypothesis import given
from hypothesis import strategies as st

from tracker.formatting import fmt_size

SHOWN = re.compile(r"(?P<number>\d{1,3}(?:\.\d{3})*),(?P<decimal>\d) (?P<unit>KB|MB|GB)")
SCALE = {"KB": 1024, "MB": 1024**2, "GB": 1024**3}


def _value(text: str) -> float:
    """The size a reader takes from the text, in bytes."""
    if text.endswith(" byte"):
        return int(text.removesuffix(" byte"))
    m = SHOWN.fullmatch(text)
    assert m, text
    return float(f"{m['number'].replace('.', '')}.{m['decimal']}") * SCALE[m["unit"]]


@given(st.integers(min_value=0, max_value=1023))
def test_under_one_kilobyte_in_bytes(size):
    assert fmt_size(size) == f"{size} byte"


@given(st.integers(min_value=1024, max_value=10 * 1024**4))
def test_above_in_kb_mb_gb_with_a_comma_and_close_to_the_size(size):
    text = fmt_size(size)
    m = SHOWN.fullmatch(text)
    assert m, text
    # One decimal of the unit: within half a tenth of it; never 1.024 of a unit (the next one is used).
    assert abs(_value(text) - size) <= 0.05 * SCALE[m["unit"]] + 1e-6
    assert m["unit"] == "GB" or float(m["number"].replace(".", "")) < 1024


@given(st.integers(min_value=0, max_value=10 * 1024**3), st.integers(min_value=0, max_value=10 * 1024**3))
def test_order_is_kept(a, b):
    small, big = sorted((a, b))
    assert _value(fmt_size(small)) <= _value(fmt_size(big))


def test_examples():
    assert fmt_size(None) == ""
    assert fmt_size(512) == "512 byte"
    assert fmt_size(1023) == "1023 byte"
    assert fmt_size(1024) == "1,0 KB"
    assert fmt_size(1536) == "1,5 KB"
    assert fmt_size(1024 * 1024 - 1) == "1,0 MB"
    assert fmt_size(20 * 1024 * 1024) == "20,0 MB"
    assert fmt_size(3000 * 1024**3) == "3.000,0 GB"
