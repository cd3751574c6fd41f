from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.conftest import free_port
from tracker.mailsink import start_sink


@pytest.fixture
def mailbox(app):
    """A real SMTP server (aiosmtpd) on loopback; the app sends to it for the test's duration."""
    port = free_port()
    controller = start_sink("127.0.0.1", port)
    saved = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = "127.0.0.1", port
    yield controller.handler.messages
    controller.stop()
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = saved


@pytest.fixture
def webhook(app):
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["WEBHOOK_URL"] = f"http://127.0.0.1:{server.server_port}/hook"
    yield received
    app.config["WEBHOOK_URL"] = ""
    server.shutdown()
    server.server_close()
    thread.join()
