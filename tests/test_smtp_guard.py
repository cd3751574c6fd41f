"""The autouse SMTP guard (tests/conftest.py): a test reaches only SMTP servers of its own."""

from __future__ import annotations

import contextlib
import smtplib
import threading

import pytest

from tests.conftest import free_port
from tracker.mailsink import start_sink


def test_the_demo_mailbox_port_is_refused_and_recorded(smtp_guard):
    with pytest.raises(pytest.fail.Exception, match="127.0.0.1:8025"):
        smtplib.SMTP("127.0.0.1", 8025, timeout=2)
    assert smtp_guard == ["127.0.0.1:8025"]
    smtp_guard.clear()  # the attempt was this test's purpose: do not fail it at teardown


def test_a_real_mail_server_is_refused(smtp_guard):
    with pytest.raises(pytest.fail.Exception):
        smtplib.SMTP("smtp.example.invalid", 25, timeout=2)
    assert smtp_guard == ["smtp.example.invalid:25"]
    smtp_guard.clear()


def test_an_attempt_from_another_thread_is_recorded_even_when_swallowed(smtp_guard):
    def deliver():
        # What a worker thread that swallows everything would do.
        with contextlib.suppress(BaseException):
            smtplib.SMTP("127.0.0.1", 8025, timeout=2)

    worker = threading.Thread(target=deliver)
    worker.start()
    worker.join()
    assert smtp_guard == ["127.0.0.1:8025"]
    smtp_guard.clear()


def test_a_server_the_test_started_is_reached(smtp_guard):
    port = free_port()
    sink = start_sink("127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
            smtp.sendmail("a@example.invalid", ["b@example.invalid"], "Subject: thu\r\n\r\nnoi dung")
    finally:
        sink.stop()
    assert [m["Subject"] for m in sink.handler.messages] == ["thu"]
    assert smtp_guard == []


def test_a_port_the_test_reserved_may_be_down(smtp_guard):
    """Tests of delivery failures point the app at a reserved port where nothing listens yet."""
    port = free_port()
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP("127.0.0.1", port, timeout=2)
    assert smtp_guard == []


def test_a_port_owned_by_an_earlier_test_is_not_this_tests(smtp_guard, request):
    """Ownership ends with the test: the previous test's port (kept on the module) is refused now."""
    with pytest.raises(pytest.fail.Exception):
        smtplib.SMTP("127.0.0.1", _EARLIER["port"], timeout=2)
    smtp_guard.clear()


_EARLIER = {"port": 0}


@pytest.fixture(autouse=True, scope="module")
def _earlier_port():
    _EARLIER["port"] = free_port()  # reserved outside any test: owned by none


def test_the_app_delivering_to_the_default_port_fails_the_test(app, runner, factory, smtp_guard):
    """The scheduler's delivery with TestConfig's address (127.0.0.1:8025, make run's mailbox) is refused,
    not swallowed as a failed attempt to retry."""
    from tracker.accounts.models import Role

    assert app.config["SMTP_PORT"] == 8025
    unit = factory.unit()
    factory.user(Role.UNIT_HEAD, unit, username="nguoinhan")
    factory.task(factory.plan(), unit, "06/05/2024")
    with pytest.raises(pytest.fail.Exception, match="8025"):
        runner.invoke(args=["scheduler", "tick", "--now", "2024-05-02T07:00"], catch_exceptions=False)
    assert smtp_guard and all(a.endswith(":8025") for a in smtp_guard)
    smtp_guard.clear()
