"""Security headers on every response of every route in the URL map, and templates that need no inline code
(issue 16, item 7)."""

import re
from pathlib import Path

import pytest

from tests.conftest import login
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.web import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# E-mails are read in mail clients, never served under the page's CSP.
EMAIL_TEMPLATES = {"notifications/email/batch.html", "notifications/email/layout.html"}


def _check(response, url: str, signed_in: bool, https: bool = False) -> None:
    h = response.headers
    where = f"{url} → {response.status_code}"
    assert h.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, where
    assert h.get("X-Frame-Options") == "DENY", where
    assert h.get("X-Content-Type-Options") == "nosniff", where
    assert h.get("Referrer-Policy") == "same-origin", where
    assert "camera=()" in h.get("Permissions-Policy", ""), where
    assert "Server" not in h, where
    assert ("Strict-Transport-Security" in h) is https, where
    if not url.startswith(("/static/", "/bootstrap/")):
        assert h.get("Cache-Control") == "no-store", where


def _urls(app, task: int, plan: int, unit: int):
    values = {"fmt": "pdf", "filename": "app.css"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "accounts.logout":
            continue
        ids = {n: values.get(n) or str(task if "task" in n else plan if "plan" in n else unit) for n in rule.arguments}
        if rule.endpoint == "bootstrap.static":
            ids["filename"] = "css/bootstrap.min.css"
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, ids=ids: ids[m.group(1)], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


@pytest.mark.parametrize("role", [None, Role.ADMIN, Role.STAFF], ids=lambda r: r.value if r else "anonymous")
def test_headers_on_every_route(client, factory, app, role):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    headers = {}
    if role:
        username = factory.user(role, unit)
        login(client, username)
        with app.app_context():
            user = db.session.query(User).filter_by(username=username).one()
            headers = {"Authorization": f"Bearer {user.new_api_token()}"}
            db.session.commit()
    seen = 0
    for method, url in _urls(app, task, plan, unit):
        response = client.open(url, method=method, headers=headers if url.startswith("/api/") else {})
        _check(response, url, signed_in=role is not None)
        response.close()
        seen += 1
    # Every route answered, plus the error pages: 404 for an unknown address, 405 for a wrong method.
    _check(client.get("/khong-co-trang-nay"), "/khong-co-trang-nay", signed_in=role is not None)
    _check(client.delete("/plans"), "/plans", signed_in=role is not None)
    assert seen >= len(list(app.url_map.iter_rules())) - 1


def test_hsts_only_over_https(client):
    _check(client.get("/login", base_url="https://tracker.example"), "/login", signed_in=False, https=True)
    _check(client.get("/login"), "/login", signed_in=False, https=False)


def test_static_files_keep_their_caching(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()


@pytest.mark.parametrize("path", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")), ids=lambda p: p)
def test_no_template_needs_inline_script_or_style(path):
    """What the CSP would block: <script> without src, style="" attributes, <style> blocks, on…= handlers."""
    if path in EMAIL_TEMPLATES:
        pytest.skip("e-mail, not served under the CSP")
    text = (TEMPLATES / path).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"<style\b", text), "<style> block"
    assert not re.search(r"\sstyle\s*=", text), 'style="" attribute'
    assert not re.search(r"\son[a-z]+\s*=", text), "on…= handler"
    assert "javascript:" not in text
