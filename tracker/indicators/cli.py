"""``flask --app wsgi indicators …``: list a plan's indicators with their verdicts, load seed 003's
statistics form."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask
from sqlalchemy import select

from tracker import clock
from tracker.accounts.models import User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.indicators import queries as q
from tracker.plans.models import Plan


def register_cli(app: Flask) -> None:
    group = click.Group("indicators", help="Chỉ tiêu và biểu thống kê.")

    @group.command("list")
    @click.argument("plan_number")
    @click.option("--as-of", "as_of", default=None, help="YYYY-MM-DD; mặc định hôm nay")
    def list_(plan_number: str, as_of: str | None) -> None:
        """Each indicator of a plan: its target, this period's result and verdict."""
        plan = db.session.scalar(select(Plan).where(Plan.number == plan_number.strip().upper()))
        if plan is None:
            raise click.ClickException(f"Không có kế hoạch số {plan_number}.")
        try:
            on = date.fromisoformat(as_of) if as_of else clock.today()
        except ValueError:
            raise click.ClickException("Ngày không hợp lệ (YYYY-MM-DD).") from None
        for s in q.statuses([plan.id], on):
            c = s.current
            click.echo(
                f"{s.indicator.ordinal:>3}. {s.indicator.title[:70]} | {s.target_text} | "
                f"{c.label if c else ''}: {c.result_text if c else ''} | {c.verdict.label if c else ''}"
            )

    @group.command("load-form-003")
    @click.option("--user", "username", default="vanphong", help="Tài khoản văn phòng ghi nhận")
    def load_form(username: str) -> None:
        """Seed 003's statistics form (CCHC 2023), bound to 01/KH.CCHC-STTTT."""
        from tracker.indicators.demo import load_form_003

        actor = db.session.scalar(select(User).where(User.username == username))
        if actor is None:
            raise click.ClickException(f"Không có tài khoản {username}.")
        try:
            form = load_form_003(actor)
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            raise click.ClickException("; ".join(exc.errors.values())) from None
        click.echo(f"Đã tạo biểu “{form.title}” năm {form.year} với {len(form.rows)} dòng.")

    app.cli.add_command(group)
