"""``flask --app wsgi import-plan FILE [--dry-run] [--json] [--user USERNAME]``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from tracker.accounts.models import User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.imports import operations as ops
from tracker.imports import queries
from tracker.imports.preview import as_json, counts, preview_rows


def register_cli(app: Flask) -> None:
    @app.cli.command("import-plan", help="Nhập kế hoạch từ tệp Word, Excel, PDF hoặc .txt.")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Chỉ đọc, không ghi gì.")
    @click.option("--json", "as_json_flag", is_flag=True, help="In kết quả đọc dạng JSON (không ghi gì).")
    @click.option("--user", "username", default="", help="Tài khoản Văn phòng ghi nhận việc nhập (bắt buộc khi ghi).")
    def import_plan(file: Path, dry_run: bool, as_json_flag: bool, username: str) -> None:
        data = file.read_bytes()
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        try:
            state = ops.read_source(file.name, data, limit)
        except ValidationFailed as exc:
            raise click.ClickException(" ".join(exc.errors.values())) from None
        names = {u.id: u.name for u in queries.active_units()}
        if as_json_flag:
            issuers = {i.id: i.name for i in queries.issuers()}
            click.echo(json.dumps(as_json(state, names, issuers), ensure_ascii=False, indent=2))
            return
        rows = preview_rows(state, names)
        c = counts(rows, state)
        click.echo(f"{state['header'].get('number') or '(chưa có số)'} — {state['header'].get('title')}")
        click.echo(f"{c.tasks} nhiệm vụ, {c.duties} báo cáo định kỳ, {c.indicators} chỉ tiêu, {c.flagged} dòng cần kiểm tra.")
        for warning in state.get("warnings") or []:  # cleaned characters among them: nothing changes unsaid
            click.echo(f"  Lưu ý: {warning}")
        for r in rows:
            if r.flags:
                click.echo(f"  {r.row['source']}: {r.row['title'][:60]} — {'; '.join(r.flags)}")
        if dry_run:
            return
        user = db.session.scalar(select(User).where(User.username == username)) if username else None
        if user is None:
            raise click.ClickException("Cần --user <tài khoản Văn phòng> để ghi kế hoạch (hoặc dùng --dry-run).")
        try:
            draft = ops.create_draft(actor=user, filename=file.name, data=data, max_bytes=limit)
            plan = ops.confirm_draft(draft, user)
        except ValidationFailed as exc:
            db.session.rollback()
            raise click.ClickException("Chưa tạo được kế hoạch: " + " ".join(exc.errors.values())) from None
        db.session.commit()
        click.echo(f"Đã tạo {plan.display_name} (mã {plan.id}).")
