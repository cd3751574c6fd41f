"""PDF with a text layer, read through PDFium (pypdfium2): the text goes through the same rules as Word
and pasted text; ruled tables (an appendix) are rebuilt from the lines drawn around their cells. A scan
without text is refused with a message (no OCR).

Why PDFium and our own table finder rather than pdfplumber: pdfminer (pure Python) needs about half a
second for a page printed glyph by glyph, 20 s for a 40-page plan; PDFium reads it in well under one.
A table here is what offices print: cells bordered by drawn lines. Its rows are the distinct heights of
the horizontal lines, its columns those of the vertical ones, and each cell's text is the text inside.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.imports.parse_model import Block, Para, ReadError, Table
from tracker.imports.parse_text import text_blocks

NO_TEXT = "Tệp PDF không có lớp chữ (bản quét), cần bản Word hoặc bản có chữ."
PASSWORD = "Tệp PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi tải lại."  # a message  # nosec B105
DAMAGED = "Tệp PDF bị hỏng, không đọc được."
THIN = 2.5  # a drawn border is at most this thick (points)
NEAR = 2.0  # two coordinates this close are one


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError(PASSWORD) from exc
        raise ReadError(DAMAGED) from exc


@dataclass
class _Grid:
    left: float
    bottom: float
    right: float
    top: float
    xs: list[float]
    ys: list[float]  # top to bottom


def _levels(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > NEAR:
            out.append(v)
    return out


Segment = tuple[float, float, float, float]


def _grids(segments: list[Segment]) -> list[_Grid]:
    """Group the page's thin lines into tables (lines that touch belong together)."""
    grids = [_grid(segs) for segs in _touching(segments)]
    return sorted((g for g in grids if g is not None), key=lambda g: -g.top)


def _touching(segments: list[Segment]) -> list[list[Segment]]:
    """The segments in groups of lines that touch one another (union-find, swept left to right)."""
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(segments)), key=lambda i: segments[i][0])
    for a_pos, a in enumerate(order):
        l1, b1, r1, t1 = segments[a]
        for b in order[a_pos + 1 :]:
            l2, b2, r2, t2 = segments[b]
            if l2 > r1 + NEAR:
                break
            if b2 <= t1 + NEAR and b1 <= t2 + NEAR:
                parent[find(a)] = find(b)
    groups: dict[int, list[Segment]] = {}
    for i, seg in enumerate(segments):
        groups.setdefault(find(i), []).append(seg)
    return list(groups.values())


def _grid(segs: list[Segment]) -> _Grid | None:
    """One group's rows and columns, or None if its lines make no table."""
    horizontal = [s for s in segs if s[3] - s[1] <= THIN and s[2] - s[0] > THIN]
    vertical = [s for s in segs if s[2] - s[0] <= THIN and s[3] - s[1] > THIN]
    ys = _levels([(s[1] + s[3]) / 2 for s in horizontal])
    xs = _levels([(s[0] + s[2]) / 2 for s in vertical])
    if not ys or len(xs) < 2:
        return None
    left, bottom = min(s[0] for s in segs), min(s[1] for s in segs)
    right, top = max(s[2] for s in segs), max(s[3] for s in segs)
    # A row cut by the page break has a border on one side only: the vertical lines give the other.
    if bottom < ys[0] - NEAR:
        ys.insert(0, bottom)
    if top > ys[-1] + NEAR:
        ys.append(top)
    if len(ys) < 2:
        return None
    return _Grid(left, bottom, right, top, xs, ys[::-1])


def _text(textpage, left: float, bottom: float, right: float, top: float) -> str:
    if right - left < 1 or top - bottom < 1:
        return ""
    return textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)


def _page_blocks(page, number: int) -> list[Block]:
    import pypdfium2.raw as pdfium_c

    segments = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if min(right - left, top - bottom) <= THIN:
            segments.append((left, bottom, right, top))
    textpage = page.get_textpage()
    width, height = page.get_size()
    grids = _grids(segments) if len(segments) >= 4 else []
    blocks: list[Block] = []
    line = 1
    above = height
    for table_no, grid in enumerate(grids, start=1):
        region = _text(textpage, 0, grid.top, width, above)
        blocks.extend(_paras(region, number, line))
        line += region.count("\n") + 1
        rows = []
        for r in range(len(grid.ys) - 1):
            top, bottom = grid.ys[r], grid.ys[r + 1]
            cells = [" ".join(_text(textpage, grid.xs[c], bottom, grid.xs[c + 1], top).split()) for c in range(len(grid.xs) - 1)]
            if any(cells):
                rows.append(cells)
        if rows:
            blocks.append(
                Table(
                    rows=rows,
                    source=f"Bảng {table_no} trang {number}",
                    row_sources=[f"trang {number}, bảng {table_no}, dòng {r + 1}" for r in range(len(rows))],
                )
            )
        above = grid.bottom
    blocks.extend(_paras(_text(textpage, 0, 0, width, above), number, line))
    textpage.close()
    return blocks


def _paras(text: str, number: int, first_line: int) -> list[Para]:
    paras = [b for b in text_blocks(text) if isinstance(b, Para)]
    for p in paras:
        p.source = f"trang {number}, dòng {first_line + int(p.source.rsplit(' ', 1)[1]) - 1}"
    return _unwrap(paras)


def pdf_blocks(data: bytes) -> list[Block]:
    document = _open(data)
    blocks: list[Block] = []
    try:
        for number in range(1, len(document) + 1):
            blocks.extend(_page_blocks(document[number - 1], number))
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(DAMAGED) from exc
    finally:
        document.close()
    if not any(isinstance(b, Table) or b.text.strip() for b in blocks):
        raise ReadError(NO_TEXT)
    return _join_tables(blocks)


def _unwrap(paras: list[Para]) -> list[Para]:
    """Join the lines a PDF wrapped: a line without a number of its own continues the previous one when
    that one ran to the right margin without ending a sentence ("." or a colon outside brackets), unless
    it is a field line ("Đơn vị chủ trì: …") or a heading in capitals."""
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
