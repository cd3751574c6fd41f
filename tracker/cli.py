"""Command-line entry points, registered from this one place: each feature keeps its commands in its own
``cli.py`` (``users`` in accounts, ``summary`` in plans, ``tally`` in tasks, ``mailsink`` in
notifications, ``report`` in reports, ``import`` in imports). The application-wide ones live here: the
demo data and the scheduler, which belong to no single feature."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from tracker import clock
from tracker.accounts.models import Unit
from tracker.extensions import db

demo = AppGroup("demo", help="Dữ liệu minh hoạ.")
scheduler = AppGroup("scheduler", help="Bộ lập lịch (nhắc việc, cảnh báo).")


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Chỉ nạp khi cơ sở dữ liệu chưa có đơn vị nào.")
def demo_load(if_empty):
    from tracker.demo import load_demo

    if db.session.scalar(select(Unit.id).limit(1)) is not None:
        if if_empty:
            click.echo("Cơ sở dữ liệu đã có dữ liệu; giữ nguyên.")
            return
        raise click.ClickException("Cơ sở dữ liệu đã có dữ liệu; dữ liệu minh hoạ chỉ nạp vào cơ sở dữ liệu trống.")
    summary = load_demo()
    db.session.commit()
    click.echo(summary)


@scheduler.command("run")
def scheduler_run():
    from tracker.scheduler import run_forever

    run_forever(current_app._get_current_object())


def _moment(now_text: str) -> datetime:
    """``--now`` as an aware moment; a naive one is Vietnamese local time."""
    try:
        moment = datetime.fromisoformat(now_text)
    except ValueError:
        raise click.ClickException("Thời điểm không hợp lệ; dùng dạng 2024-06-14T07:00.") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=clock.timezone_info())


@scheduler.command("tick")
@click.option("--now", "now_text", default=None, help="Thời điểm giả định, ví dụ 2024-06-14T07:00 (giờ Việt Nam)")
def scheduler_tick(now_text):
    from tracker.scheduler import run_once

    if now_text:
        clock.freeze(_moment(now_text))
    try:
        for line in run_once(current_app._get_current_object(), clock.now()):
            click.echo(line)
    finally:
        clock.freeze(None)


def register_cli(app: Flask) -> None:
    from tracker.accounts.cli import register_cli as accounts_cli
    from tracker.backup.cli import backup_cli
    from tracker.documents.cli import register_cli as documents_cli
    from tracker.imports.cli import register_cli as imports_cli
    from tracker.indicators.cli import register_cli as indicators_cli
    from tracker.notifications.cli import register_cli as notifications_cli
    from tracker.plans.cli import register_cli as plans_cli
    from tracker.reports.cli import register_report_cli
    from tracker.search.cli import register_cli as search_cli
    from tracker.tasks.cli import register_cli as tasks_cli

    app.cli.add_command(demo)
    app.cli.add_command(scheduler)
    app.cli.add_command(backup_cli)
    for register in (
        accounts_cli,
        plans_cli,
        tasks_cli,
        notifications_cli,
        register_report_cli,
        imports_cli,
        indicators_cli,
        search_cli,
        documents_cli,
    ):
        register(app)
