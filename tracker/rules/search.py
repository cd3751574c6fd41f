"""Search that understands Vietnamese: "THỦ TỤC", "so hoa", "số hoá" and "số hóa" all find "số hóa".

Why a fold of its own (beside ``rules.folding.fold``, which also drops punctuation for matching names):
search must keep punctuation so that "25/KH-SNV" and "KH-SNV" find the plan numbered "25/KH-SNV",
and the databases must compute exactly the same fold (migration 0016: on SQLite this very function,
registered on every connection as ``tracker_fold``, feeds the FTS5 trigram index; on PostgreSQL its
twin in SQL, ``translate``, sits under a trigram index). So the fold is
one explicit table: every Vietnamese letter with its marks (both cases, precomposed, and the
combining marks of decomposed text) goes to its bare ASCII letter, ``đ``/``Đ`` to ``d``, A-Z to a-z;
every other character stays as it is. Tone placement ("hoá"/"hóa") stops mattering because every mark
goes. A test checks the SQL twins against this function on every character of the table.

Query words shorter than three characters cannot be looked up in a trigram index on their own, so
they are glued to a neighbour into one phrase ("so hoa" is searched as the phrase "so hoa").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MIN_TERM = 3  # a trigram index needs three characters
MAX_TERMS = 8

_BASES = {
    "a": "a",
    "ă": "a",
    "â": "a",
    "e": "e",
    "ê": "e",
    "i": "i",
    "o": "o",
    "ô": "o",
    "ơ": "o",
    "u": "u",
    "ư": "u",
    "y": "y",
}
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# Combining marks of decomposed (NFD) Vietnamese: the five tones and the three vowel marks.
COMBINING_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b")


def _fold_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base, bare in _BASES.items():
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            if letter != bare:
                table[letter] = bare
            upper = letter.upper()
            table[upper] = bare
    table["đ"] = "d"
    table["Đ"] = "d"
    for code in range(ord("A"), ord("Z") + 1):
        table[chr(code)] = chr(code).lower()
    for mark in COMBINING_MARKS:
        table[mark] = ""
    return table


FOLD_TABLE: dict[str, str] = _fold_table()
_TRANSLATE = str.maketrans(FOLD_TABLE)


def search_fold(text: str) -> str:
    """The text as the search index holds it: lower-case ASCII letters for every Vietnamese one,
    everything else unchanged. One character in, at most one out (combining marks vanish)."""
    return (text or "").translate(_TRANSLATE)


def query_terms(query: str) -> list[str]:
    """The phrases a query is looked up by, each at least three characters: its folded words, a word
    shorter than three glued to the next one (or to the one before when it is last). Empty when
    nothing long enough was typed."""
    words = search_fold(query).split()
    phrases: list[str] = []
    pending: list[str] = []
    for word in words:
        pending.append(word)
        if len(word) >= MIN_TERM or len(" ".join(pending)) >= MIN_TERM and len(pending) > 1:
            phrases.append(" ".join(pending))
            pending = []
    if pending:
        tail = " ".join(pending)
        if phrases:
            phrases[-1] = f"{phrases[-1]} {tail}"
        elif len(tail) >= MIN_TERM:
            phrases.append(tail)
    unique = list(dict.fromkeys(phrases))
    return unique[:MAX_TERMS]


# What a task's number (STT) looks like as typed: "3", "1.2", "1.2.3", "II", "IV.2", "a", "b)", "2.".
_ORDINAL = re.compile(r"(?:[0-9]{1,4}|[IVXLCDMivxlcdm]{1,6}|[a-zđA-ZĐ])(?:\.[0-9]{1,4})*[.)]?")


def ordinal_forms(query: str) -> list[str]:
    """The spellings of a task number the query may be ("ii" → "ii", "II"; "1.2." → "1.2."/"1.2"), or
    none when it is words: only then does the list's "Tìm" look the number up (an equality on an index)
    besides the text — "rà soát" never reads every task's number."""
    text = query.strip()
    if len(text) > 20 or not _ORDINAL.fullmatch(text):
        return []
    bare = text.rstrip(".)")
    forms = [text, bare, f"{bare}.", f"{bare})"] if bare else [text]
    forms += [f.upper() for f in forms] + [f.lower() for f in forms]
    return sorted(set(forms))


def fts_match(terms: list[str]) -> str:
    """An FTS5 query (trigram tokenizer): every phrase must occur, each quoted (quotes doubled)."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def like_pattern(term: str) -> str:
    """A LIKE pattern (ESCAPE '\\') finding the phrase anywhere."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(text: str, terms: list[str]) -> bool:
    """Python's twin of the database's test: every phrase occurs in the folded text."""
    folded = search_fold(text)
    return bool(terms) and all(term in folded for term in terms)


@dataclass(frozen=True)
class Piece:
    text: str
    hit: bool


def _spans(folded: str, terms: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while term and start >= 0:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _folded_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character."""
    folded = text.translate(_TRANSLATE)
    if len(folded) == len(text):  # composed text: one character for one (the usual case, no loop)
        return folded, list(range(len(text)))
    out: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = FOLD_TABLE.get(char, char)
        if folded:
            out.append(folded)
            origins.append(index)
    return "".join(out), origins


def highlight(text: str, terms: list[str]) -> list[Piece]:
    """The original text cut into pieces, the matched phrases marked (diacritics as written). A match
    that ends on a letter followed by its combining marks takes the marks with it."""
    if not text:
        return []
    folded, origins = _folded_with_origins(text)
    pieces: list[Piece] = []
    cursor = 0
    for start, end in _spans(folded, terms):
        first = origins[start]
        last = origins[end] if end < len(origins) else len(text)
        if first > cursor:
            pieces.append(Piece(text[cursor:first], False))
        pieces.append(Piece(text[first:last], True))
        cursor = last
    if cursor < len(text):
        pieces.append(Piece(text[cursor:], False))
    return pieces


def snippet(text: str, terms: list[str], width: int = 160) -> str:
    """A window of ``text`` around its first match (with "…" where it was cut), or "" without one."""
    folded, origins = _folded_with_origins(text or "")
    spans = _spans(folded, terms)
    if not spans:
        return ""
    first = origins[spans[0][0]]
    start = max(first - width // 3, 0)
    end = min(start + width, len(text))
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and first - space < width // 2 else start
    window = re.sub(r"\s+", " ", text[start:end]).strip()
    return ("… " if start > 0 else "") + window + (" …" if end < len(text) else "")


# --- in SQL (migration 0016 builds its function, index and triggers from these) ------------------

# The text a task is found by, in SQL (``{p}`` is the row prefix: "", "NEW.", "OLD."). The PostgreSQL
# index is used only for this exact expression, so the queries and the migration both take it from here.
TASK_SEARCH_BODY = "coalesce({p}title, '') || chr(10) || coalesce({p}description, '') || chr(10) || coalesce({p}result, '')"


def task_body_sql(prefix: str = "", sqlite: bool = False) -> str:
    body = TASK_SEARCH_BODY.format(p=prefix)
    return f"tracker_fold({body.replace('chr(10)', 'char(10)')})" if sqlite else f"tracker_fold({body})"


def postgres_translate_args() -> tuple[str, str]:
    """``translate(x, from, to)``: characters of ``from`` past the end of ``to`` are deleted, so the
    characters mapped to nothing (the combining marks) go last."""
    kept = [(s, t) for s, t in FOLD_TABLE.items() if t]
    dropped = [s for s, t in FOLD_TABLE.items() if not t]
    return "".join(s for s, _ in kept) + "".join(dropped), "".join(t for _, t in kept)
