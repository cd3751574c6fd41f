"""``flask --app wsgi users create|set-password|token``: accounts from the command line, through the same
operations (and the same password rule) as the administrator's pages. Changes made here are recorded
in the audit trail with no named user (the page shows "Dòng lệnh / hệ thống")."""

from __future__ import annotations

import logging
from typing import NoReturn

import click
from flask import Flask
from flask.cli import AppGroup

from tracker.accounts.models import Role, User
from tracker.accounts.operations import issue_api_token, save_user, set_password
from tracker.accounts.queries import unit_by_name, user_by_username
from tracker.errors import ValidationFailed
from tracker.extensions import db

log = logging.getLogger(__name__)


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _user(username: str) -> User:
    user = user_by_username(username)
    if user is None:
        fail(f"Không có tài khoản “{username}”.")
    return user


def _unit_id(unit_name: str | None) -> int | None:
    if not unit_name:
        return None
    unit = unit_by_name(unit_name)
    if unit is None:
        fail(f"Không có đơn vị “{unit_name}”.")
    return unit.id


def _refused(exc: ValidationFailed) -> None:
    db.session.rollback()
    fail(" ".join(exc.errors.values()))


users = AppGroup("users", help="Tài khoản người dùng.")


@users.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Họ và tên")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_name", default=None, help="Tên đơn vị (đúng như trong danh mục)")
@click.option("--email", default="")
@click.password_option("--password", prompt="Mật khẩu", confirmation_prompt="Nhập lại mật khẩu")
def create_user(username, full_name, role, unit_name, email, password):
    unit_id = _unit_id(unit_name)
    try:
        user = save_user(
            None, username=username, full_name=full_name, role=Role(role), unit_id=unit_id, email=email, password=password
        )
    except ValidationFailed as exc:
        _refused(exc)
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {user.username} ({user.role.label}).")


@users.command("set-password")
@click.argument("username")
@click.password_option("--password", prompt="Mật khẩu mới", confirmation_prompt="Nhập lại mật khẩu")
def set_password_command(username, password):
    user = _user(username)
    try:
        set_password(user, password)
    except ValidationFailed as exc:
        _refused(exc)
    db.session.commit()
    click.echo(f"Đã đổi mật khẩu cho {user.username}.")


@users.command("token")
@click.argument("username")
def token(username):
    """Issue a new API token (the old one stops working)."""
    value = issue_api_token(_user(username))
    db.session.commit()
    click.echo(value)


def register_cli(app: Flask) -> None:
    app.cli.add_command(users)
