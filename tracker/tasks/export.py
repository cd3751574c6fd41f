"""Task lists as XLSX (openpyxl, write-only), with dates as real dates and the box (or a parent's roll-up)
spelled out.

Above the table: the as-of date and the filters the list was made with, in words, so a printed or
forwarded sheet says what it counts. Every text goes through ``rules.cells.cell_text`` (never a formula,
never a character the file cannot hold: issue 16, item 5); dates are date cells shown dd/mm/yyyy.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from copy import copy
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from tracker.accounts.models import Unit, User
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.plans.models import Plan
from tracker.rules.cells import cell_text
from tracker.rules.colours import BADGE_TEXT, argb
from tracker.rules.status import Box
from tracker.tasks.filters import BOX_GROUPS, TaskFilter
from tracker.tasks.queries import task_list
from tracker.tasks.rows import TaskRow

DATE_FORMAT = "dd/mm/yyyy"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows a list may have to be exported; above, the person is asked to filter.
EXPORT_LIMIT = 200_000
# Rows written while the person waits (~0,6 ms a row: well under a second); a longer list is built in
# the background (tracker/documents).
EXPORT_INLINE_ROWS = 1_000

HEADERS = [
    "Kế hoạch",
    "STT",
    "Nhiệm vụ",
    "Đơn vị chủ trì",
    "Thời hạn theo văn bản",
    "Thời hạn",
    "Thời hạn ban đầu",
    "Trạng thái",
    "Tiến độ (%)",
    "Ngày hoàn thành",
    "Tình trạng",
    "Kết quả",
    "Gia hạn",
]

_GROUP_NAMES = {"counted": "Tất cả (trừ nhiệm vụ đã hủy)", "done": "Đã hoàn thành", "open": "Chưa hoàn thành"}
_BOLD = Font(bold=True)


def state_label(task: TaskRow, box: str | None) -> str:
    """The "Tình trạng" column: the box, or a parent's roll-up ("3/5 phần việc hoàn thành, 1 quá hạn")."""
    if task.rollup is not None:
        return task.rollup.text
    return Box(box).label if box else "Đã hủy"


_BADGE_FONT = Font(color=argb(BADGE_TEXT))
_FILLS: dict[str, PatternFill] = {}


def text(value: str | None, *, multiline: bool = True) -> str | None:
    """Text and only text for a plain cell (rules.cells): openpyxl writes a string that does not start
    with "=" as a string cell, and ``cell_text`` never lets one start so. A plain value, not a cell
    object: most of an export's cells, and the cheapest to write."""
    return cell_text(value or "", multiline=multiline) or None


def text_cell(ws, value: str | None, *, multiline: bool = True) -> WriteOnlyCell:
    """A text cell that carries a style (a heading, a coloured state), its type said explicitly."""
    cell = WriteOnlyCell(ws, text(value, multiline=multiline))
    if cell.value is not None:
        cell.data_type = "s"
    return cell


def styled(ws, cell: WriteOnlyCell, key: tuple, apply: Callable[[WriteOnlyCell], None]) -> WriteOnlyCell:
    """``cell`` with the style ``apply`` gives, worked out once per sheet and ``key`` and then copied:
    setting a font, fill or number format makes openpyxl hash the whole style each time (half the time
    of a 19,000-row export)."""
    cache = ws.__dict__.setdefault("_tracker_styles", {})
    style = cache.get(key)
    if style is None:
        apply(cell)
        cache[key] = copy(cell._style)
    else:
        cell._style = copy(style)
    return cell


def _date_format(cell: WriteOnlyCell) -> None:
    cell.number_format = DATE_FORMAT


def date_cell(ws, value: date | None) -> WriteOnlyCell | None:
    if value is None:
        return None
    return styled(ws, WriteOnlyCell(ws, value), ("date",), _date_format)


def _badge(colour: str) -> Callable[[WriteOnlyCell], None]:
    def apply(cell: WriteOnlyCell) -> None:
        cell.fill = _FILLS.setdefault(colour, PatternFill("solid", fgColor=argb(colour)))
        cell.font = _BADGE_FONT

    return apply


def _state_cell(ws, task: TaskRow, box: str | None) -> WriteOnlyCell:
    """The "Tình trạng" cell, filled with the badge's colour (rules.status.Box) when it shows a box."""
    cell = text_cell(ws, state_label(task, box), multiline=False)
    if box and task.rollup is None:
        colour = Box(box).colour_for(task.status)
        styled(ws, cell, ("badge", colour), _badge(colour))
    return cell


def _boxes_words(flt: TaskFilter) -> str | None:
    if flt.box:
        return flt.box.label
    if flt.boxes:
        group = next((name for name, boxes in BOX_GROUPS.items() if tuple(flt.boxes) == boxes), None)
        return _GROUP_NAMES.get(group or "", ", ".join(b.label for b in flt.boxes))
    return None


def _range_words(start: date | None, end: date | None) -> str | None:
    if start and end:
        return f"từ {fmt_date(start)} đến {fmt_date(end)}"
    if start:
        return f"từ {fmt_date(start)}"
    return f"đến {fmt_date(end)}" if end else None


def _named(model, ident: int | None, attr: str) -> str | None:
    if not ident:
        return None
    obj = db.session.get(model, ident)
    return getattr(obj, attr) if obj is not None else f"(không tồn tại: {ident})"


def filter_lines(flt: TaskFilter) -> list[str]:
    """The filters of a list, in words ("Đơn vị chủ trì: Phòng Tổ chức"), one line each."""
    unit_title = "Đơn vị (chủ trì hoặc phối hợp)" if flt.unit_role == "any" else "Đơn vị chủ trì"
    words = [
        ("Kế hoạch, văn bản", _named(Plan, flt.plan_id, "display_name")),
        (unit_title, _named(Unit, flt.unit_id, "name")),
        ("Người được giao", _named(User, flt.assignee_id, "full_name")),
        ("Tình trạng", _boxes_words(flt)),
        ("Trạng thái", flt.status.label if flt.status else None),
        ("Năm", str(flt.year) if flt.year else None),
        ("Tìm theo", f"“{flt.search.strip()}”" if flt.search.strip() else None),
        ("Thời hạn theo văn bản", _range_words(flt.due_from, flt.due_to)),
        ("Ngày hoàn thành", _range_words(flt.done_from, flt.done_to)),
        ("Chỉ tính", "phần việc (không tính nhiệm vụ có phần việc con)" if flt.leaves_only else None),
    ]
    return [f"{title}: {value}" for title, value in words if value]


def write_heading(ws, title: str, as_of: date, filters: Iterable[str]) -> None:
    """The rows above a table: what it is, the date it is counted at, the filters (or "none")."""
    lines = list(filters)
    ws.append([text_cell(ws, title, multiline=False)])
    ws.append([text_cell(ws, f"Số liệu tính đến ngày: {fmt_date(as_of)}", multiline=False)])
    ws.append([text_cell(ws, "Bộ lọc: " + ("; ".join(lines) if lines else "không lọc (tất cả)"), multiline=False)])


def header_row(ws, headers: list[str]) -> list[WriteOnlyCell]:
    cells = [text_cell(ws, h, multiline=False) for h in headers]
    for c in cells:
        c.font = _BOLD
    return cells


def _task_row(ws, task: TaskRow, box: str | None) -> list:
    return [
        text(task.plan.number, multiline=False),
        text(task.ordinal, multiline=False),
        text(task.title),
        text(task.lead_unit.name, multiline=False),
        text(task.deadline_text),
        date_cell(ws, task.effective_due),
        date_cell(ws, task.due_date if task.extended_due else None),
        task.status.label,
        task.progress,
        date_cell(ws, task.completed_on),
        _state_cell(ws, task, box),
        text(task.result),
        "Chờ duyệt gia hạn" if task.extension_pending else None,
    ]


def task_workbook(
    flt: TaskFilter,
    as_of: date,
    sort: str,
    limit: int,
    page_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[io.BytesIO, int]:
    """The list as a workbook and its size; an empty workbook when the list has more than ``limit`` rows.
    ``progress(rows written, total)`` after each page (a background build shows it)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nhiệm vụ")
    write_heading(ws, f"Danh sách nhiệm vụ, tình trạng tính đến ngày {fmt_date(as_of)}", as_of, filter_lines(flt))
    ws.append(header_row(ws, HEADERS))
    page, total = 1, None
    while True:
        rows, total = task_list(flt, as_of, sort=sort, page=page, per_page=page_size)
        if total > limit:
            return io.BytesIO(), total
        for task, box in rows:
            ws.append(_task_row(ws, task, box))
        if progress is not None:
            progress(min(page * page_size, total), total)
        if page * page_size >= total:
            break
        page += 1
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out, total
