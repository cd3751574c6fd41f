"""``flask --app wsgi tally check [--repair]``: prove the dashboard's tally and the reports' plan tally
against the tasks."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from tracker.extensions import db

tally_group = AppGroup("tally", help="Bảng đếm nhiệm vụ (task_tally) mà Tổng quan đọc.")

# At most this many differing rows are printed; the count says how many there are.
SHOWN_DIFFERENCES = 50


def _print_differences(heading: str, columns: str, wrong: list, key_text) -> None:
    click.echo(f"{heading} lệch ở {len(wrong)} dòng ({columns} trong bảng → đếm lại):")
    for key, kept, counted in wrong[:SHOWN_DIFFERENCES]:
        click.echo(f"  {key_text(key)}: {kept or '(không có)'} → {counted or '(không có)'}")


def _tally_key(key) -> str:
    kind, unit, standing, day, due = key
    return f"{kind}, {unit}, {standing}, {day or '-'}, {due or '-'}"


@tally_group.command("check")
@click.option("--repair", is_flag=True, help="Dựng lại bảng đếm từ danh sách nhiệm vụ nếu có chỗ lệch")
def tally_check(repair):
    """So bảng đếm với số đếm lại trên từng nhiệm vụ; mã thoát 1 nếu lệch mà không sửa."""
    from tracker.tasks import tally

    wrong, plans_wrong = tally.differences(), tally.plan_differences()
    if not wrong and not plans_wrong:
        click.echo("Bảng đếm khớp với danh sách nhiệm vụ (cả bảng đếm theo kế hoạch của báo cáo).")
        return
    if wrong:
        _print_differences("Bảng đếm", "loại, đơn vị, tình trạng, ngày, hạn áp dụng:", wrong, _tally_key)
    if plans_wrong:
        columns = "kế hoạch, đơn vị, tình trạng: việc lá, việc cấp cao nhất, chờ xác nhận, gia hạn;"
        _print_differences("Bảng đếm theo kế hoạch (plan_tally)", columns, plans_wrong, lambda key: ", ".join(map(str, key)))
    if not repair:
        raise SystemExit(1)
    rows = tally.rebuild()
    db.session.commit()
    click.echo(f"Đã dựng lại bảng đếm: {rows} dòng.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(tally_group)
