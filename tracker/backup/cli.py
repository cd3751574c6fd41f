"""``flask --app wsgi backup create|restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.backup.operations import BackupError, create_backup, restore_backup


@click.group("backup")
def backup_cli() -> None:
    """Sao lưu và khôi phục cơ sở dữ liệu cùng các tệp đính kèm."""


@backup_cli.command("create")
@click.option(
    "-o", "--output", "output", default=None, type=click.Path(file_okay=False), help="Thư mục lưu (mặc định instance/backups)"
)
@with_appcontext
def create(output: str | None) -> None:
    """Tạo một bản sao lưu (.tar): cơ sở dữ liệu và thư mục tệp đính kèm."""
    from flask import current_app

    folder = Path(output) if output else Path(current_app.instance_path) / "backups"
    try:
        result = create_backup(folder)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã sao lưu ({result.database}, {result.files} tệp đính kèm): {result.path}")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Không hỏi lại")
@with_appcontext
def restore(archive: str, yes: bool) -> None:
    """Khôi phục từ một bản sao lưu: THAY THẾ toàn bộ dữ liệu và tệp đính kèm hiện có."""
    if not yes:
        click.confirm("Toàn bộ dữ liệu và tệp đính kèm hiện có sẽ bị thay thế. Tiếp tục?", abort=True)
    try:
        manifest = restore_backup(Path(archive))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Đã khôi phục bản sao lưu lúc {manifest.get('created_at')} "
        f"(phiên bản dữ liệu {manifest.get('revision')}, {len(manifest['files'])} tệp đính kèm)."
    )
