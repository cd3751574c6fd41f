"""Reading a number typed in a path, a query string or a form: ASCII digits only, inside the range a
database column can hold.

``int()`` reads far more than a person types: "١٢" (Arabic-Indic), "１２" (fullwidth), " 12 ", "+12" and
"1_2" are all 12 to it, and "²" passes ``str.isdigit()`` but makes ``int()`` raise. A number beyond
2⁶³−1 overflows a BIGINT (PostgreSQL) or INTEGER (SQLite) parameter and answers 500. One reader for all.
"""

from __future__ import annotations

import re

ID_MAX = 2**63 - 1
# What a PostgreSQL INTEGER column (every id of the app) holds: numbers written into a row stay below it.
INT_MAX = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def ascii_int(raw: object, low: int = 1, high: int = ID_MAX) -> int | None:
    """``raw`` as an int when it is a string of ASCII digits (or an int, not a bool) within
    ``low``..``high``; otherwise None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw):
        value = int(raw)
    else:
        return None
    return value if low <= value <= high else None
