"""The box colours: declared once on ``Box``, held to WCAG AA, the families issue 15 names, and the CSS
in static/app.css generated from them (no hand-edited copy that could drift)."""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.colours import (
    AA_GRAPHIC,
    AA_TEXT,
    BADGE_TEXT,
    CSS_BEGIN,
    CSS_END,
    PAGE,
    argb,
    badge_colours,
    box_stylesheet,
    contrast_ratio,
    relative_luminance,
)
from tracker.rules.status import NOT_STARTED_COLOUR, NOT_STARTED_CSS, Box, TaskStatus

APP_CSS = Path(__file__).resolve().parents[2] / "static" / "app.css"
colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def test_the_reference_ratios_of_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    # WebAIM's figures: Bootstrap's yellow on white 1.63:1, its old orange under white text 2.57:1.
    assert contrast_ratio("#ffc107", "#ffffff") == pytest.approx(1.63, abs=0.01)
    assert contrast_ratio("#fd7e14", "#ffffff") == pytest.approx(2.57, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@given(colours, colours)
def test_contrast_is_symmetric_and_between_1_and_21(a, b):
    ratio = contrast_ratio(a, b)
    assert ratio == pytest.approx(contrast_ratio(b, a))
    assert 1.0 <= ratio <= 21.0 + 1e-9
    assert (ratio == pytest.approx(1.0)) == (relative_luminance(a) == pytest.approx(relative_luminance(b)))


@pytest.mark.parametrize(("css", "background"), badge_colours())
def test_every_badge_reads_at_level_aa(css, background):
    assert contrast_ratio(BADGE_TEXT, background) >= AA_TEXT, css


@pytest.mark.parametrize("box", list(Box))
def test_every_box_colour_reads_as_text_on_the_page_and_stands_out_as_a_bar(box):
    # The count cards print the figure in the box's colour on white; the chart draws bars in it.
    assert contrast_ratio(box.hex, PAGE) >= AA_TEXT
    assert contrast_ratio(box.hex, PAGE) >= AA_GRAPHIC


def _hue_family(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.12:
        return "grey"
    degrees = hue * 360
    for name, upper in (("red", 12), ("orange", 40), ("yellow", 65), ("green", 170), ("blue", 250)):
        if degrees < upper:
            return name
    return "red" if degrees >= 340 else "purple"


def test_the_colours_the_offices_know():
    """Issue 15: green done on time, orange done late, blue open in time, red overdue, grey not started."""
    assert _hue_family(Box.DONE_ON_TIME.hex) == "green"
    assert _hue_family(Box.DONE_LATE.hex) == "orange"
    assert _hue_family(Box.OPEN_IN_TIME.hex) == "blue"
    assert _hue_family(Box.OPEN_OVERDUE.hex) == "red"
    assert _hue_family(NOT_STARTED_COLOUR) == "grey"
    assert _hue_family(Box.NO_DEADLINE_DONE.hex) == "green"
    assert _hue_family(Box.NO_DEADLINE_OPEN.hex) == "grey"


def test_the_four_boxes_are_four_different_colours():
    four = [Box.DONE_ON_TIME, Box.DONE_LATE, Box.OPEN_IN_TIME, Box.OPEN_OVERDUE]
    assert len({b.hex for b in four} | {NOT_STARTED_COLOUR}) == 5


@pytest.mark.parametrize("status", list(TaskStatus))
@pytest.mark.parametrize("box", list(Box))
def test_only_a_not_started_task_not_overdue_is_grey(box, status):
    grey = status is TaskStatus.NOT_STARTED and box in (Box.OPEN_IN_TIME, Box.NO_DEADLINE_OPEN)
    assert box.css_for(status) == (NOT_STARTED_CSS if grey else box.css)
    assert box.colour_for(status) == (NOT_STARTED_COLOUR if grey else box.hex)
    assert box.css_for(None) == box.css


def test_static_css_holds_exactly_the_generated_block():
    text = APP_CSS.read_text(encoding="utf-8")
    assert text.count(CSS_BEGIN) == 1 and text.count(CSS_END) == 1
    block = text[text.index(CSS_BEGIN) : text.index(CSS_END) + len(CSS_END)] + "\n"
    assert block == box_stylesheet(), "static/app.css is stale: paste the output of `python -m tracker.rules.colours`"
    # No other rule outside the block styles a box class (a hand-written override would drift).
    outside = text.replace(block, "")
    assert not re.search(r"\.box-", outside)


def test_the_stylesheet_has_a_class_for_every_badge_text_and_border():
    css = box_stylesheet()
    for cls, background in badge_colours():
        assert f".{cls} {{ background-color: {background}; color: {BADGE_TEXT}; }}" in css
    for box in Box:
        assert f".{box.text_css} {{ color: {box.hex}; }}" in css
        assert f".{box.border_css} {{ border-color: {box.hex} !important; }}" in css


def test_argb_for_openpyxl():
    assert argb("#1e7b34") == "FF1E7B34"
    with pytest.raises(ValueError):
        argb("#fff")
