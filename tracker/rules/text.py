"""What typed or imported text may contain, and the message when it may not.

A title with a line break (pasted from Word) breaks the e-mail subject it is put in; a control character
(Word's Shift+Enter is U+000B) breaks the XLSX export and the XML of a report; a lone surrogate (only
possible through JSON's ``\\ud800``) cannot be stored at all. So, at input, for the pages and the API alike:

* a **single-line** field (a title, a number, a name, a deadline phrase) refuses every line break
  (CR, LF and the other characters Python splits lines at) and every control character;
* a **multi-line** field (a description, a result, a reason, a note) allows LF, CR and tab but refuses
  the other control characters;
* both refuse U+0000–U+001F (except tab, and the line breaks of multi-line fields), U+007F and lone
  surrogates (U+D800–U+DFFF), and text longer than the field's limit.

Imported text is not refused but cleaned (:func:`clean_text`): the importer reports what it changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Fields without a limit of their own: generous for a person, small against a 5 MB body.
SINGLE_LINE_MAX = 2000
MULTI_LINE_MAX = 100_000

# Characters that end a line for str.splitlines() (and for mail headers): never in a single-line field.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROL = "".join(chr(c) for c in range(0x20) if c != 0x09) + "\x7f"
_SURROGATES = "\ud800-\udfff"
_SINGLE_REFUSED = re.compile(f"[{re.escape(_CONTROL + LINE_BREAKS)}{_SURROGATES}]")
_MULTI_REFUSED = re.compile(f"[{re.escape(''.join(c for c in _CONTROL if c not in chr(10) + chr(13)))}{_SURROGATES}]")


@dataclass(frozen=True)
class TextRule:
    """How one field is checked: its label (named in the message), whether it may span lines, its limit."""

    label: str
    multiline: bool = False
    max_length: int | None = None

    @property
    def limit(self) -> int:
        return self.max_length or (MULTI_LINE_MAX if self.multiline else SINGLE_LINE_MAX)


def refused_character(value: str, multiline: bool) -> tuple[int, str] | None:
    """(position, character) of the first character the field may not hold, or None."""
    if multiline:
        m = _MULTI_REFUSED.search(value)
        return (m.start(), m.group()) if m else None
    # What surrounds a single line (the textarea's final Enter) is trimmed on saving, never stored.
    inner = value.strip(" \t\r\n")
    m = _SINGLE_REFUSED.search(inner)
    return (m.start() + len(value) - len(value.lstrip(" \t\r\n")), m.group()) if m else None


def describe(char: str) -> str:
    """A character as the message names it."""
    code = f"U+{ord(char):04X}"
    if char in "\r\n":
        return "ký tự xuống dòng"
    if char in LINE_BREAKS:
        return f"ký tự ngắt dòng ({code})"
    if "\ud800" <= char <= "\udfff":
        return f"ký tự mã hoá lỗi ({code}, nửa cặp UTF-16)"
    return f"ký tự điều khiển không hiển thị được ({code})"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def text_problem(value: str, rule: TextRule) -> str | None:
    """The Vietnamese message naming the field when ``value`` may not be saved in it; None when it may."""
    found = refused_character(value, rule.multiline)
    if found is not None:
        position, char = found
        if not rule.multiline and char in LINE_BREAKS:
            return f"“{rule.label}” phải viết trên một dòng: có {describe(char)} ở vị trí {position + 1}."
        return f"“{rule.label}” có {describe(char)} ở vị trí {position + 1}; hãy xoá ký tự này rồi lưu lại."
    if len(value) > rule.limit:
        return f"“{rule.label}” dài quá: tối đa {_thousands(rule.limit)} ký tự (đang có {_thousands(len(value))})."
    return None


_IMPORT_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_IMPORT_DROPPED = re.compile(
    f"[{re.escape(''.join(c for c in _CONTROL if c not in chr(10) + chr(13) + chr(11) + chr(12)))}{_SURROGATES}]"
)


def clean_text(value: str, multiline: bool) -> str:
    """Imported text made storable: Word's line breaks (U+000B, U+000C, CR, U+2028…) become a newline
    (multi-line) or a space (single-line), the other control characters and lone surrogates are dropped.
    Text that needs no cleaning is returned unchanged (the same object)."""
    if not (_IMPORT_BREAKS.search(value) or _IMPORT_DROPPED.search(value) or (not multiline and "\n" in value)):
        return value
    cleaned = _IMPORT_DROPPED.sub("", _IMPORT_BREAKS.sub("\n", value))
    if not multiline:
        cleaned = re.sub(r"[ \t]*\n[ \t]*", " ", cleaned.strip("\n"))
    return cleaned
