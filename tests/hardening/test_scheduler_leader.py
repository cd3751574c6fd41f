"""Two real scheduler processes on one database: one leads, the other takes over within a minute when the
leader is killed (SIGKILL) in the middle of a pass; nothing is sent twice, nothing is missed (issue 16,
item 14). PostgreSQL (advisory locks) in CI's PostgreSQL run; SQLite (flock) otherwise."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.conftest import Factory, build_app, free_port
from tracker import clock
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.notifications.models import Channel, Delivery, DeliveryStatus
from tracker.scheduler import Leadership

ROOT = Path(__file__).resolve().parents[2]
NOW = "2024-05-02T07:00"  # a reminder morning for tasks due 06/05/2024
PEOPLE = 16  # unit heads, one e-mail each
SLOW = 0.75  # seconds the server takes over each MAIL FROM (under the client's 10 s timeout)
HOLD = 8.0  # at most this long for the held one: the leader is killed meanwhile


class HoldingHandler:
    """A slow mail server: each MAIL FROM takes SLOW seconds; once armed, the next one is held (the
    leader is killed while it waits, before that e-mail was accepted) and then refused."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.armed = threading.Event()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.armed.is_set() and not self.holding.is_set():
            self.holding.set()
            for _ in range(int(HOLD / 0.05)):
                if self.release.is_set():
                    break
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        await asyncio.sleep(SLOW)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class Scheduler:
    """``flask --app wsgi scheduler run`` as a real process, its output collected line by line."""

    def __init__(self, env: dict[str, str]):
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "scheduler", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def says(self, fragment: str) -> bool:
        return any(fragment in line for line in self.lines)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=10)
        self.proc.stdout.close()


def wait_for(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


@pytest.fixture
def department(tmp_path):
    clock.freeze(datetime.fromisoformat(NOW))
    app = build_app(tmp_path, name="leader")
    factory = Factory(app)
    plan = factory.plan()
    for _ in range(PEOPLE):
        unit = factory.unit()
        factory.user(Role.UNIT_HEAD, unit)
        factory.task(plan, unit, "06/05/2024")
    yield app, tmp_path
    with app.app_context():
        db.engine.dispose()


def outbox(app) -> dict:
    with app.app_context():
        rows = db.session.execute(
            select(Delivery.status, func.count()).where(Delivery.channel == Channel.INAPP).group_by(Delivery.status)
        ).all()
        db.session.rollback()
        return dict(rows)


def test_the_standby_takes_over_from_a_killed_leader_and_sends_each_email_once(department):
    app, instance = department
    handler = HoldingHandler()
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    env = {
        **os.environ,
        "DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        "TRACKER_INSTANCE_DIR": str(instance),
        "SECRET_KEY": "test",
        "TRACKER_NOW": NOW,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "TRACKER_LEADER_POLL_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    # The test holds the leader lock while both processes start, so both wait; released, one leads.
    gate = Leadership(app)
    assert gate.try_acquire()
    first = second = None
    try:
        first, second = Scheduler(env), Scheduler(env)
        wait_for(lambda: first.says("đang chạy") and second.says("đang chạy"), 120, "both processes to start")
        time.sleep(3)  # one and a half polls: neither leads while the lock is held
        assert not first.says("đang điều phối") and not second.says("đang điều phối")
        gate.release()
        wait_for(lambda: first.says("đang điều phối") or second.says("đang điều phối"), 30, "one process to lead")
        leader, standby = (first, second) if first.says("đang điều phối") else (second, first)
        wait_for(lambda: len(handler.messages) >= 2, 30, "the leader's pass to be under way")
        assert not standby.says("đang điều phối"), standby.lines

        handler.armed.set()
        wait_for(handler.holding.is_set, 10, "the leader to be held mid-pass")
        sent_by_leader = len(handler.messages)
        leader.proc.send_signal(signal.SIGKILL)
        leader.proc.wait(timeout=10)
        handler.release.set()
        took = wait_for(lambda: standby.says("đang điều phối"), 60, "the standby to take over")
        assert took < 60
        wait_for(lambda: len(handler.messages) >= PEOPLE, 120, "the e-mails the dead leader had claimed")
        time.sleep(3)  # anything sent twice would arrive now
    finally:
        gate.release()
        for process in (first, second):
            if process is not None:
                process.stop()
        smtp.stop()

    assert 0 < sent_by_leader < PEOPLE
    recipients = sorted(m["To"].addresses[0].username for m in handler.messages)
    assert recipients == sorted(set(recipients)), f"an e-mail went twice: {recipients}"
    assert len(recipients) == PEOPLE
    assert outbox(app) == {DeliveryStatus.SENT: PEOPLE}, outbox(app)

    # One more pass from the command line sends nothing: nothing was left behind, nothing goes again.
    again = subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "scheduler", "tick"],
        cwd=ROOT,
        env={**env, "SMTP_PORT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert "LỖI" not in again.stdout and "thư điện tử" not in again.stdout, again.stdout


def test_sigterm_hands_over_at_once(department):
    app, instance = department
    env = {
        **os.environ,
        "DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        "TRACKER_INSTANCE_DIR": str(instance),
        "SECRET_KEY": "test",
        "TRACKER_NOW": NOW,
        "SMTP_PORT": "1",
        "TRACKER_LEADER_POLL_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    first = Scheduler(env)
    second = None
    try:
        wait_for(lambda: first.says("đang điều phối"), 60, "the first process to lead")
        second = Scheduler(env)
        wait_for(lambda: second.says("đang chạy"), 60, "the second process to start")
        first.stop()
        assert first.proc.returncode is not None
        wait_for(lambda: second.says("đang điều phối"), 30, "the second to lead after a clean stop")
    finally:
        first.stop()
        if second is not None:
            second.stop()
    assert sys.platform != "win32"
