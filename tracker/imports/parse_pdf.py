"""PDF with a text layer: the text goes through the same rules as Word and pasted text, the tables
pdfplumber finds as tables. A scan without text is refused with a message (no OCR).

Speed: pdfplumber (pdfminer, pure Python) needs most of a second for a page printed glyph by glyph,
so the text of each page comes from PDFium (pypdfium2, which pdfplumber itself installs), and only
pages that draw enough lines to hold a table are handed to pdfplumber to find its cells.
"""

from __future__ import annotations

import io

from tracker.imports.parse_model import Block, Para, ReadError, Table
from tracker.imports.parse_text import text_blocks

NO_TEXT = "Tệp PDF không có lớp chữ (bản quét), cần bản Word hoặc bản có chữ."
PASSWORD = "Tệp PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi tải lại."
DAMAGED = "Tệp PDF bị hỏng, không đọc được."
# A table's grid: at least this many drawn lines or rectangles on the page.
TABLE_PATHS = 6


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError(PASSWORD) from exc
        raise ReadError(DAMAGED) from exc


def pdf_blocks(data: bytes) -> list[Block]:
    import pypdfium2.raw as pdfium_c

    document = _open(data)
    plumber = None
    blocks: list[Block] = []
    any_text = False
    try:
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            paths = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))
            if paths >= TABLE_PATHS:
                if plumber is None:
                    import pdfplumber

                    plumber = pdfplumber.open(io.BytesIO(data))
                page_blocks = _with_tables(plumber.pages[number - 1], number)
            else:
                text = page.get_textpage().get_text_bounded()
                page_blocks = _unwrap([b for b in text_blocks(text, unit=f"trang {number}, dòng") if isinstance(b, Para)])
            any_text = any_text or any(isinstance(b, Table) or b.text.strip() for b in page_blocks)
            blocks.extend(page_blocks)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(DAMAGED) from exc
    finally:
        if plumber is not None:
            plumber.close()
        document.close()
    if not any_text:
        raise ReadError(NO_TEXT)
    return _join_tables(blocks)


def _with_tables(page, number: int) -> list[Block]:
    """A page with ruled tables: its lines and tables in reading order (top to bottom)."""
    tables = page.find_tables()
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    placed: list[tuple[float, Block]] = []
    for line_no, line in enumerate(outside.extract_text_lines(), start=1):
        text = line["text"].strip()
        if text:
            placed.append((line["top"], Para(text=text, source=f"trang {number}, dòng {line_no}")))
    for i, table in enumerate(tables, start=1):
        rows = [[(c or "").replace("\n", " ").strip() for c in row] for row in table.extract()]
        if rows:
            block = Table(
                rows=rows,
                source=f"Bảng {i} trang {number}",
                row_sources=[f"trang {number}, bảng {i}, dòng {r + 1}" for r in range(len(rows))],
            )
            placed.append((table.bbox[1], block))
    placed.sort(key=lambda item: item[0])
    out: list[Block] = []
    paras: list[Para] = []
    for _, block in placed:
        if isinstance(block, Para):
            paras.append(block)
            continue
        out.extend(_unwrap(paras))
        paras = []
        out.append(block)
    out.extend(_unwrap(paras))
    return out


def _unwrap(paras: list[Para]) -> list[Para]:
    """Join the lines a PDF wrapped: a line without a number of its own continues the previous one when
    that one ran to the right margin without ending a sentence ("." or a colon outside brackets), unless it is a field line
    ("Đơn vị chủ trì: …") or a heading in capitals."""
    from tracker.imports.parse_structure import is_field_line, split_label

    out: list[Para] = []
    full = max((len(p.text.strip()) for p in paras), default=0)
    last_length = 0
    for para in paras:
        text = para.text.strip()
        wrapped = last_length >= 0.75 * full  # the line before ran to the margin
        last_length = len(text)
        if out and wrapped and not split_label(text)[0] and not is_field_line(text) and not text.isupper():
            previous = out[-1].text.rstrip()
            ends = previous.endswith((".", "!", "?")) or (previous.endswith(":") and previous.count("(") <= previous.count(")"))
            if previous and not ends and not previous.isupper():
                out[-1] = Para(text=previous + " " + text, source=out[-1].source, label=out[-1].label, heading=out[-1].heading)
                continue
        out.append(para)
    return out


def _join_tables(blocks: list[Block]) -> list[Block]:
    """A table that goes on over a page break is one table."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table) and out and isinstance(out[-1], Table) and len(block.rows[0]) == len(out[-1].rows[0]):
            out[-1].rows.extend(block.rows)
            out[-1].row_sources.extend(block.row_sources)
            continue
        out.append(block)
    return out
