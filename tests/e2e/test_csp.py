"""The Content-Security-Policy in chromium: pages work under it and nothing is blocked (issue 16, item 7)."""

from tests.e2e.conftest import sign_in

PAGES = ["/board", "/dashboard", "/plans", "/unit", "/tasks", "/imports/", "/notifications", "/reports"]


def test_pages_render_under_the_csp_with_no_violation(page):
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    sign_in(page, "vanphong")
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # Bootstrap's own script runs (the menu collapses on a narrow screen), its CSS applies.
    assert page.evaluate("typeof bootstrap") == "object"
    # Widths computed on the server arrive as data-width and become the bar's width through layout.js.
    page.goto("/board")
    bar = page.locator(".progress-bar[data-width]").first
    expected = float(bar.get_attribute("data-width"))
    assert bar.evaluate("el => el.style.width") == f"{expected:g}%"
    assert violations == []


def test_an_injected_inline_script_is_blocked(page):
    """What the CSP is for: script written into the page by a flaw would not run."""
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text))
    sign_in(page, "vanphong")
    page.goto("/board")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1'; document.body.append(s); }"
    )
    assert page.evaluate("window.__pwned === undefined")
    assert any("Content Security Policy" in text for text in violations)
