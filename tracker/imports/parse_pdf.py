"""PDF with a text layer: the text goes through the same rules as Word and pasted text, the tables
pdfplumber finds as tables. A scan without text is refused with a message (no OCR)."""

from __future__ import annotations

import io

from tracker.imports.parse_model import Block, Para, ReadError, Table
from tracker.imports.parse_text import text_blocks

NO_TEXT = "Tệp PDF không có lớp chữ (bản quét), cần bản Word hoặc bản có chữ."


def pdf_blocks(data: bytes) -> list[Block]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except (PDFPasswordIncorrect, PdfminerException) as exc:
        if "password" in repr(exc).lower() or isinstance(exc, PDFPasswordIncorrect):
            raise ReadError("Tệp PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi tải lại.") from exc
        raise ReadError("Tệp PDF bị hỏng, không đọc được.") from exc
    except Exception as exc:
        raise ReadError("Tệp PDF bị hỏng, không đọc được.") from exc
    blocks: list[Block] = []
    any_text = False
    try:
        for number, page in enumerate(pages, start=1):
            tables = page.find_tables() if page.rects or page.lines else []
            outside = page
            for table in tables:
                outside = outside.outside_bbox(table.bbox)
            text = outside.extract_text() or ""
            any_text = any_text or bool(text.strip())
            found = text_blocks(text, unit=f"trang {number}, dòng")
            for block in found:
                if isinstance(block, Para):
                    blocks.append(block)
            for i, table in enumerate(tables, start=1):
                rows = [[(c or "").replace("\n", " ").strip() for c in row] for row in table.extract()]
                if rows:
                    any_text = True
                    blocks.append(
                        Table(
                            rows=rows,
                            source=f"Bảng {i} trang {number}",
                            row_sources=[f"trang {number}, bảng {i}, dòng {r + 1}" for r in range(len(rows))],
                        )
                    )
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError("Tệp PDF bị hỏng, không đọc được.") from exc
    finally:
        pdf.close()
    if not any_text:
        raise ReadError(NO_TEXT)
    return _join_tables(blocks)


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
