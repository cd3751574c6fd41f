"""The plan list as XLSX: the same plans and figures as /plans, with the same filters (year, as-of)."""

from __future__ import annotations

import io
from datetime import date
from decimal import ROUND_DOWN, Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from tracker.formatting import fmt_date
from tracker.plans.models import Plan
from tracker.rules.rollup import Counts
from tracker.rules.status import Box
from tracker.tasks.export import date_cell, header_row, text, text_cell, write_heading

HEADERS = [
    "Loại văn bản",
    "Số, ký hiệu",
    "Ngày ban hành",
    "Năm",
    "Trích yếu",
    "Cơ quan ban hành",
    "Trạng thái",
    "Tổng số phần việc",
    "Đã hoàn thành",
    "Tỷ lệ hoàn thành",
    "Quá hạn chưa hoàn thành",
]
RATE_FORMAT = "0.00%"


def _rate_cell(ws, counts: Counts) -> WriteOnlyCell:
    """The rate cut (not rounded) to two decimals of a percent, as the pages show it (87,23%)."""
    rate = counts.rate_all
    if rate is None:
        return text_cell(ws, "–", multiline=False)
    value = (Decimal(rate.numerator) / Decimal(rate.denominator)).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    cell = WriteOnlyCell(ws, float(value))
    cell.number_format = RATE_FORMAT
    return cell


def _plan_row(ws, plan: Plan, c: Counts) -> list:
    return [
        plan.doc_type.label,
        text(plan.number, multiline=False),
        date_cell(ws, plan.issued_on),
        plan.year,
        text(plan.title),
        text(plan.issuer.name, multiline=False),
        plan.status.label,
        c.total,
        c.completed,
        _rate_cell(ws, c),
        c[Box.OPEN_OVERDUE],
    ]


def plan_workbook(plans: list[Plan], counts: dict[int, Counts], year: int | None, as_of: date) -> io.BytesIO:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Kế hoạch, văn bản")
    filters = [f"Năm: {year}"] if year else []
    write_heading(ws, f"Danh sách kế hoạch, văn bản, tiến độ tính đến ngày {fmt_date(as_of)}", as_of, filters)
    ws.append(header_row(ws, HEADERS))
    for plan in plans:
        ws.append(_plan_row(ws, plan, counts.get(plan.id, Counts())))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out
