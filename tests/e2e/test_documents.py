"""A long export in the browser (tracker/documents): văn phòng clicks *Xuất Excel*, lands on *Tệp đã
xuất*, the page follows the build by itself and offers the file, which opens as the list."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from tests.e2e.conftest import LIVE, sign_in
from tracker import clock
from tracker.documents.jobs import build_pending


def test_a_long_export_is_built_in_the_background_and_downloaded_when_ready(page, browser, live_server, monkeypatch, tmp_path):
    monkeypatch.setattr("tracker.tasks.export.EXPORT_INLINE_ROWS", 5)
    sign_in(page, "vanphong")
    page.goto("/tasks")
    page.get_by_role("link", name="Xuất Excel (XLSX)").click()
    page.wait_for_url("**/documents?new=*")
    row = page.locator("[data-testid^=document-]").first
    assert "Đang chờ" in row.inner_text()
    assert "nhiệm vụ, tình trạng tính đến ngày 02/06/2025" in row.inner_text()

    with LIVE["app"].app_context():
        assert build_pending(clock.now())[0].endswith("byte)")
    page.get_by_role("link", name="Tải về").wait_for(timeout=15_000)  # the page refreshes itself every 5 s
    assert "Đã xong" in row.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về").click()
    assert download.value.suggested_filename == "nhiem-vu-20250602.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet["A4"].value == "Kế hoạch" and sheet.max_row > 5 + 4
    page.screenshot(path=str(tmp_path / "documents.png"), full_page=True)

    phone = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 375, "height": 800})
    small = phone.new_page()
    sign_in(small, "vanphong")
    small.goto("/documents")
    assert small.evaluate("document.documentElement.scrollWidth") <= 375
    small.screenshot(path=str(tmp_path / "documents-phone.png"), full_page=True)
    phone.close()
