"""Task lists as XLSX (openpyxl, write-only), with dates as real dates and the box (or a parent's roll-up)
spelled out."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from tracker.formatting import fmt_date
from tracker.rules.colours import BADGE_TEXT, argb
from tracker.rules.status import Box
from tracker.tasks.filters import TaskFilter
from tracker.tasks.queries import TaskRow, task_list

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


def state_label(task: TaskRow, box: str | None) -> str:
    """The "Tình trạng" column: the box, or a parent's roll-up ("3/5 phần việc hoàn thành, 1 quá hạn")."""
    if task.rollup is not None:
        return task.rollup.text
    return Box(box).label if box else "Đã hủy"


_BADGE_FONT = Font(color=argb(BADGE_TEXT))
_FILLS: dict[str, PatternFill] = {}


def _state_cell(ws, task: TaskRow, box: str | None) -> WriteOnlyCell:
    """The "Tình trạng" cell, filled with the badge's colour (rules.status.Box) when it shows a box."""
    cell = WriteOnlyCell(ws, state_label(task, box))
    if box and task.rollup is None:
        colour = Box(box).colour_for(task.status)
        cell.fill = _FILLS.setdefault(colour, PatternFill("solid", fgColor=argb(colour)))
        cell.font = _BADGE_FONT
    return cell


def task_workbook(flt: TaskFilter, as_of: date, sort: str, limit: int, page_size: int = 5000) -> tuple[io.BytesIO, int]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nhiệm vụ")
    ws.append([f"Danh sách nhiệm vụ, tình trạng tính đến ngày {fmt_date(as_of)}"])
    ws.append(HEADERS)
    page, total = 1, None
    while True:
        rows, total = task_list(flt, as_of, sort=sort, page=page, per_page=page_size)
        if total > limit:
            return io.BytesIO(), total
        for task, box in rows:
            ws.append(
                [
                    task.plan.number,
                    task.ordinal,
                    task.title,
                    task.lead_unit.name,
                    task.deadline_text,
                    task.effective_due,
                    task.due_date if task.extended_due else None,
                    task.status.label,
                    task.progress,
                    task.completed_on,
                    _state_cell(ws, task, box),
                    task.result,
                    "Chờ duyệt gia hạn" if task.extension_pending else "",
                ]
            )
        if page * page_size >= total:
            break
        page += 1
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out, total
