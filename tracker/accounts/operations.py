"""Writes to units and accounts. Each validates everything before it writes, flushes, and records who
made the change in the audit trail (in the caller's transaction; the caller commits)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from tracker.accounts import totp
from tracker.accounts.models import RecoveryCode, Role, Unit, UnitKind, User
from tracker.accounts.signin import clear_failures
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
    problem = password_problem(password, username) if password else None
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
        if before is not None:
            end_sessions(user)  # a new password set by the administrator signs the account out everywhere
    db.session.add(user)
    db.session.flush()
    action = AuditAction.USER_CREATED if before is None else AuditAction.USER_UPDATED
    after = {**_user_facts(user), "password": PASSWORD_CHANGED if password else None}
    record_changes(actor, action, AuditKind.USER, user.id, f"{action.label}: {user.username}", before, after)
    return user


def set_password(user: User, password: str, actor: User | None = None, field: str = "password") -> None:
    """Set a new password (the command line's ``users set-password``, the user's own page), by the one
    rule; every session and remember cookie of the account stops working."""
    problem = password_problem(password or "", user.username)
    if problem:
        raise ValidationFailed({field: problem})
    user.set_password(password)
    end_sessions(user)
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


def change_own_password(user: User, new_password: str, confirm: str) -> None:
    """The user's own "Đổi mật khẩu" (the current password is checked before, by signin.current_password_ok)."""
    if (new_password or "") != (confirm or ""):
        raise ValidationFailed({"confirm": "Hai lần nhập mật khẩu mới không khớp."})
    set_password(user, new_password, actor=user, field="new_password")


def end_sessions(user: User) -> None:
    """Every session and remember cookie of ``user`` stops working (signing out, a new password)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
    log.info("sessions ended for %s", user.username)


def unlock_account(user: User, actor: User | None) -> int:
    """The administrator lifts a sign-in lock: the account's failures are forgotten."""
    cleared = clear_failures(user.username)
    record(
        actor,
        AuditAction.LOGIN_UNLOCKED,
        AuditKind.USER,
        user.id,
        f"{AuditAction.LOGIN_UNLOCKED.label}: {user.username}",
        {"failures": [cleared, 0]},
    )
    return cleared


def begin_second_factor(user: User) -> str:
    """A new secret to enrol (shown on the page; in force only once confirmed with a code)."""
    if user.has_second_factor:
        raise ValidationFailed({"code": "Xác thực hai bước đã được bật cho tài khoản này."})
    user.totp_secret = totp.new_secret()
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.flush()
    log.info("second factor enrolment started by %s", user.username)
    return user.totp_secret


def confirm_second_factor(user: User, code: str, now: datetime) -> list[str]:
    """Turn the second factor on with a first good code; returns the ten recovery codes (shown once)."""
    if not user.totp_secret or user.has_second_factor:
        raise ValidationFailed({"code": "Chưa bắt đầu bật xác thực hai bước, hoặc đã bật rồi."})
    if not totp.accept_totp(user, totp.clean(code), now):
        raise ValidationFailed({"code": "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã đang hiện trong ứng dụng."})
    user.totp_confirmed_at = now
    codes = totp.issue_recovery_codes(user)
    record(user, AuditAction.TOTP_ENABLED, AuditKind.USER, user.id, f"{AuditAction.TOTP_ENABLED.label}: {user.username}")
    return codes


def _second_factor_off(user: User) -> bool:
    """Forget the secret and the recovery codes; whether it was on. When it was, every session and
    remember cookie of the account stops working (a lost phone may be a stolen one)."""
    had = user.has_second_factor
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if had:
        end_sessions(user)
    return had


def reset_second_factor(user: User, actor: User | None) -> None:
    """The administrator turns a user's second factor off (a lost phone); the user may enrol again."""
    had = _second_factor_off(user)
    record(
        actor,
        AuditAction.TOTP_RESET,
        AuditKind.USER,
        user.id,
        f"{AuditAction.TOTP_RESET.label}: {user.username}",
        {"second_factor": ["bật" if had else "tắt", "tắt"]},
    )


NOT_ON = "Xác thực hai bước chưa được bật cho tài khoản này."


def disable_own_second_factor(user: User) -> None:
    """The user turns their own second factor off (the password and a current code were checked before,
    by signin.password_and_code_ok); their other sessions end."""
    if not user.has_second_factor:
        raise ValidationFailed(NOT_ON)
    _second_factor_off(user)
    record(
        user,
        AuditAction.TOTP_DISABLED,
        AuditKind.USER,
        user.id,
        f"{AuditAction.TOTP_DISABLED.label}: {user.username}",
        {"second_factor": ["bật", "tắt"]},
    )
    log.info("second factor turned off by %s", user.username)


def renew_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for the user's own account (checked as for turning it off); the old ones,
    used or not, stop working. Returned once, to be shown; never recorded."""
    if not user.has_second_factor:
        raise ValidationFailed(NOT_ON)
    codes = totp.issue_recovery_codes(user)
    record(
        user,
        AuditAction.RECOVERY_CODES_ISSUED,
        AuditKind.USER,
        user.id,
        f"{AuditAction.RECOVERY_CODES_ISSUED.label}: {user.username}",
        {"recovery_codes": len(codes)},
    )
    log.info("recovery codes renewed by %s", user.username)
    return codes
