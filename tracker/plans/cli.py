"""``flask --app wsgi summary PLAN_NUMBER [--as-of YYYY-MM-DD] [--json]``: a plan's four boxes, both
rates and the report's sentence, read as the API reads them."""

from __future__ import annotations

import json
from datetime import date

import click
from flask import Flask
from flask.cli import with_appcontext

from tracker import clock
from tracker.api.queries import summary_json
from tracker.formatting import DateInputError, fmt_date, parse_date
from tracker.plans.models import Plan
from tracker.plans.queries import plans_numbered

# The printed table: (label, key in summary_json), in the order of a Báo cáo.
SUMMARY_ROWS = (
    ("Tổng số phần việc", "total"),
    ("Hoàn thành đúng hạn", "done_on_time"),
    ("Hoàn thành quá hạn", "done_late"),
    ("Đang thực hiện trong hạn", "open_in_time"),
    ("Đang thực hiện quá hạn", "open_overdue"),
    ("Không có thời hạn - đã hoàn thành", "no_deadline_done"),
    ("Không có thời hạn - đang thực hiện", "no_deadline_open"),
    ("Trong đó chờ xác nhận hoàn thành", "awaiting_confirmation"),
    ("Trong đó được gia hạn", "extended"),
)


def _one_plan(plan_number: str) -> Plan:
    plans = plans_numbered(plan_number)
    if not plans:
        raise click.ClickException(f"Không có văn bản số “{plan_number}”.")
    if len(plans) > 1:
        raise click.ClickException(f"Có {len(plans)} văn bản cùng số “{plan_number}”; dùng API với mã kế hoạch.")
    return plans[0]


def _day(as_of: str | None) -> date:
    try:
        return parse_date(as_of) if as_of else clock.today()
    except DateInputError as exc:
        raise click.ClickException(str(exc)) from None


def _print_summary(plan: Plan, day: date, data: dict) -> None:
    click.echo(f"{plan.display_name}: {plan.title}")
    click.echo(f"Số liệu tính đến ngày {fmt_date(day)}")
    for label, key in SUMMARY_ROWS:
        click.echo(f"  {label:<38} {data[key]:>6}")
    click.echo(f"  {'Tỷ lệ hoàn thành / tổng số':<38} {data['rate_all']:>6}%")
    click.echo(f"  {'Tỷ lệ hoàn thành / số đã đến hạn':<38} {data['rate_due']:>6}%")
    click.echo(data["headline"])


@click.command("summary")
@click.argument("plan_number")
@click.option("--as-of", "as_of", default=None, help="Ngày tính số liệu, YYYY-MM-DD (mặc định hôm nay)")
@click.option("--json", "as_json", is_flag=True, help="In ra JSON")
@with_appcontext
def summary(plan_number, as_of, as_json):
    """Số liệu bốn nhóm, tổng số, hai tỷ lệ của một kế hoạch tại một ngày."""
    plan = _one_plan(plan_number)
    day = _day(as_of)
    data = summary_json(plan, day)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_summary(plan, day, data)


def register_cli(app: Flask) -> None:
    app.cli.add_command(summary)
