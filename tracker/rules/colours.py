"""The box colours as the page, the chart and the spreadsheet use them, and the contrast they must keep.

The colours themselves are declared once, on the members of ``status.Box`` (and the grey of a task not
yet started beside them). This module derives what the other places need from them: the CSS classes in
``static/app.css`` (``python -m tracker.rules.colours`` prints the block; a test checks the file holds
exactly it), the ARGB fill openpyxl wants, and the WCAG 2.1 contrast ratio that holds every badge to
level AA (4.5:1 for its white text) — the offices' old orange badge was Bootstrap's yellow at 1.6:1.
"""

from __future__ import annotations

from tracker.rules.status import NOT_STARTED_COLOUR, NOT_STARTED_CSS, Box

BADGE_TEXT = "#ffffff"
PAGE = "#ffffff"
AA_TEXT = 4.5  # WCAG 2.1 level AA, normal-size text
AA_GRAPHIC = 3.0  # WCAG 2.1 non-text contrast (a chart's bars against the page)
CSS_BEGIN = "/* Box colours: generated from tracker.rules.status.Box by `python -m tracker.rules.colours`. */"
CSS_END = "/* End of the box colours. */"


def _channel(byte: int) -> float:
    c = byte / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a ``#rrggbb`` colour (0 black, 1 white)."""
    h = colour.removeprefix("#")
    if len(h) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    r, g, b = (_channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), the lighter over the darker: 1 (same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def badge_colours() -> list[tuple[str, str]]:
    """(CSS class, background) of every badge: each box, then the grey of a task not yet started."""
    return [(box.css, box.hex) for box in Box] + [(NOT_STARTED_CSS, NOT_STARTED_COLOUR)]


def box_stylesheet() -> str:
    """The block of ``static/app.css`` for the boxes: badges, and text and borders in a box's colour."""
    lines = [CSS_BEGIN]
    lines += [f".{css} {{ background-color: {bg}; color: {BADGE_TEXT}; }}" for css, bg in badge_colours()]
    lines += [f".{box.text_css} {{ color: {box.hex}; }}" for box in Box]
    lines += [f".{box.border_css} {{ border-color: {box.hex} !important; }}" for box in Box]
    lines.append(CSS_END)
    return "\n".join(lines) + "\n"


def argb(colour: str) -> str:
    """``#1e7b34`` -> ``FF1E7B34``, the opaque ARGB openpyxl's fills and fonts take."""
    relative_luminance(colour)  # validates
    return "FF" + colour.removeprefix("#").upper()


if __name__ == "__main__":
    print(box_stylesheet(), end="")
