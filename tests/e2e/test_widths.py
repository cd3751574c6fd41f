"""The three journeys of journeys.md at a desktop's 1366 px and a phone's 375 px (issue 15, item 3 and
its Tests section), with a screenshot of every step kept as a test artefact (tests/e2e/artefacts.py says
where), and the phone's pages asserted not to scroll sideways."""

import re

import pytest

from tests.e2e.artefacts import go, new_page, shot, sideways
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

BOTH = pytest.mark.parametrize("width", ["desktop", "phone"])


def _fits(page, what: str) -> None:
    if page.viewport_size["width"] < 768:
        assert sideways(page) == [], what


def _cards(page, table) -> None:
    """At phone width a list's rows are cards: the row is a block, its header row out of sight."""
    row = table.locator("tbody tr").first
    display = row.evaluate("el => getComputedStyle(el).display")
    header = table.locator("thead").evaluate("el => el.getBoundingClientRect().width")
    if page.viewport_size["width"] < 768:
        assert display == "block" and header <= 1
    else:
        assert display == "table-row" and header > 300


def _upload_folds(page, width: str) -> None:
    """The plan page's upload form: folded on a phone so that the figures come first, one tap opens it;
    open on a desktop, where its summary is hidden."""
    fold = page.get_by_test_id("plan-document-upload")
    upload = page.get_by_test_id("plan-documents").get_by_role("button", name="Tải lên", exact=True)
    summary = fold.locator("summary")
    assert fold.evaluate("el => el.open") == (width == "desktop")
    assert upload.is_visible() == (width == "desktop")
    if width == "phone":
        assert summary.inner_text().startswith("Tải lên văn bản kế hoạch")
        headline = page.get_by_test_id("headline")
        folded = headline.bounding_box()["y"]
        summary.click()
        assert upload.is_visible()
        assert headline.bounding_box()["y"] > folded + 100  # open, the form would push the figures down
        summary.click()
    else:
        assert not summary.is_visible()


@BOTH
def test_director_reads_the_figure_clicks_through_and_reads_a_history(browser, live_server, width):
    page = new_page(browser, live_server, width)
    sign_in(page, "giamdoc")
    assert "/dashboard" in page.url
    shot(page, "director-1-dashboard")
    _fits(page, "dashboard")
    go(page, "Kế hoạch, văn bản")
    shot(page, "director-2-plans")
    _fits(page, "plans")
    page.get_by_role("link", name="Kế hoạch số 01/KH.CCHC-STTTT").click()
    page.get_by_label("Số liệu tính đến ngày").fill("15/12/2023")
    page.get_by_role("button", name="Tính lại").click()
    assert "Đã thực hiện 41/47 phần việc, đạt tỷ lệ 87,23%" in page.get_by_test_id("headline").inner_text()
    _cards(page, page.get_by_test_id("task-tree"))
    _upload_folds(page, width)
    shot(page, "director-3-plan")
    _fits(page, "plan detail")
    page.get_by_test_id("count-open_overdue").click()
    page.wait_for_url(re.compile(r"/tasks\?"))
    assert page.get_by_test_id("total").inner_text() == "3 nhiệm vụ"
    rows = page.locator("tbody tr")
    assert rows.count() == 3 and all("Đang thực hiện quá hạn" in rows.nth(i).inner_text() for i in range(3))
    _cards(page, page.locator("table.table-cards"))
    # The filter folds away on a phone, and opens with one tap; it is open on a desktop.
    fold = page.locator("details.filter-fold")
    assert fold.evaluate("el => el.open") == (width == "desktop")
    assert page.get_by_label("Đơn vị chủ trì").is_visible() == (width == "desktop")
    shot(page, "director-4-overdue-tasks")
    _fits(page, "task list")
    if width == "phone":
        fold.locator("summary").click()
        assert page.get_by_label("Đơn vị chủ trì").is_visible()
        shot(page, "director-5-filter-open")
        _fits(page, "task list, filter open")
    rows.first.get_by_role("link").click()
    assert page.get_by_test_id("journal").is_visible()
    assert page.get_by_test_id("journal").locator("tbody tr").count() >= 1
    shot(page, "director-6-task-history")
    _fits(page, "task page")
    page.context.close()


def _open_a_task_the_unit_updates(page) -> None:
    """From the unit's page, open one of its open tasks that offers the update form (one it leads; the
    page also lists those it cooperates on). The browser tests share one database: take the first left."""
    links = page.locator('[data-testid="group-open_overdue"] a, [data-testid="group-open_in_time"] a')
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        page.goto(href)
        if page.get_by_role("button", name="Lưu cập nhật").count():
            return
    pytest.fail("the unit has no open task left to update")


@BOTH
def test_unit_head_updates_on_the_cards_reports_done_and_the_office_confirms(browser, live_server, width):
    page = new_page(browser, live_server, width)
    sign_in(page, "truongphong")
    assert "/unit" in page.url and page.get_by_role("heading", name=re.compile("Việc của đơn vị")).is_visible()
    _cards(page, page.locator("section[data-testid^='group-'] table").first)
    shot(page, "unit-head-1-unit")
    _fits(page, "unit page")
    # The quick update on a card (or a row, at desktop width).
    quick = page.locator("form[aria-label^='Cập nhật nhanh']").first
    quick.get_by_label("Tiến độ (%)").fill("60")
    quick.get_by_role("button", name="Lưu").click()
    assert page.get_by_text("Đã cập nhật tình hình thực hiện.").is_visible()
    assert "/unit" in page.url

    _open_a_task_the_unit_updates(page)
    # The update form comes before the journal.
    form_y = page.get_by_role("button", name="Lưu cập nhật").bounding_box()["y"]
    assert form_y < page.get_by_test_id("journal").bounding_box()["y"]
    shot(page, "unit-head-2-task")
    _fits(page, "task page")
    page.get_by_label("Trạng thái").select_option(label="Hoàn thành")
    page.get_by_label("Kết quả thực hiện").fill("Đã hoàn thành, văn bản số 46/SNV-CCHC")
    page.get_by_role("button", name="Lưu cập nhật").click()
    assert page.get_by_text("Đã cập nhật tình hình thực hiện.").is_visible()
    assert "Chờ xác nhận" in page.get_by_test_id("task-state").inner_text()
    title = page.locator("h1").inner_text().split(". ", 1)[-1]
    shot(page, "unit-head-3-reported")
    page.context.close()

    office = new_page(browser, live_server, width)
    sign_in(office, "vanphong")
    go(office, "Điều phối")
    shot(office, "office-1-board")
    _fits(office, "board")
    office.get_by_test_id("confirm").get_by_role("link", name=title).click()
    office.get_by_role("button", name="Xác nhận hoàn thành").click()
    assert office.get_by_text("Đã xác nhận hoàn thành.").is_visible()
    shot(office, "office-2-confirmed")
    office.context.close()


@BOTH
def test_office_creates_a_plan_with_a_task_and_nudges_a_late_unit(browser, live_server, width):
    page = new_page(browser, live_server, width)
    sign_in(page, "vanphong")
    number = {"desktop": "11/KH-SNV", "phone": "12/KH-SNV"}[width]
    go(page, "Kế hoạch, văn bản")
    page.get_by_role("link", name="Thêm kế hoạch / văn bản").click()
    page.get_by_label("Số ký hiệu").fill(number)
    page.get_by_label("Trích yếu").fill("Kế hoạch kiểm tra công vụ năm 2025")
    page.get_by_label("Cơ quan ban hành").select_option(label="Sở Nội vụ tỉnh Bắc Giang")
    page.get_by_label("Ngày ban hành").fill("03/03/2025")
    shot(page, "office-3-plan-form")
    _fits(page, "plan form")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_role("heading", name=f"Kế hoạch số {number}").is_visible()
    page.get_by_role("link", name="Thêm nhiệm vụ").click()
    page.get_by_label("Tên nhiệm vụ / phần việc").fill("Kiểm tra công vụ tại các phòng")
    page.get_by_label("Đơn vị chủ trì").select_option(label="Thanh tra Sở")
    page.get_by_label("Thời hạn theo văn bản").fill("Quý III/2025")
    _fits(page, "task form")
    page.get_by_role("button", name="Lưu", exact=True).click()
    row = page.locator("tr", has_text="Kiểm tra công vụ tại các phòng")
    assert "30/09/2025" in row.inner_text() and "Quý III/2025" in row.inner_text()
    _cards(page, page.get_by_test_id("task-tree"))
    shot(page, "office-4-plan-with-task")
    _fits(page, "new plan")

    go(page, "Điều phối")
    nudge = page.get_by_test_id("chase").get_by_role("button", name=re.compile("^Đôn đốc"))
    assert nudge.count(), "no late task offers a nudge"
    nudge.first.click()
    assert page.get_by_text(re.compile(r"Đã gửi đôn đốc .*người nhận")).is_visible()
    shot(page, "office-5-nudged")
    page.context.close()


PHONE_PAGES = [
    (
        "giamdoc",
        ["/dashboard", "/plans", "/plans/1", "/plans/2", "/tasks", "/tasks?box=open_overdue", "/search?q=so+hoa", "/reports"],
    ),
    ("vanphong", ["/board", "/plans/1", "/tasks", "/unit", "/me", "/tasks/5", "/notifications"]),
    ("truongphong", ["/unit", "/me", "/tasks/5", "/notifications"]),
    ("chuyenvien", ["/me", "/unit"]),
]


@pytest.mark.parametrize(("username", "paths"), PHONE_PAGES, ids=[u for u, _ in PHONE_PAGES])
def test_no_page_scrolls_sideways_at_375_px(browser, live_server, username, paths):
    page = new_page(browser, live_server, "phone")
    sign_in(page, username)
    for path in paths:
        assert page.goto(path).status == 200, path
        shot(page, f"page-{username}-{path.strip('/').replace('/', '-') or 'home'}")
        assert sideways(page) == [], (username, path)
    page.context.close()


def _someone_with_unread_notifications(browser, live_server):
    """A phone-width page signed in as someone with unread notifications; if nobody has any yet (the
    browser tests share one database, in any order), the office nudges a late task first."""
    for attempt in range(2):
        for username in ("vanphong", "truongphong", "tp.ccvc", "tp.vanphong", "giamdoc"):
            page = new_page(browser, live_server, "phone")
            sign_in(page, username)
            if page.get_by_test_id("unread-collapsed").count():
                return page, username
            page.context.close()
        if attempt == 0:
            office = new_page(browser, live_server, "desktop")
            sign_in(office, "vanphong")
            office.goto("/board")
            office.get_by_test_id("chase").get_by_role("button", name=re.compile("^Đôn đốc")).first.click()
            office.context.close()
    pytest.fail("nobody has an unread notification, even after a nudge")


def test_the_unread_badge_shows_beside_the_collapsed_menu(browser, live_server):
    page, username = _someone_with_unread_notifications(browser, live_server)
    badge = page.get_by_test_id("unread-collapsed")
    assert badge.is_visible() and page.get_by_role("button", name="Mở menu").is_visible()
    assert re.search(r"\d+", badge.inner_text())
    # On one line with the brand and the toggler.
    toggler = page.get_by_role("button", name="Mở menu").bounding_box()
    assert abs(badge.bounding_box()["y"] + badge.bounding_box()["height"] / 2 - (toggler["y"] + toggler["height"] / 2)) < 8
    assert page.locator(".navbar").bounding_box()["height"] < 70
    page.context.close()
    desktop = new_page(browser, live_server, "desktop")
    sign_in(desktop, username)
    assert not desktop.get_by_test_id("unread-collapsed").is_visible()
    assert desktop.get_by_test_id("unread").is_visible()
    desktop.context.close()


@pytest.mark.parametrize("username", ["admin", "vanphong", "giamdoc", "truongphong", "chuyenvien"])
def test_the_navbar_does_not_wrap_at_1366_px(browser, live_server, username):
    page = new_page(browser, live_server, "desktop")
    sign_in(page, username)
    bar = page.locator(".navbar")
    assert bar.bounding_box()["height"] < 70, "the navbar wraps onto a second line"
    assert sideways(page) == [] and page.evaluate("document.scrollingElement.scrollWidth") <= 1366
    if username == "admin":
        # The administrator's pages are in one menu.
        assert not page.get_by_role("link", name="Cơ quan ban hành").is_visible()
        page.get_by_test_id("admin-menu").click()
        page.get_by_role("link", name="Cơ quan ban hành").click()
        page.wait_for_url(re.compile("/issuers"))
    shot(page, f"navbar-{username}")
    page.context.close()


def test_screenshots_are_written_where_the_readme_says(browser, live_server, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_ARTEFACTS", str(tmp_path / "shots"))
    page = new_page(browser, live_server, "phone")
    page.goto("/login")
    path = shot(page, "login")
    assert path == tmp_path / "shots" / "375-login.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.context.close()
