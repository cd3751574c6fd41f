"""The downloadable Excel template: the columns the import reads, in the order offices fill them."""

from __future__ import annotations

import io

TEMPLATE_COLUMNS = ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm", "Ghi chú"]
EXAMPLE = [
    ["I", "Công tác chỉ đạo, điều hành", "", "", "", "", ""],
    ["1", "Ban hành kế hoạch triển khai", "Văn phòng Sở", "Các phòng, đơn vị thuộc Sở", "Quý I/2025", "Kế hoạch", ""],
    ["2", "Báo cáo kết quả thực hiện", "Văn phòng Sở", "", "Trước ngày 15 của tháng cuối quý", "Báo cáo", ""],
]


def template_workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    ws.append(["KẾ HOẠCH (trích yếu)"])
    ws.append(["Số: ", "", "", "", "ngày    tháng    năm"])
    ws.append([])
    ws.append(TEMPLATE_COLUMNS)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in EXAMPLE:
        ws.append(row)
    for column, width in zip("ABCDEFG", (6, 60, 28, 28, 22, 20, 20), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
