"""Word (.docx) as blocks, with Word's automatic numbering rebuilt.

The "1.", "a)" and "-" in front of items are usually not in the paragraph's text: Word draws them from
numbering.xml (an ``abstractNum`` with one ``lvl`` per depth: start, format, text such as "%1." or
"%1.%2"), and the paragraph only says which list and depth (``numPr``: ``numId``, ``ilvl``), directly or
through its style. Without rebuilding them the hierarchy is lost, so we count as Word does: a level's
counter goes up with each paragraph at that level and the deeper levels start again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from tracker.imports.parse_model import Block, Para, ReadError, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


@dataclass
class _Numbering:
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId -> ilvl -> level
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> ilvl -> start
    counters: dict[str, list[int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def label(self, num_id: str, ilvl: int) -> str:
        abstract = self.nums.get(num_id)
        if abstract is None or num_id == "0":
            return ""
        levels = self.levels.get(abstract, {})
        level = levels.get(ilvl, _Level())
        counters = self.counters.setdefault(abstract, [0] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in self.overrides.get(num_id, {}).items():
                counters[lvl] = start - 1
                for deeper in range(lvl + 1, 9):
                    counters[deeper] = 0
        if level.fmt == "bullet":
            return _bullet(level.text)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else level.start
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        text = level.text
        for lvl in range(ilvl + 1):
            fmt = levels.get(lvl, _Level()).fmt
            value = counters[lvl] or levels.get(lvl, _Level()).start
            text = text.replace(f"%{lvl + 1}", _format(value, fmt))
        return text.strip()


def _bullet(text: str) -> str:
    if text in ("-", "–", "+", "*"):
        return "-" if text == "–" else text
    return "-"


_ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = "abcdefghijklmnopqrstuvwxyz"
        s = letters[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    return str(n)


def _read_numbering(document) -> _Numbering:
    numbering = _Numbering()
    try:
        part = document.part.numbering_part
    except (KeyError, NotImplementedError, AttributeError):
        return numbering
    root = part.element
    for abstract in root.iter(f"{W}abstractNum"):
        levels = {int(lvl.get(f"{W}ilvl", "0")): _read_level(lvl) for lvl in abstract.iter(f"{W}lvl")}
        numbering.levels[abstract.get(f"{W}abstractNumId")] = levels
    for num in root.iter(f"{W}num"):
        num_id = num.get(f"{W}numId")
        ref = num.find(f"{W}abstractNumId")
        if ref is not None:
            numbering.nums[num_id] = ref.get(f"{W}val")
        for override in num.iter(f"{W}lvlOverride"):
            start = override.find(f"{W}startOverride")
            if start is not None:
                numbering.overrides.setdefault(num_id, {})[int(override.get(f"{W}ilvl", "0"))] = int(start.get(f"{W}val", "1"))
    return numbering


def _read_level(lvl) -> _Level:
    """One level of a list definition: where it starts, its number format, its text ("%1.")."""
    level = _Level()
    start = lvl.find(f"{W}start")
    if start is not None:
        level.start = int(start.get(f"{W}val", "1"))
    fmt = lvl.find(f"{W}numFmt")
    if fmt is not None:
        level.fmt = fmt.get(f"{W}val", "decimal")
    text = lvl.find(f"{W}lvlText")
    if text is not None:
        level.text = text.get(f"{W}val", "")
    return level


def _num_pr(p, styles: dict) -> tuple[str, int] | None:
    ppr = p.find(f"{W}pPr")
    style_id = None
    if ppr is not None:
        num = ppr.find(f"{W}numPr")
        if num is not None:
            num_id = num.find(f"{W}numId")
            ilvl = num.find(f"{W}ilvl")
            if num_id is not None:
                return num_id.get(f"{W}val"), int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0
        style = ppr.find(f"{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else None
    return styles.get(style_id) if style_id else None


def _style_numbering(document) -> tuple[dict, set]:
    numbered: dict[str, tuple[str, int]] = {}
    headings: set[str] = set()
    for style in document.styles.element.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId")
        name = style.find(f"{W}name")
        if name is not None and name.get(f"{W}val", "").lower().startswith(("heading", "title")):
            headings.add(style_id)
        ppr = style.find(f"{W}pPr")
        num = ppr.find(f"{W}numPr") if ppr is not None else None
        if num is not None and num.find(f"{W}numId") is not None:
            ilvl = num.find(f"{W}ilvl")
            numbered[style_id] = (num.find(f"{W}numId").get(f"{W}val"), int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0)
    return numbered, headings


def _text(p) -> str:
    parts: list[str] = []
    for node in p.iter():
        if node.tag == f"{W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts)


def docx_blocks(data: bytes) -> list[Block]:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ReadError("Tệp Word bị hỏng hoặc không đúng định dạng .docx, không đọc được.") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and relatives: a damaged part
        raise ReadError("Tệp Word bị hỏng (nội dung XML không đọc được).") from exc
    numbering = _read_numbering(document)
    styles, headings = _style_numbering(document)
    blocks: list[Block] = []
    paragraph_no = 0
    table_no = 0
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            paragraph_no += 1
            blocks += _paragraph_blocks(child, paragraph_no, numbering, styles, headings)
        elif child.tag == f"{W}tbl":
            table_no += 1
            rows = _table_rows(child)
            blocks.append(
                Table(
                    rows=rows, source=f"Bảng {table_no}", row_sources=[f"Bảng {table_no}, dòng {i + 1}" for i in range(len(rows))]
                )
            )
    return blocks


def _paragraph_blocks(child, paragraph_no: int, numbering: _Numbering, styles: dict, headings: set) -> list[Para]:
    """A paragraph, one block per line; its list label (counted even when the paragraph is empty, as Word
    counts it) on the first line."""
    text = _text(child)
    num = _num_pr(child, styles)
    label = numbering.label(*num) if num else ""
    if not text.strip():
        return []
    ppr = child.find(f"{W}pPr")
    style = ppr.find(f"{W}pStyle") if ppr is not None else None
    heading = style is not None and style.get(f"{W}val") in headings
    return [
        Para(text=line.strip(), label=label if i == 0 else "", source=f"đoạn {paragraph_no}", heading=heading)
        for i, line in enumerate(text.split("\n"))
        if line.strip()
    ]


def _table_rows(child) -> list[list[str]]:
    """A Word table as rows of texts: a merged-across cell repeated, a merged-down cell its value above."""
    rows: list[list[str]] = []
    for tr in child.iter(f"{W}tr"):
        cells: list[str] = []
        for tc in tr.iter(f"{W}tc"):
            text = "\n".join(_text(p) for p in tc.iter(f"{W}p")).strip()
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is not None and vmerge.get(f"{W}val") != "restart" and rows:
                col = len(cells)
                above = rows[-1][col] if col < len(rows[-1]) else ""
                text = text or above
            repeat = int(span.get(f"{W}val", "1")) if span is not None else 1
            cells.extend([text] * repeat)
        rows.append(cells)
    return rows
