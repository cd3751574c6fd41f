"""Văn phòng imports a plan in the browser: upload, fix the unit the preview flags, confirm, land on the
plan. And a PDF with a text layer, printed by chromium, read by the same rules."""

from __future__ import annotations

import io
import re

import docx
import pytest

from tests.e2e.conftest import sign_in
from tracker.imports.parse_files import parse_file

pytestmark = pytest.mark.browser

PLAN_LINES = [
    ("SỞ NỘI VỤ", None),
    ("Số: 77/KH-SNV", None),
    ("Bắc Giang, ngày 12 tháng 5 năm 2025", None),
    ("KẾ HOẠCH", None),
    ("Kiểm tra công tác văn thư, lưu trữ năm 2025", None),
    ("NỘI DUNG", "I."),
    ("Kiểm tra việc lập hồ sơ công việc (Đơn vị thực hiện: Trung tâm Lưu trữ lịch sử; thời gian thực hiện: Quý II/2025)", "1."),
    ("Tập huấn nghiệp vụ văn thư cho các phòng", "2."),
    ("Đơn vị chủ trì: Phòng Văn thư cũ", "-"),
    ("Thời gian thực hiện: Quý III/2025", "-"),
]


def _docx() -> bytes:
    document = docx.Document()
    for text, label in PLAN_LINES:
        document.add_paragraph(f"{label} {text}" if label else text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_office_uploads_fixes_a_flagged_unit_confirms_and_lands_on_the_plan(page, tmp_path):
    path = tmp_path / "KH 77 văn thư.docx"
    path.write_bytes(_docx())
    sign_in(page, "vanphong")
    page.get_by_role("link", name="Nhập từ tệp").click()
    page.get_by_label("Tệp kế hoạch").set_input_files(str(path))
    page.get_by_test_id("read").click()
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    assert "Sẽ tạo: 2 nhiệm vụ" in page.get_by_test_id("counts").inner_text()
    flagged = page.locator('[data-testid="row"].table-warning')
    assert flagged.count() == 1
    assert "Phòng Văn thư cũ" in flagged.inner_text() and "Chưa xác định đơn vị chủ trì" in flagged.inner_text()
    flagged.get_by_test_id("lead").select_option(label="Văn phòng Sở")
    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    assert "Kế hoạch số 77/KH-SNV" in page.locator("h1").inner_text()
    body = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    assert "Tập huấn nghiệp vụ văn thư cho các phòng" in body and "Kiểm tra việc lập hồ sơ công việc" in body


def test_a_pdf_with_a_text_layer_reads_as_the_document(browser, tmp_path):
    html = (
        "<html><body style='font-family: serif'>"
        + "".join(f"<p>{label + ' ' if label else ''}{text}</p>" for text, label in PLAN_LINES)
        + "</body></html>"
    )
    context = browser.new_context()
    pg = context.new_page()
    pg.set_content(html)
    data = pg.pdf(format="A4")
    context.close()
    kind, doc = parse_file("kh77.pdf", data, 10 * 1024 * 1024)
    assert kind == "pdf" and doc.number == "77/KH-SNV" and doc.issued_on == "2025-05-12"
    assert [(t.title, t.lead_text, t.deadline_text) for t in doc.tasks] == [
        ("Kiểm tra việc lập hồ sơ công việc", "Trung tâm Lưu trữ lịch sử", "Quý II/2025"),
        ("Tập huấn nghiệp vụ văn thư cho các phòng", "Phòng Văn thư cũ", "Quý III/2025"),
    ]
    assert doc.tasks[0].source.startswith("trang 1")


def test_seed_004_printed_to_pdf_reads_as_the_text_does(browser):
    from tests.imports.builders import seed_004, seed_004_html
    from tracker.imports.parse_structure import parse_blocks
    from tracker.imports.parse_text import text_blocks

    context = browser.new_context()
    pg = context.new_page()
    pg.set_content(seed_004_html())
    data = pg.pdf(format="A4")
    context.close()
    _, doc = parse_file("kh25.pdf", data, 10 * 1024 * 1024)
    ref = parse_blocks(text_blocks(seed_004()))

    def shape(d):
        return [(t.title[:50], t.lead_text, t.coop_text, t.deadline_text, t.duty) for t in d.tasks]

    assert shape(doc) == shape(ref)  # lines wrapped by the page joined again, the appendix tables read as tables
    appendix = [i for i in doc.indicators if i.group]
    assert appendix[0].monitor_text == "Văn phòng Sở"
    # Chromium breaks Phụ lục 1's last row over two pages: the two halves are one row again.
    assert len(appendix) == 12
    assert appendix[11].text.startswith("Ban hành quy định") and appendix[11].lead_text.endswith("có thủ tục hành chính.")
