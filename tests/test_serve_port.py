"""`make run` honours PORT and SMTP_PORT (issue 15 item 7): the app, the mailbox, the banner and the
e-mail links all follow them. Runs scripts/serve.sh for real, in its own process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_BASE_URL", "SMTP_HOST", "DATABASE_URL", "PORT")}
    env.update({"TRACKER_INSTANCE_DIR": str(tmp_path), **extra})
    return env


def base_url(env: dict) -> str:
    code = "from config import Config; print(Config.BASE_URL)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_email_links_follow_the_port(tmp_path):
    assert base_url(_env(tmp_path)) == "http://127.0.0.1:5000"
    assert base_url(_env(tmp_path, PORT="5077")) == "http://127.0.0.1:5077"
    assert base_url(_env(tmp_path, PORT="5077", TRACKER_BASE_URL="https://theodoi.snv.example")) == "https://theodoi.snv.example"


def _wait_http(url: str, seconds: float = 40) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def test_serve_sh_runs_on_port_and_smtp_port(tmp_path):
    port, smtp_port = free_port(), free_port()
    env = _env(tmp_path, PORT=str(port), SMTP_PORT=str(smtp_port))
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        ["bash", "scripts/serve.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        banner = []
        for line in proc.stdout:
            banner.append(line)
            if "Ctrl-C" in line:
                break
        text = "".join(banner)
        assert f"http://127.0.0.1:{port}" in text
        assert f"hộp thư thử nghiệm tại 127.0.0.1:{smtp_port}" in text and ":8025" not in text
        assert _wait_http(f"http://127.0.0.1:{port}/healthz") == 200
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", smtp_port), timeout=2) as conn:
                    assert conn.recv(100).startswith(b"220")
                break
            except OSError:
                assert time.monotonic() < deadline, "the mailbox did not listen on SMTP_PORT"
                time.sleep(0.3)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        proc.stdout.close()
