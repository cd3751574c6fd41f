"""Building real documents for the tests: seed 004 as a Word file with Word's own automatic numbering
(numbering.xml: abstractNum/num, numPr on each paragraph) and its appendices as Word tables; Excel
workbooks in the layouts offices keep."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

# Seed 004 (shared/seeds/004_*.txt, the plan as published) is kept with the tests, so a clone needs
# nothing beside it.
SEED_004 = Path(__file__).resolve().parent / "data" / "seed_004.txt"


def seed_004() -> str:
    return SEED_004.read_text(encoding="utf-8")


# abstractNum 1: decimal "%1." / "%1.%2."; 2: upper roman "%1."; 3: bullet "-"; 4: bullet "+".
NUMBERING = f"""
<w:numbering {nsdecls("w")}>
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="2">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="3">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="4">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="+"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="3"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="4"/></w:num>
  {"".join(f'<w:num w:numId="{10 + i}"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>' for i in range(6))}
</w:numbering>
"""


def _clean(text: str) -> str:
    text = re.sub(r"</?b>", "", text)
    return re.sub(r"\*+", "", text).strip()


def _numbered(paragraph, num_id: int, ilvl: int = 0) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _add_numbering(document) -> None:
    part = document.part.numbering_part  # python-docx's default template has one; replace its content
    part._element = parse_xml(NUMBERING)


def seed_004_docx(number: str = "25/KH-SNV", day: str = "20") -> bytes:
    """Seed 004 as Word writes it: a header table, the numbers in numbering.xml (not in the text), the
    appendices as tables."""
    document = docx.Document()
    _add_numbering(document)
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "UBND TỈNH BẮC GIANG\nSỞ NỘI VỤ"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = f"Số: {number}"
    header.cell(1, 1).text = f"Bắc Giang, ngày {day} tháng 02 năm 2024"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Thực hiện chuyển đổi số của Sở Nội vụ năm 2024")
    lines = seed_004().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("## KẾ HOẠCH")) + 1
    section = -1
    table_rows: list[list[str]] = []

    def flush_table() -> None:
        if not table_rows:
            return
        width = max(len(r) for r in table_rows)
        table = document.add_table(rows=len(table_rows), cols=width)
        for r, row in enumerate(table_rows):
            for c in range(width):
                table.cell(r, c).text = _clean(row[c]) if c < len(row) else ""
        table_rows.clear()

    for raw in lines[start:]:
        if "\t" in raw:
            table_rows.append(raw.split("\t"))
            continue
        if not raw.strip():
            continue
        flush_table()
        text = _clean(re.sub(r"^#+\s*", "", raw))
        if m := re.match(r"^([IVX]+)\.\s+(.*)$", text):
            section += 1
            p = document.add_paragraph(m.group(2), style="Heading 2")
            _numbered(p, 2)
        elif m := re.match(r"^(\d+)\.(\d+)\.\s+(.*)$", text):
            p = document.add_paragraph(m.group(3))
            _numbered(p, 10 + section, 1)
        elif m := re.match(r"^(\d+)\.\s+(.*)$", text):
            p = document.add_paragraph(m.group(2), style="Heading 3" if raw.startswith("#") else None)
            _numbered(p, 10 + section, 0)
        elif m := re.match(r"^([-+])\s+(.*)$", text):
            p = document.add_paragraph(m.group(2))
            _numbered(p, 3 if m.group(1) == "-" else 4)
        else:
            document.add_paragraph(text)
    flush_table()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def workbook(rows: list[list], merges: list[str] = (), sheet: str = "Nhiệm vụ") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx_text_of(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def has_numbering_in_text(data: bytes) -> bool:
    """True if any paragraph carries its number in its text (which the built files must not)."""
    document = docx.Document(io.BytesIO(data))
    return any(re.match(r"^(?:[IVX]+\.|\d+\.\s)", p.text) for p in document.paragraphs if p._p.find(qn("w:pPr")) is not None)


def seed_004_html(copies: int = 1) -> str:
    """Seed 004 as an HTML page for chromium to print: paragraphs, and its appendices as ruled tables."""
    import html as _html

    parts: list[str] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            body = "".join("<tr>" + "".join(f"<td>{_html.escape(_clean(c))}</td>" for c in r) + "</tr>" for r in rows)
            parts.append(f"<table border='1' style='border-collapse: collapse; width: 100%'>{body}</table>")
            rows.clear()

    for line in seed_004().split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if not line.strip():
            continue
        flush()
        text = _html.escape(_clean(re.sub(r"^#+\s*", "", line)))
        parts.append(f"<p>{text}</p>")
    flush()
    page = "".join(parts)
    return f"<html><body style='font-family: serif; font-size: 13pt'>{page * copies}</body></html>"
