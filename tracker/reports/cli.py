"""``flask --app wsgi report PLAN_NUMBER --as-of YYYY-MM-DD [--period Q3-2024] --format pdf -o FILE``:
the report of one plan from live figures, as the page's draft would print it (nothing is stored)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from tracker import clock
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.formatting import DateInputError, parse_date
from tracker.plans.models import Plan
from tracker.reports import operations as ops
from tracker.reports import queries as q
from tracker.reports.models import ReportScope
from tracker.reports.render import RENDERERS, render_spec
from tracker.rules.periods import Scheme
from tracker.rules.reports import parse_period_code
from tracker.rules.window import OutOfWindow
from tracker.web import year_window


def build_spec(plan_number: str, as_of_text: str | None, period_text: str | None, scheme: str) -> q.ReportSpec:
    """The scope, period and cut-off from the command line's (or the API's) text, or ValidationFailed."""
    plans = db.session.scalars(select(Plan).where(Plan.number == plan_number.strip())).all()
    if not plans:
        raise ValidationFailed({"plan": f"Không có kế hoạch, văn bản số “{plan_number}”."})
    if len(plans) > 1:
        raise ValidationFailed({"plan": f"Có {len(plans)} văn bản cùng số “{plan_number}”; hãy lập báo cáo trên trang Báo cáo."})
    try:
        as_of = year_window().check(parse_date(as_of_text), "Ngày chốt số liệu") if as_of_text else clock.today()
    except (DateInputError, OutOfWindow) as exc:
        raise ValidationFailed({"as_of": str(exc)}) from None
    p = None
    if period_text:
        try:
            kind, year, index = parse_period_code(period_text)
            year_window().check(year, "Năm của kỳ")
        except ValueError as exc:
            raise ValidationFailed({"period": str(exc)}) from None
        p = ops.make_period(kind.value, year, index, scheme, as_of)
    return ops.validate_spec(ops.DraftInput(ReportScope.PLAN, as_of, plans[0].id, None, p), clock.today())


def register_report_cli(app: Flask) -> None:
    @app.cli.command("report")
    @click.argument("plan_number")
    @click.option("--as-of", "as_of", default=None, help="Ngày chốt số liệu, YYYY-MM-DD (mặc định hôm nay)")
    @click.option("--period", default=None, help="Kỳ báo cáo: Q3-2024, M05-2024, H1-2024, 9T-2024, 2024")
    @click.option(
        "--scheme",
        type=click.Choice([s.value for s in Scheme]),
        default=Scheme.CALENDAR.value,
        help="Kỳ theo năm dương lịch hoặc Nghị định 09",
    )
    @click.option("--format", "fmt", type=click.Choice(list(RENDERERS)), default="pdf")
    @click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True), help="Tệp kết quả")
    def report(plan_number, as_of, period, scheme, fmt, output):
        """Báo cáo kết quả thực hiện một kế hoạch (PDF, DOCX hoặc XLSX) từ số liệu hiện có."""
        try:
            spec = build_spec(plan_number, as_of, period, scheme)
            office = q.office_details()
            problems = q.office_errors(office)
            if problems:
                raise ValidationFailed(problems)
        except ValidationFailed as exc:
            db.session.rollback()
            raise click.ClickException(" ".join(exc.errors.values())) from None
        data = render_spec(spec, fmt, office)
        Path(output).write_bytes(data)
        click.echo(f"Đã ghi {output} ({len(data):,} byte).".replace(",", "."))
