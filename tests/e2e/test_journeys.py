"""The journeys of domain.md in a real browser."""

import re

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_director_reads_the_report_figure_and_clicks_through_to_the_overdue_tasks(page, tmp_path):
    sign_in(page, "giamdoc")
    assert "/dashboard" in page.url
    page.get_by_role("link", name="Kế hoạch, văn bản").click()
    page.get_by_role("link", name="Kế hoạch số 01/KH.CCHC-STTTT").click()
    page.get_by_label("Số liệu tính đến ngày").fill("15/12/2023")
    page.get_by_role("button", name="Tính lại").click()
    headline = page.get_by_test_id("headline")
    assert "Đã thực hiện 41/47 phần việc, đạt tỷ lệ 87,23%" in headline.inner_text()
    assert page.get_by_test_id("rate-due").inner_text() == "93,18%"
    page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)
    overdue = page.get_by_test_id("count-open_overdue")
    assert overdue.inner_text().strip().endswith("3")
    overdue.click()
    page.wait_for_url(re.compile(r"/tasks\?"))
    assert page.get_by_test_id("total").inner_text() == "3 nhiệm vụ"
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    for i in range(3):
        assert "Đang thực hiện quá hạn" in rows.nth(i).inner_text()


def test_unit_head_reports_done_and_the_office_confirms(page, browser, live_server):
    sign_in(page, "truongphong")
    assert "/unit" in page.url
    assert page.get_by_role("heading", name=re.compile("Việc của đơn vị")).is_visible()
    task_link = page.locator('[data-testid="group-open_overdue"] a').first
    title = task_link.inner_text()
    task_link.click()
    page.get_by_label("Trạng thái").select_option(label="Hoàn thành")
    page.get_by_label("Kết quả thực hiện").fill("Đã hoàn thành, văn bản số 45/SNV-CCHC")
    page.get_by_role("button", name="Lưu cập nhật").click()
    assert page.get_by_text("Đã cập nhật tình hình thực hiện.").is_visible()
    assert "Chờ xác nhận" in page.get_by_test_id("task-state").inner_text()
    task_url = page.url

    office = browser.new_context(base_url=live_server).new_page()
    sign_in(office, "vanphong")
    office.goto(task_url)
    office.get_by_role("button", name="Xác nhận hoàn thành").click()
    assert office.get_by_text("Đã xác nhận hoàn thành.").is_visible()
    journal = office.get_by_test_id("journal").inner_text()
    assert "Đã xác nhận" in journal and "Trần Văn Nam" in journal
    assert title.split(". ", 1)[-1][:20] in office.locator("h1").inner_text()
    office.context.close()


def test_office_creates_a_plan_and_sees_errors_next_to_fields(page):
    sign_in(page, "vanphong")
    page.goto("/plans/new")
    page.get_by_label("Số ký hiệu").fill("05 KH UBND")
    page.get_by_label("Trích yếu").fill("Kế hoạch kiểm tra công vụ năm 2025")
    page.get_by_label("Cơ quan ban hành").select_option(label="Sở Nội vụ tỉnh Bắc Giang")
    page.get_by_label("Ngày ban hành").fill("30/02/2025")
    page.get_by_role("button", name="Lưu").click()
    assert "Ngày 30/02/2025 không tồn tại." in page.get_by_test_id("error-issued_on").inner_text()
    page.get_by_label("Ngày ban hành").fill("03/03/2025")
    page.get_by_role("button", name="Lưu").click()
    assert "không đúng thể thức" in page.get_by_test_id("error-number").inner_text()
    page.get_by_label("Số ký hiệu").fill("09/KH-SNV")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_role("heading", name="Kế hoạch số 09/KH-SNV").is_visible()
    page.get_by_role("link", name="Thêm nhiệm vụ").click()
    page.get_by_label("Tên nhiệm vụ / phần việc").fill("Kiểm tra công vụ tại các phòng")
    page.get_by_label("Đơn vị chủ trì").select_option(label="Thanh tra Sở")
    page.get_by_label("Thời hạn theo văn bản").fill("Quý III/2025")
    page.get_by_role("button", name="Lưu", exact=True).click()
    row = page.locator("tr", has_text="Kiểm tra công vụ tại các phòng")
    assert "30/09/2025" in row.inner_text() and "Quý III/2025" in row.inner_text()


def test_pages_fit_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, "giamdoc")
    for url in ("/dashboard", "/plans", "/plans/1", "/unit", "/tasks"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (url, overflow)
    context.close()


def test_assets_are_served_locally(page, live_server):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, "giamdoc")
    page.goto("/plans/1")
    assert requests and all(u.startswith(live_server) for u in requests), [u for u in requests if not u.startswith(live_server)]
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"  # Bootstrap's CSS applied


HEADS = {"truongphong": "Trần Văn Nam", "tp.ccvc": "Phạm Quốc Bảo", "tp.vanphong": "Đỗ Minh Tuấn"}


def _open_a_task_that_offers_an_extension(page) -> str:
    """Sign in as a unit head and open one of the unit's open tasks that offers the request form: one the
    unit leads (its page also lists those it cooperates on), not already waiting for a decision. The
    browser tests share one database, so which tasks are left depends on the tests before."""
    for username in HEADS:
        page.context.clear_cookies()
        sign_in(page, username)
        links = page.locator('[data-testid="group-open_overdue"] a, [data-testid="group-open_in_time"] a')
        for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
            page.goto(href)
            waiting = page.locator('[data-testid^="extension-"]', has_text="Chờ duyệt").count()
            if page.get_by_label("Thời hạn đề nghị").count() and not waiting:
                return username
    pytest.fail("no open task of the demo offers an extension request")


def test_director_approves_an_extension_from_the_dashboard_list(page, browser, live_server):
    # A unit head asks for an extension of one of the unit's open tasks…
    head = _open_a_task_that_offers_an_extension(page)
    title = page.locator("h1").inner_text().split(". ", 1)[-1]
    task_url = page.url
    page.get_by_label("Thời hạn đề nghị").fill("31/12/2025")
    page.get_by_label("Lý do").fill("Chờ số liệu của Bộ Nội vụ.")
    page.get_by_role("button", name="Gửi đề nghị").click()
    assert page.get_by_text("Đã gửi đề nghị gia hạn.").is_visible()

    # …and the director finds it on his home page and approves it there, in one step.
    director = browser.new_context(base_url=live_server).new_page()
    sign_in(director, "giamdoc")
    assert "/dashboard" in director.url
    row = director.get_by_test_id("pending-extensions").locator("li", has_text=title)
    assert "đề nghị 31/12/2025" in row.inner_text() and "Chờ số liệu của Bộ Nội vụ." in row.inner_text()
    assert HEADS[head] in row.inner_text()
    row.get_by_label("Ý kiến (bắt buộc khi không duyệt)").fill("Đồng ý gia hạn.")
    row.get_by_role("button", name=re.compile(r"^Duyệt gia hạn")).click()
    director.wait_for_url(re.compile(r"/dashboard"))
    assert director.get_by_text("Đã duyệt gia hạn.").is_visible()
    assert director.get_by_test_id("pending-extensions").locator("li", has_text=title).count() == 0

    director.goto(task_url)
    assert "31/12/2025" in director.get_by_test_id("deadline").inner_text()
    director.context.close()
