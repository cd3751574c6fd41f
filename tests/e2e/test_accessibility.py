"""Accessibility in chromium (issue 15, item 14): axe-core (the copy axe-playwright-python ships, injected
from the local package: nothing fetched) on the main pages at both widths as the role that uses each,
failing on any serious or critical violation; the trend chart's bars named with their figures; and the
pages worked by keyboard alone, with a focus that shows."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.artefacts import new_page, shot
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = {"serious", "critical"}

# (role, page): each main page as the person whose journey it serves.
PAGES = [
    (None, "/login"),
    ("giamdoc", "/dashboard"),
    ("vanphong", "/board"),
    ("giamdoc", "/plans"),
    ("vanphong", "/plans/1"),
    ("vanphong", "/tasks"),
    ("truongphong", "/tasks/{unit_task}"),
    ("truongphong", "/unit"),
    ("chuyenvien", "/me"),
    ("giamdoc", "/search?q=so+hoa"),
    ("truongphong", "/notifications"),
    ("vanphong", "/reports"),
]


def blocking(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:5]]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def _unit_task(page) -> str:
    """The id of a task the signed-in unit head may update (the unit leads it)."""
    page.goto("/unit")
    links = page.locator("section[data-testid^='group-'] a[href^='/tasks/']")
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        page.goto(href)
        if page.get_by_role("button", name="Lưu cập nhật").count():
            return href.rsplit("/", 1)[-1]
    pytest.fail("the unit has no task to update")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_axe_finds_no_serious_violation_on_the_main_pages(browser, live_server, width):
    found: dict[str, list[str]] = {}
    by_role: dict[str | None, list[str]] = {}
    for role, path in PAGES:
        by_role.setdefault(role, []).append(path)
    for role, paths in by_role.items():
        page = new_page(browser, live_server, width)
        if role:
            sign_in(page, role)
        for path in paths:
            if "{unit_task}" in path:
                path = path.format(unit_task=_unit_task(page))
            assert page.goto(path).status == 200, path
            if problems := blocking(page):
                found[f"{role} {path}"] = problems
        page.context.close()
    assert found == {}


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_axe_finds_no_serious_violation_in_the_open_menus(browser, live_server, width):
    """What axe cannot see while it is folded: the collapsed menu, the dropdowns, the phone's filter."""
    page = new_page(browser, live_server, width)
    sign_in(page, "admin")
    page.goto("/tasks")
    if width == "phone":
        page.locator("details.filter-fold > summary").click()
        page.get_by_role("button", name="Mở menu").click()
        page.locator("#nav.show").wait_for()
    page.get_by_test_id("admin-menu").click()
    assert page.get_by_role("link", name="Nhật ký").is_visible()
    assert blocking(page) == []
    page.get_by_test_id("user-menu").click()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert blocking(page) == []
    shot(page, "menus-open")
    page.context.close()


def test_the_trend_chart_names_each_bar_with_its_figures(page):
    sign_in(page, "giamdoc")
    page.goto("/dashboard")
    table = page.locator("table.visually-hidden tr").all()[1:]
    figures = {row.locator("td").nth(0).inner_text(): [row.locator("td").nth(i).inner_text() for i in (1, 2, 3)] for row in table}
    bars = page.get_by_test_id("trend").get_by_role("link")
    assert bars.count() == len(figures) > 0
    for i in range(bars.count()):
        name = bars.nth(i).get_attribute("aria-label")
        month, rest = name.split(": ", 1)
        on_time, late, due = figures[month]
        assert rest == f"{on_time} hoàn thành đúng hạn, {late} hoàn thành quá hạn, {due} đến hạn"
    late_bars = page.get_by_test_id("trend").get_by_role("img", name=re.compile("hoàn thành quá hạn$"))
    assert late_bars.count() == len(figures)


FOCUSED = """() => {
  const el = document.activeElement, cs = getComputedStyle(el), r = el.getBoundingClientRect();
  const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
  return {text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim(), tag: el.tagName,
          label: el.labels && el.labels[0] ? el.labels[0].innerText.trim() : '', ring, seen: r.width > 1 && r.height > 1};
}"""


def tab_to(page, matches, limit: int = 60) -> dict:
    """Press Tab until the focused element matches; every stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["seen"] and focused["ring"], f"focus not visible on {focused}"
        if matches(focused):
            return focused
    pytest.fail("not reachable by keyboard")


def test_keyboard_reaches_the_skip_link_and_the_administrators_menu(browser, live_server):
    page = new_page(browser, live_server, "desktop")
    sign_in(page, "admin")
    page.goto("/dashboard")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Bỏ qua, đến nội dung chính"
    assert page.evaluate(FOCUSED)["seen"]
    tab_to(page, lambda f: f["text"] == "Quản trị")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUSED)["text"] == "Đơn vị" and page.evaluate(FOCUSED)["ring"]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/admin/units"))
    page.context.close()


def test_keyboard_opens_the_phone_menu_and_follows_a_link(browser, live_server):
    page = new_page(browser, live_server, "phone")
    sign_in(page, "truongphong")
    page.goto("/unit")
    tab_to(page, lambda f: f["text"] == "Mở menu" and f["tag"] == "BUTTON")  # the toggler: an icon, named by aria-label
    page.keyboard.press("Enter")
    page.locator("#nav.show").wait_for()
    tab_to(page, lambda f: f["text"] == "Việc của tôi")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/me"))
    page.context.close()


def test_keyboard_alone_updates_a_task_and_filters_the_list(browser, live_server):
    page = new_page(browser, live_server, "desktop")
    sign_in(page, "truongphong")
    page.goto(f"/tasks/{_unit_task(page)}")
    tab_to(page, lambda f: f["label"] == "Kết quả thực hiện")
    page.keyboard.press("Control+a")
    page.keyboard.type("Đã gửi dự thảo, chờ ý kiến.")
    tab_to(page, lambda f: f["text"] == "Lưu cập nhật", limit=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Đã cập nhật tình hình thực hiện.").is_visible()
    assert "Đã gửi dự thảo, chờ ý kiến." in page.locator("dl").inner_text()

    page.goto("/tasks")
    tab_to(page, lambda f: f["label"] == "Tìm")
    page.keyboard.type("hồ sơ")
    tab_to(page, lambda f: f["text"] == "Lọc", limit=4)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=h" in page.url
    page.context.close()
