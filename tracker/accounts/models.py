"""Units (Sở → phòng/đơn vị) and user accounts with their role."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker import clock
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.rules.labels import LabelledEnum


class Role(LabelledEnum):
    ADMIN = "admin", "Quản trị"
    OFFICE = "office", "Văn phòng"
    LEADER = "leader", "Lãnh đạo Sở"
    UNIT_HEAD = "unit_head", "Trưởng phòng / thủ trưởng đơn vị"
    STAFF = "staff", "Chuyên viên"


class UnitKind(LabelledEnum):
    DEPARTMENT = "department", "Sở"
    OFFICE = "office", "Văn phòng"
    DIVISION = "division", "Phòng"
    CENTRE = "centre", "Đơn vị"


class Unit(db.Model):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(50), default="")
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind), default=UnitKind.DIVISION)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    email: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.position")

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # E-mail reminders may be switched off; escalations addressed to the user still go out.
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Bumped on logout, password change and "sign out everywhere": a session or remember cookie carries
    # "id:version" (get_id), so every cookie issued before the bump stops working (tracker/accounts/sessions.py).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The TOTP second factor (tracker/accounts/totp.py): the base32 secret, set at enrolment and in force
    # once confirmed with a code; the last time step used, so one code never signs in twice. Never logged.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    unit: Mapped[Unit | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def new_api_token(self) -> str:
        """Issue a token; only its hash is stored, so it is shown once."""
        token = secrets.token_urlsafe(32)
        self.api_token_hash = hash_token(token)
        return token

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: the id and the session version."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def has_second_factor(self) -> bool:
        return bool(self.totp_secret) and self.totp_confirmed_at is not None

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.ADMIN, Role.OFFICE, Role.LEADER)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginFailure(db.Model):
    """One failed sign-in (a wrong password or second-factor code), by name as typed (folded) and by client
    address: the throttle (tracker.rules.throttle) counts them from here, so it holds across gunicorn's
    workers. A successful sign-in deletes the account's rows; the administrator's unlock does too."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64), default="")
    # "password" or "code" (the second step).
    stage: Mapped[str] = mapped_column(String(10), default="password")


class RecoveryCode(db.Model):
    """A second-factor recovery code: only its SHA-256 is kept; each signs in once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
