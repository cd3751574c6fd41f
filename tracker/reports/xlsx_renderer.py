"""The XLSX (openpyxl): the document's tables as sheets, with real numbers and dates.

Every text goes through ``rules.cells.cell_text``: never a formula (a title "=2+2" stays that text,
quoted as OWASP recommends), never a character the file cannot hold (issue 16, item 5).
Dates are date cells shown dd/mm/yyyy; counts are numbers shown with a thousands separator (#,##0:
Excel prints it with the reader's separators, "16.051" on a Vietnamese system); rates are the cut
value (87,23% is stored 0.8723, never rounded) shown 0.00%.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.reports.document import Document, Rate, Table
from tracker.rules.cells import cell_text, clean_text
from tracker.rules.colours import BADGE_TEXT, argb

DATE_FORMAT = "dd/mm/yyyy"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00%"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# One instance of each style, shared by every cell.
PLAIN = Font(name="Times New Roman")
BOLD = Font(name="Times New Roman", bold=True)
ITALIC = Font(name="Times New Roman", italic=True)
TITLE = Font(name="Times New Roman", bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_FILLS: dict[str, PatternFill] = {}


def rate_value(rate: Rate) -> Decimal | None:
    """The rate cut to two decimals of a percent, as a fraction of one (87,23% -> 0.8723)."""
    if not rate.total:
        return None
    return (Decimal(rate.completed) / Decimal(rate.total)).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)


def _text(c: Cell, value: str, multiline: bool = True) -> None:
    """Text, and only text, in the cell (rules.cells)."""
    c.value = cell_text(value, multiline=multiline) or None
    if c.value is not None:
        c.data_type = "s"


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in clean_text(name, multiline=False) if ch not in "[]:*?/\\")[:28].strip(" '") or "Bảng"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:25]} {n}", n + 1
    used.add(candidate)
    return candidate


def _fill(colour: str) -> PatternFill:
    """One fill per colour, shared by every cell of that colour."""
    return _FILLS.setdefault(colour, PatternFill("solid", fgColor=argb(colour)))


def _put(c: Cell, value: object) -> None:
    """A value as its own kind of cell: rates as percentages, counts as numbers, dates as dates."""
    if isinstance(value, Rate):
        v = rate_value(value)
        c.value = float(v) if v is not None else "–"
        c.number_format = RATE_FORMAT
    elif isinstance(value, bool):
        c.value = "Có" if value else "Không"
    elif isinstance(value, int):
        c.value = value
        c.number_format = COUNT_FORMAT
    elif isinstance(value, date):
        c.value = value
        c.number_format = DATE_FORMAT
    else:
        _text(c, "" if value is None else str(value))
        c.alignment = WRAP


def _write_row(ws: Worksheet, n: int, row: list[object], font: Font, colour: str | None) -> None:
    for i, value in enumerate(row, start=1):
        c = ws.cell(n, i)
        c.border, c.font = BOX, font
        _put(c, value)
    if colour is not None:  # a box's row: its label in the badge's colours, as on the page
        first = ws.cell(n, 1)
        first.fill, first.font = _fill(colour), Font(name="Times New Roman", bold=font.bold, color=argb(BADGE_TEXT))


def _write(ws: Worksheet, t: Table, heading: list[str]) -> None:
    # Rows are counted here: openpyxl's ``max_row`` scans every cell each time it is read.
    n = 0
    for line in [*heading, t.title]:
        n += 1
        c = ws.cell(n, 1)
        _text(c, line, multiline=False)
        c.font = TITLE
    n += 1
    head_row = n
    for i, name in enumerate(t.columns, start=1):
        c = ws.cell(n, i)
        _text(c, name, multiline=False)
        c.font, c.alignment, c.border = BOLD, CENTER, BOX
    for r, row in enumerate(t.rows):
        n += 1
        _write_row(ws, n, list(row), BOLD if r in t.bold_rows else PLAIN, t.colours.get(r))
    if t.note:
        c = ws.cell(n + 1, 1)
        _text(c, t.note)
        c.font = ITALIC
    scale = 100 / sum(t.widths)
    for i, w in enumerate(t.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(6, round(w * scale * 1.1))
    ws.freeze_panes = ws.cell(head_row + 1, 1)


def render_xlsx(doc: Document) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    heading = [f"{doc.kind_title} {doc.number} - {doc.office_name}", doc.subject, doc.place_date, *doc.scope_lines]
    for t in doc.tables:
        _write(wb.create_sheet(_sheet_name(t.sheet, used)), t, heading)
    if not wb.sheetnames:
        _text(wb.create_sheet("Báo cáo").cell(1, 1), doc.subject, multiline=False)
    # The file's properties are XML too: cleaned like the cells (no quote: they are never evaluated).
    wb.properties.title = clean_text(f"{doc.kind_title} {doc.number}", multiline=False)
    wb.properties.subject = clean_text(doc.subject, multiline=False)
    wb.properties.creator = clean_text(doc.office_name, multiline=False)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
