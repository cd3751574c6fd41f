"""Sending: the SMTP connection of a send pass, and the webhook post. No outbox bookkeeping here (that
is ``jobs``): these raise ``OSError`` / ``smtplib.SMTPException`` when the other side fails, or
``WebhookRefused`` when the configured address may not be used at all."""

from __future__ import annotations

import contextlib
import json
import logging
import smtplib
import urllib.request
from email.message import EmailMessage

from flask import current_app

from tracker.notifications.rules import webhook_url_problem

log = logging.getLogger(__name__)


class WebhookRefused(ValueError):
    """The webhook address is not http(s): nothing is posted, the messages fail with this reason."""


def smtp_connect() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10)
    if cfg.get("SMTP_STARTTLS"):
        smtp.starttls()
    if cfg.get("SMTP_USER"):
        smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
    return smtp


class Mailer:
    """One SMTP connection for a send pass, opened at the first e-mail. A failed connection is not
    retried within the pass (every later e-mail fails at once with the same error, and backs off); a
    connection broken by an e-mail is closed and opened again for the next one."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None
        self._error: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None and self._error is None:
            try:
                self._smtp = smtp_connect()
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("SMTP connection failed: %s", exc)
                self._error = exc
        if self._error is not None:
            raise self._error
        assert self._smtp is not None
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise  # the connection is fine, only that address was refused
        except (OSError, smtplib.SMTPException):
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None
            raise

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def webhook_url() -> str:
    """The office's webhook address, refused unless http(s) (``WebhookRefused``)."""
    url = current_app.config.get("WEBHOOK_URL", "")
    problem = webhook_url_problem(url)
    if problem:
        raise WebhookRefused(problem)
    return url


def post_webhook(payload: dict) -> None:
    url = webhook_url()
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (http(s) only, checked above)  # nosec B310
        if response.status >= 300:
            raise OSError(f"webhook trả về {response.status}")
