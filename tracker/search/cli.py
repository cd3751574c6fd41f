"""``flask --app wsgi search "so hoa"``: what the search box finds, from the command line."""

from __future__ import annotations

import click
from flask import Flask

from tracker import clock
from tracker.search import queries as q


def register_cli(app: Flask) -> None:
    @app.cli.command("search")
    @click.argument("query")
    @click.option("--limit", default=20, show_default=True, help="At most this many of each kind.")
    def search_command(query: str, limit: int) -> None:
        """Find tasks, plans and units (case, diacritics and tone placement ignored)."""
        found = q.search(query, clock.today(), limit=limit)
        if not found.terms:
            raise click.ClickException(q.TOO_SHORT)
        click.echo(f"Kế hoạch, văn bản ({len(found.plans)}{'+' if found.more_plans else ''}):")
        for plan in found.plans:
            click.echo(f"  {plan.plan.number}  {plan.plan.title}")
        click.echo(f"Nhiệm vụ ({len(found.tasks)}{'+' if found.more_tasks else ''}):")
        for task in found.tasks:
            click.echo(f"  #{task.row.id} [{task.row.plan_number}] {task.row.title}")
        click.echo(f"Đơn vị ({len(found.units)}):")
        for unit in found.units:
            click.echo(f"  {unit.unit.name}")
