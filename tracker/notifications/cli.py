"""``flask --app wsgi mailsink``: the test mailbox ``make run`` starts, so reminders can be read locally."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.command("mailsink")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8025, type=int)
@with_appcontext
def mailsink(host, port):
    """Hộp thư thử nghiệm: nhận thư SMTP trên máy này, lưu vào instance/mailbox/ và in tiêu đề."""
    from tracker.mailsink import start_sink

    folder = Path(current_app.instance_path) / "mailbox"
    controller = start_sink(host, port, folder, echo=click.echo)
    click.echo(f"Hộp thư thử nghiệm tại {host}:{port}, lưu thư vào {folder}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


def register_cli(app: Flask) -> None:
    app.cli.add_command(mailsink)
