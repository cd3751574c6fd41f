"""Writes to units and accounts. Each validates everything before it writes, flushes, and records who
made the change in the audit trail (in the caller's transaction; the caller commits)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from tracker.accounts.models import Role, Unit, UnitKind, User
from tracker.audit.models import AuditAction, AuditKind
from tracker.audit.operations import record, record_changes
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.rules.passwords import password_problem

log = logging.getLogger(__name__)

UNIT_ROLES = (Role.UNIT_HEAD, Role.STAFF)
# What the audit page shows in place of a password: never the password nor its hash.
PASSWORD_CHANGED = "(đã đặt mật khẩu mới)"  # nosec B105 (a label shown instead of a password)


def _unit_facts(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind.label if unit.kind else None,
        "parent": unit.parent.name if unit.parent else None,
        "position": unit.position,
        "email": unit.email,
        "active": unit.active,
    }


def _user_facts(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role.label if user.role else None,
        "unit": user.unit.name if user.unit else None,
        "email": user.email,
        "active": user.active,
    }


def _unit_errors(unit: Unit | None, name: str, parent_id: int | None) -> tuple[dict[str, str], Unit | None]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Vui lòng nhập tên đơn vị."
    clash = db.session.scalar(select(Unit.id).where(func.lower(Unit.name) == name.lower()))
    if clash and (unit is None or clash != unit.id):
        errors["name"] = f"Đã có đơn vị “{name}”."
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if parent_id and parent is None:
        errors["parent_id"] = "Đơn vị cấp trên không tồn tại."
    node = parent
    while node is not None and unit is not None:
        if node.id == unit.id:
            errors["parent_id"] = "Một đơn vị không thể trực thuộc chính nó."
            break
        node = node.parent
    return errors, parent


def save_unit(
    unit: Unit | None,
    *,
    name: str,
    short_name: str = "",
    kind: UnitKind = UnitKind.DIVISION,
    parent_id: int | None = None,
    position: int = 0,
    email: str = "",
    active: bool = True,
    actor: User | None = None,
) -> Unit:
    name = (name or "").strip()
    errors, parent = _unit_errors(unit, name, parent_id)
    if errors:
        raise ValidationFailed(errors)
    before = _unit_facts(unit) if unit is not None else None
    unit = unit or Unit()
    unit.name, unit.short_name, unit.kind = name, (short_name or "").strip(), kind
    unit.parent, unit.position, unit.email, unit.active = parent, position or 0, (email or "").strip(), active
    db.session.add(unit)
    db.session.flush()
    action = AuditAction.UNIT_CREATED if before is None else AuditAction.UNIT_UPDATED
    record_changes(actor, action, AuditKind.UNIT, unit.id, f"{action.label}: {unit.name}", before, _unit_facts(unit))
    return unit


def _user_errors(
    user: User | None, username: str, full_name: str, role: Role, unit_id: int | None, password: str | None
) -> tuple[dict[str, str], Unit | None]:
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Vui lòng nhập tên đăng nhập."
    clash = db.session.scalar(select(User.id).where(User.username == username))
    if clash and (user is None or clash != user.id):
        errors["username"] = f"Tên đăng nhập “{username}” đã được dùng."
    if not (full_name or "").strip():
        errors["full_name"] = "Vui lòng nhập họ và tên."
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit_id and unit is None:
        errors["unit_id"] = "Đơn vị không tồn tại."
    if role in UNIT_ROLES and unit is None:
        errors["unit_id"] = "Trưởng đơn vị và chuyên viên phải thuộc một đơn vị."
    if user is None and not password:
        errors["password"] = "Vui lòng đặt mật khẩu cho tài khoản mới."  # nosec B105 (a message, not a password)
    problem = password_problem(password) if password else None
    if problem:
        errors["password"] = problem
    return errors, unit


def save_user(
    user: User | None,
    *,
    username: str,
    full_name: str,
    role: Role,
    unit_id: int | None,
    email: str = "",
    active: bool = True,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Create or edit an account; ``password`` (None or empty: unchanged) follows rules.passwords."""
    username = (username or "").strip().lower()
    errors, unit = _user_errors(user, username, full_name, role, unit_id, password)
    if errors:
        raise ValidationFailed(errors)
    before = _user_facts(user) if user is not None else None
    user = user or User(username=username)
    user.username, user.full_name, user.role = username, full_name.strip(), role
    user.unit, user.email, user.active = unit, (email or "").strip(), active
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    action = AuditAction.USER_CREATED if before is None else AuditAction.USER_UPDATED
    after = {**_user_facts(user), "password": PASSWORD_CHANGED if password else None}
    record_changes(actor, action, AuditKind.USER, user.id, f"{action.label}: {user.username}", before, after)
    return user


def set_password(user: User, password: str, actor: User | None = None) -> None:
    """Set a new password (the command line's ``users set-password``), by the one rule."""
    problem = password_problem(password or "")
    if problem:
        raise ValidationFailed({"password": problem})
    user.set_password(password)
    db.session.flush()
    record(
        actor,
        AuditAction.PASSWORD_CHANGED,
        AuditKind.USER,
        user.id,
        f"{AuditAction.PASSWORD_CHANGED.label}: {user.username}",
        {"password": [None, PASSWORD_CHANGED]},
    )


def issue_api_token(user: User, actor: User | None = None) -> str:
    """A new API token for ``user`` (the old one stops working); the token itself is never recorded."""
    value = user.new_api_token()
    db.session.flush()
    record(actor, AuditAction.TOKEN_ISSUED, AuditKind.USER, user.id, f"{AuditAction.TOKEN_ISSUED.label}: {user.username}")
    return value
