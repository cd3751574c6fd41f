"""``flask --app wsgi documents build``: build the queued documents now (what the scheduler does every few
seconds), for a server run without the scheduler or to watch a build."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from tracker import clock

documents_cli = AppGroup("documents", help="Tệp xuất tạo ở chế độ nền.")


@documents_cli.command("build")
@click.option("--seconds", type=float, default=600.0, help="Chạy tối đa bao nhiêu giây.")
def build(seconds: float) -> None:
    """Tạo ngay các tệp đang chờ."""
    from tracker.documents.jobs import build_pending

    lines = build_pending(clock.now(), seconds)
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("Không có tệp nào đang chờ.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(documents_cli)
