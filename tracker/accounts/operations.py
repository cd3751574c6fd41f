"""Writes to units and accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.accounts.models import Role, Unit, UnitKind, User
from tracker.errors import ValidationFailed
from tracker.extensions import db

UNIT_ROLES = (Role.UNIT_HEAD, Role.STAFF)


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
) -> Unit:
    name = (name or "").strip()
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
    if errors:
        raise ValidationFailed(errors)
    unit = unit or Unit()
    unit.name, unit.short_name, unit.kind = name, (short_name or "").strip(), kind
    unit.parent, unit.position, unit.email, unit.active = parent, position or 0, (email or "").strip(), active
    db.session.add(unit)
    db.session.flush()
    return unit


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
) -> User:
    username = (username or "").strip().lower()
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
        errors["password"] = "Vui lòng đặt mật khẩu cho tài khoản mới."  # a message, not a password  # nosec B105
    if password is not None and password and len(password) < 8:
        errors["password"] = "Mật khẩu cần ít nhất 8 ký tự."  # a message, not a password  # nosec B105
    if errors:
        raise ValidationFailed(errors)
    user = user or User(username=username)
    user.username, user.full_name, user.role = username, full_name.strip(), role
    user.unit, user.email, user.active = unit, (email or "").strip(), active
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
