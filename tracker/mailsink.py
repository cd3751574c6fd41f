"""A local SMTP sink (aiosmtpd) for the demo and the tests: every message is kept as an .eml file."""

from __future__ import annotations

import email
import email.policy
import itertools
from collections.abc import Callable
from pathlib import Path

from aiosmtpd.controller import Controller


class SavingHandler:
    def __init__(self, folder: Path | None = None, echo: Callable[[str], None] | None = None):
        self.folder = folder
        self.echo = echo
        self.messages: list[email.message.EmailMessage] = []
        self._counter = itertools.count(1)
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        if self.folder is not None:
            (self.folder / f"{next(self._counter):05d}.eml").write_bytes(envelope.content)
        if self.echo is not None:
            self.echo(f"Thư đến {message['To']}: {message['Subject']}")
        return "250 Message accepted for delivery"


def start_sink(host: str, port: int, folder: Path | None = None, echo=None) -> Controller:
    controller = Controller(SavingHandler(folder, echo), hostname=host, port=port)
    controller.start()
    return controller
