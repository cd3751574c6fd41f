"""A real server on loopback and Debian's chromium driven by Playwright.

The server runs the app in a thread on its own database (a SQLite file, or a separate PostgreSQL
database when TEST_DATABASE_URL is set), loaded with the demo data.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import datetime

import pytest
from werkzeug.serving import make_server

from tests.conftest import build_app, free_port
from tracker import clock
from tracker.demo import load_demo
from tracker.extensions import db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
E2E_NOW = datetime(2025, 6, 2, 8, 30)
# The live server's app, for a test that plays the scheduler's part (building queued documents).
LIVE: dict = {}


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(E2E_NOW)
    yield E2E_NOW
    clock.freeze(None)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    clock.freeze(E2E_NOW)
    app = build_app(tmp_path_factory.mktemp("e2e"), name="e2e")
    with app.app_context():
        load_demo()
        db.session.commit()
    LIVE["app"] = app
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    with app.app_context():
        db.engine.dispose()
    clock.freeze(None)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed here (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def sign_in(page, username: str, password: str = "demo-2026-tracker") -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)
