"""``make run``'s server: gunicorn with the scheduler beside it, the development server only with
FLASK_DEBUG=1, no Server banner, every process stopped with the script (issue 16, item 13)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)  # noqa: S310 (loopback)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _children(pid: int) -> list[str]:
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [line.strip() for line in out.splitlines()]


@pytest.fixture
def instance(tmp_path):
    env = {
        **os.environ,
        "TRACKER_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "SECRET_KEY": "test",
        "PORT": str(free_port()),
        "SMTP_PORT": str(free_port()),
        "GUNICORN_WORKERS": "2",
    }
    env.pop("FLASK_DEBUG", None)
    done = subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return env


def _wait_for_heartbeat(instance_dir: str, seconds: float = 60) -> bool:
    import sqlite3
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.closing(sqlite3.connect(Path(instance_dir) / "tracker.db")) as conn:
            try:
                row = conn.execute("SELECT value FROM app_state WHERE key = 'scheduler.heartbeat'").fetchone()
            except sqlite3.OperationalError:  # locked while the scheduler writes
                row = None
        if row:
            return True
        time.sleep(0.5)
    return False


def _serve(env):
    return subprocess.Popen(
        ["bash", "scripts/serve.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _stop(proc) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise AssertionError("serve.sh did not stop on SIGTERM") from None
    return out


def test_make_run_serves_through_gunicorn_beside_the_scheduler(instance):
    proc = _serve(instance)
    try:
        response = _get(f"http://127.0.0.1:{instance['PORT']}/login")
        assert response.status == 200
        assert response.headers.get("Server") is None
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        children = " ".join(_children(proc.pid))
        assert "gunicorn" in children and "scheduler run" in children and "mailsink" in children, children
        # The scheduler starts beside the web server and may be slower to boot (a loaded CI machine): wait
        # for its first heartbeat before stopping, so its start-up line is in the output.
        assert _wait_for_heartbeat(instance["TRACKER_INSTANCE_DIR"]), "the scheduler never wrote its heartbeat"
        assert "flask --app wsgi run" not in children
    finally:
        out = _stop(proc)
    assert "Bộ lập lịch" in out
    time.sleep(1)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{instance['PORT']}/login", timeout=2)  # noqa: S310


def test_flask_debug_uses_the_development_server(instance):
    proc = _serve({**instance, "FLASK_DEBUG": "1"})
    try:
        assert _get(f"http://127.0.0.1:{instance['PORT']}/healthz").status == 200
        children = " ".join(_children(proc.pid))
        assert "flask --app wsgi run" in children and "gunicorn" not in children, children
    finally:
        _stop(proc)
