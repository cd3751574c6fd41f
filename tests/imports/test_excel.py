"""Excel workbooks built with openpyxl: the template, and the layouts offices keep."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.imports.builders import workbook
from tests.imports.conftest import office_user, unit_named
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.imports import operations as ops
from tracker.imports.parse_files import parse_file
from tracker.imports.parse_model import ReadError
from tracker.imports.template import template_workbook
from tracker.rules.status import TaskStatus
from tracker.tasks.models import Task

LIMIT = 5 * 1024 * 1024

OFFICE_LAYOUT = [
    ["UBND TỈNH BẮC GIANG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["SỞ NỘI VỤ", None, None, "Độc lập - Tự do - Hạnh phúc"],
    ["Số: 31/KH-SNV", None, None, "Bắc Giang, ngày 12 tháng 3 năm 2024"],
    ["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024"],
    [],
    ["STT", "Nội dung công việc", "Đơn vị", None, "Thời hạn", "Người thực hiện", "Tình trạng", "Ngày hoàn thành"],
    [None, None, "Chủ trì", "Phối hợp", None, None, None, None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
    ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", None, None, None, None, None, None],
    [
        1.0,
        "Ban hành kế hoạch CCHC năm 2024",
        "Văn phòng Sở",
        "Các phòng thuộc Sở",
        "Quý I/2024",
        None,
        "Đã hoàn thành",
        datetime(2024, 3, 5),
    ],
    ["1.1", "Kế hoạch tuyên truyền CCHC", "Văn phòng Sở", None, "Quý I/2024", None, "Đang thực hiện", None],
    ["a", "Xây dựng nội dung tuyên truyền", "Phòng CCHC", None, "Tháng 3/2024", None, None, None],
    ["-", "Đăng tin trên Cổng thông tin", None, None, "Thường xuyên", "Nguyễn Thị Hoa", None, None],
    [],
    ["II", "CẢI CÁCH THỂ CHẾ", None, None, None, None, None, None],
    [2, "Rà soát văn bản quy phạm pháp luật", "Thanh tra Sở", "Văn phòng Sở", "Quý II/2024", None, None, None],
    [3, "Kiểm tra việc thực hiện", None, None, "Quý III/2024", None, None, None],
    [4, "Tổng hợp kết quả kiểm tra", None, None, "Quý IV/2024", None, None, None],
    [5, "Việc không có nội dung", None, None, None, None, None, None],
    [6, None, "Thanh tra Sở", None, None, None, None, None],
]
OFFICE_MERGES = ["A4:H4", "A6:A7", "B6:B7", "C6:D6", "E6:E7", "F6:F7", "G6:G7", "H6:H7", "C16:C17"]


def test_the_template_reads_back_as_its_example():
    kind, doc = parse_file("mau.xlsx", template_workbook(), LIMIT)
    assert kind == "xlsx"
    assert [(t.ordinal, t.title, t.lead_text, t.deadline_text, t.product) for t in doc.tasks] == [
        ("I", "Công tác chỉ đạo, điều hành", "Văn phòng Sở", "", ""),
        ("1", "Ban hành kế hoạch triển khai", "Văn phòng Sở", "Quý I/2025", "Kế hoạch"),
        ("2", "Báo cáo kết quả thực hiện", "Văn phòng Sở", "Trước ngày 15 của tháng cuối quý", "Báo cáo"),
    ]
    assert doc.tasks[1].parent == doc.tasks[0].key and doc.tasks[1].coop_text == "Các phòng, đơn vị thuộc Sở"


def test_an_office_workbook_with_national_header_two_row_header_and_merges():
    _, doc = parse_file("ke-hoach.xlsx", workbook(OFFICE_LAYOUT, OFFICE_MERGES), LIMIT)
    assert (doc.number, doc.issued_on, doc.issuer_text) == ("31/KH-SNV", "2024-03-12", "Sở Nội vụ tỉnh Bắc Giang")
    rows = {t.title: t for t in doc.tasks}
    assert list(rows)[:2] == ["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "Ban hành kế hoạch CCHC năm 2024"]
    key = {t.title: t.key for t in doc.tasks}
    assert rows["Ban hành kế hoạch CCHC năm 2024"].parent == key["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"]
    assert rows["Kế hoạch tuyên truyền CCHC"].parent == key["Ban hành kế hoạch CCHC năm 2024"]  # "1.0" heads "1.1"
    assert rows["Xây dựng nội dung tuyên truyền"].parent == key["Kế hoạch tuyên truyền CCHC"]
    assert rows["Đăng tin trên Cổng thông tin"].parent == key["Xây dựng nội dung tuyên truyền"]
    assert rows["Rà soát văn bản quy phạm pháp luật"].parent == key["CẢI CÁCH THỂ CHẾ"]
    first = rows["Ban hành kế hoạch CCHC năm 2024"]
    assert (first.lead_text, first.coop_text, first.status_text, first.completed_text) == (
        "Văn phòng Sở",
        "Các phòng thuộc Sở",
        "Đã hoàn thành",
        "05/03/2024",
    )
    assert rows["Đăng tin trên Cổng thông tin"].person == "Nguyễn Thị Hoa"
    # A unit merged down over two rows belongs to both.
    assert rows["Kiểm tra việc thực hiện"].lead_text == "Thanh tra Sở"
    assert rows["Tổng hợp kết quả kiểm tra"].lead_text == ""
    assert [(s.source, s.reason) for s in doc.skipped] == [("Nhiệm vụ, dòng 20", "Dòng không có nội dung nhiệm vụ")]


def test_office_workbook_imports_with_state_and_person(app, department):
    with app.app_context():
        office = office_user()
        draft = ops.create_draft(
            actor=office, filename="ke-hoach.xlsx", data=workbook(OFFICE_LAYOUT, OFFICE_MERGES), max_bytes=LIMIT
        )
        db.session.commit()
        rows = {t["title"]: t for t in draft.data["tasks"]}
        thanh_tra, vp = unit_named("Thanh tra Sở").id, unit_named("Văn phòng Sở").id
        post = rows["Đăng tin trên Cổng thông tin"]
        assert (post["lead_unit_id"], post["assignee_id"]) == (vp, office.id)
        heading = rows["CẢI CÁCH THỂ CHẾ"]
        edits = [
            ops.TaskEdit(key=rows["Tổng hợp kết quả kiểm tra"]["key"], lead_unit_id=thanh_tra),
            ops.TaskEdit(key=heading["key"], lead_unit_id=thanh_tra),
            ops.TaskEdit(key=rows["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"]["key"], lead_unit_id=vp),
            ops.TaskEdit(key=rows["Việc không có nội dung"]["key"], drop=True),
        ]
        groups = {k: (True, g["unit_ids"]) for k, g in draft.data["groups"].items()}
        ops.edit_draft(draft, ops.DraftEdit({}, edits, groups), office)
        plan = ops.confirm_draft(draft, office, date(2024, 10, 1))
        db.session.commit()
        tasks = {t.title: t for t in db.session.scalars(select(Task).where(Task.plan_id == plan.id))}
        done = tasks["Ban hành kế hoạch CCHC năm 2024"]
        assert (done.status, done.completed_on) == (TaskStatus.DONE, date(2024, 3, 5))
        assert tasks["Kế hoạch tuyên truyền CCHC"].status is TaskStatus.IN_PROGRESS
        assert tasks["Đăng tin trên Cổng thông tin"].assignee_id == office.id
        assert tasks["Xây dựng nội dung tuyên truyền"].lead_unit.name == "Phòng Cải cách hành chính"
        assert tasks["Xây dựng nội dung tuyên truyền"].due_date == date(2024, 3, 31)


def test_columns_are_found_by_their_header_not_their_position():
    rows = [
        ["Ghi chú", "Thời gian thực hiện", "Đơn vị phối hợp", "Nhiệm vụ", "Cơ quan chủ trì", "TT"],
        ["", "Quý II/2025", "", "Việc A", "Văn phòng Sở", "1"],
    ]
    _, doc = parse_file("x.xlsx", workbook(rows), LIMIT)
    assert [(t.title, t.lead_text, t.deadline_text, t.ordinal) for t in doc.tasks] == [
        ("Việc A", "Văn phòng Sở", "Quý II/2025", "1")
    ]


def test_a_table_without_the_expected_columns_is_refused():
    rows = [["Họ tên", "Ngày sinh", "Quê quán"], ["Nguyễn Văn A", "01/01/1990", "Bắc Giang"]]
    with pytest.raises(ReadError, match="Không tìm thấy bảng nhiệm vụ"):
        parse_file("danh-sach.xlsx", workbook(rows), LIMIT)


def test_a_2000_row_workbook(app, department):
    rows = [["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm", "Ghi chú"]]
    for i in range(1, 2001):
        rows.append(
            [
                i,
                f"Nhiệm vụ số {i}",
                "Văn phòng Sở" if i % 2 else "Thanh tra Sở",
                "",
                f"Quý {['I', 'II', 'III', 'IV'][i % 4]}/2025",
                "",
                "",
            ]
        )
    _, doc = parse_file("lon.xlsx", workbook(rows), LIMIT)
    assert len(doc.tasks) == 2000 and doc.tasks[-1].title == "Nhiệm vụ số 2000"
    with app.app_context():
        draft = ops.create_draft(actor=office_user(), filename="lon.xlsx", data=workbook(rows), max_bytes=LIMIT)
        assert ops.problems(draft.data) == {} and len(draft.data["tasks"]) == 2000
        with pytest.raises(ValidationFailed):  # no number nor issue date in this workbook: said before anything is written
            ops.confirm_draft(draft, office_user(), date(2025, 1, 1))
        db.session.rollback()
