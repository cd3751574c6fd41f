"""Văn phòng's report journey in a real browser: from the board to an issued Báo cáo."""

import re
import unicodedata

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_office_types_a_section_previews_downloads_and_issues_the_report(page, tmp_path):
    from pypdf import PdfReader

    sign_in(page, "vanphong")
    page.goto("/board")
    page.get_by_role("link", name="Lập báo cáo").click()
    page.wait_for_url(re.compile(r"/reports/new"))
    page.get_by_label("Phạm vi báo cáo").select_option("plan")
    page.get_by_label("Kế hoạch, văn bản").select_option(label="01/KH.CCHC-STTTT (năm 2023)")
    page.get_by_label("Ngày chốt số liệu").fill("15/12/2023")
    page.get_by_label("Kết quả đạt được").fill(
        "Sở đã hoàn thành các nhiệm vụ trọng tâm.\n- Ứng dụng hiệu quả hệ thống quản lý văn bản;"
    )
    page.get_by_role("button", name="Lưu dự thảo và xem trước").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    preview = page.get_by_test_id("report-preview")
    text = preview.inner_text()
    assert "đã thực hiện 41/47 phần việc" in text and "87,23%" in text
    assert "- Ứng dụng hiệu quả hệ thống quản lý văn bản;" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải PDF").click()
    pdf = tmp_path / "draft.pdf"
    info.value.save_as(pdf)
    words = unicodedata.normalize("NFC", " ".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert "41/47" in words and "Ứng dụng hiệu quả hệ thống quản lý văn bản" in " ".join(words.split())

    page.get_by_label("Số báo cáo").fill("21")
    page.get_by_role("button", name="Ban hành").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    assert "Đã ban hành báo cáo số 21/BC-SNV" in page.locator(".alert-success").inner_text()
    assert "Đã ban hành: số 21/BC-SNV" in page.get_by_test_id("report-state").inner_text()
    assert page.get_by_test_id("issue-form").count() == 0
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải PDF").click()
    issued = tmp_path / "issued.pdf"
    info.value.save_as(issued)
    issued_text = " ".join(" ".join(p.extract_text() for p in PdfReader(issued).pages).split())
    assert "Số: 21/BC-SNV" in issued_text and "41/47" in issued_text
