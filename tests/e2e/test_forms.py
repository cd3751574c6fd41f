"""Issue 15.5 and 15.12 in chromium: the cooperating units as a searchable multi-select (Tom Select, served
locally, under the CSP), and an upload over the limit refused before it is sent."""

import re

from tests.e2e.conftest import sign_in


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def _first_plan(page) -> str:
    page.goto("/plans")
    href = page.locator("a[href^='/plans/']").filter(has_text=re.compile(r"\d+/")).first.get_attribute("href")
    found = re.match(r"/plans/\d+", href or "")
    assert found, href
    return found.group()


def test_cooperating_units_are_picked_by_typing_and_saved(page):
    violations = _watch_csp(page)
    sign_in(page, "vanphong")
    plan = _first_plan(page)
    page.goto(f"{plan}/tasks/new")
    assert page.evaluate("typeof TomSelect") == "function"
    wrapper = page.locator(".ts-wrapper").filter(has=page.locator(".ts-control"))
    assert wrapper.count() == 1
    page.get_by_label("Tên nhiệm vụ / phần việc").fill("Nhiệm vụ chọn đơn vị phối hợp bằng cách gõ")
    page.locator("#lead_unit_id").select_option(index=1)
    page.get_by_label("Thời hạn theo văn bản").fill("Quý IV/2025")
    control = wrapper.locator("input")
    control.click()
    control.fill("van phong")  # typed without diacritics
    option = page.locator(".ts-dropdown .option").filter(has_text="Văn phòng")
    option.first.wait_for()
    chosen = option.first.inner_text()
    option.first.click()
    assert page.locator(".ts-control .item").filter(has_text=chosen).count() == 1
    page.get_by_role("button", name="Lưu và thêm tiếp").click()
    page.wait_for_url(re.compile(r"/tasks/new\?"))
    flash = page.locator(".alert-success").filter(has_text="Đã thêm")
    assert "Nhiệm vụ chọn đơn vị phối hợp" in flash.inner_text()
    assert page.get_by_label("Thời hạn theo văn bản").input_value() == "Quý IV/2025"
    flash.locator("a").click()
    assert chosen in page.locator("body").inner_text()
    assert violations == []


def test_a_file_over_the_limit_is_refused_before_it_is_sent(page):
    violations = _watch_csp(page)
    sign_in(page, "vanphong")
    plan = _first_plan(page)
    page.goto(plan)
    page.locator("[data-testid=task-tree] a[href^='/tasks/']").first.click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    field = page.locator("input[type=file][data-max-bytes]")
    limit = int(field.get_attribute("data-max-bytes"))
    field.set_input_files({"name": "ban-chup.pdf", "mimeType": "application/pdf", "buffer": b"0" * (limit + 1)})
    message = page.locator("[data-upload-error]")
    assert "“ban-chup.pdf”: tệp quá lớn, tối đa 1,0 MB." in message.inner_text()
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_timeout(300)
    assert sent == [] and "/tasks/" in page.url
    # A file within the limit clears the message and goes.
    field.set_input_files({"name": "ban-chup.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 nho"})
    assert message.inner_text() == ""
    page.get_by_role("button", name="Tải lên").click()
    page.locator(".alert-success").filter(has_text="Đã tải lên").wait_for()
    assert "12 byte" in page.locator("body").inner_text()
    assert violations == []
