"""``flask --app wsgi backup create|restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.backup.operations import BackupError, create_backup, restore_backup


@click.group("backup")
def backup_cli() -> None:
    """Sao lưu và khôi phục cơ sở dữ liệu cùng các tệp đính kèm và tệp báo cáo đã ban hành."""


@backup_cli.command("create")
@click.option(
    "-o", "--output", "output", default=None, type=click.Path(file_okay=False), help="Thư mục lưu (mặc định instance/backups)"
)
@with_appcontext
def create(output: str | None) -> None:
    """Tạo một bản sao lưu (.tar): cơ sở dữ liệu, thư mục tệp đính kèm và thư mục báo cáo đã ban hành."""
    from flask import current_app

    folder = Path(output) if output else Path(current_app.instance_path) / "backups"
    try:
        result = create_backup(folder)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Đã sao lưu ({result.database}, {result.files} tệp đính kèm, {result.reports} tệp báo cáo đã ban hành): {result.path}"
    )


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Không hỏi lại")
@with_appcontext
def restore(archive: str, yes: bool) -> None:
    """Khôi phục từ một bản sao lưu: THAY THẾ toàn bộ dữ liệu, tệp đính kèm và tệp báo cáo hiện có."""
    if not yes:
        click.confirm("Toàn bộ dữ liệu, tệp đính kèm và tệp báo cáo hiện có sẽ bị thay thế. Tiếp tục?", abort=True)
    try:
        result = restore_backup(Path(archive))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    manifest = result.manifest
    reports = "" if result.reports is None else f", {result.reports} tệp báo cáo đã ban hành"
    click.echo(
        f"Đã khôi phục bản sao lưu lúc {manifest.get('created_at')} "
        f"(phiên bản dữ liệu {manifest.get('revision')}, {result.files} tệp đính kèm{reports})."
    )
    if result.reports is None:
        click.echo(
            "Lưu ý: bản sao lưu này được tạo trước khi sao lưu tệp báo cáo đã ban hành, nên không chứa các tệp đó; "
            f"thư mục báo cáo {result.reports_dir} được giữ nguyên như trước khi khôi phục."
        )
