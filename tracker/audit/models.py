"""One row per administrative change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import User
from tracker.database import UTCDateTime
from tracker.extensions import db
from tracker.rules.labels import LabelledEnum


class AuditKind(LabelledEnum):
    """What an audit line is about (``AuditEntry.target_kind``), with its name on the audit page."""

    PLAN = "plan", "Kế hoạch, văn bản"
    ISSUER = "issuer", "Cơ quan ban hành"
    UNIT = "unit", "Đơn vị"
    USER = "user", "Tài khoản"
    CALENDAR = "calendar", "Lịch làm việc"
    SETTING = "setting", "Thiết lập"
    # Written by the notifications package (reminder rules, a person's reminder switch).
    REMINDER_RULE = "reminder_rule", "Quy tắc nhắc việc"
    PROFILE = "profile", "Thiết lập cá nhân"


class AuditAction(LabelledEnum):
    """The stable, dotted name of each change (``AuditEntry.action``) and how the page says it."""

    PLAN_CREATED = "plan.created", "Tạo văn bản"
    PLAN_UPDATED = "plan.updated", "Sửa văn bản"
    PLAN_DOCUMENT_ADDED = "plan.document_added", "Tải lên văn bản kế hoạch (bản ký)"
    PLAN_DOCUMENT_REMOVED = "plan.document_removed", "Gỡ văn bản kế hoạch (bản ký)"
    ISSUER_CREATED = "issuer.created", "Thêm cơ quan ban hành"
    ISSUER_UPDATED = "issuer.updated", "Sửa cơ quan ban hành"
    ISSUER_DELETED = "issuer.deleted", "Xoá cơ quan ban hành"
    UNIT_CREATED = "unit.created", "Thêm đơn vị"
    UNIT_UPDATED = "unit.updated", "Sửa đơn vị"
    USER_CREATED = "user.created", "Tạo tài khoản"
    USER_UPDATED = "user.updated", "Sửa tài khoản"
    PASSWORD_CHANGED = "user.password_changed", "Đổi mật khẩu"
    TOKEN_ISSUED = "user.token_issued", "Cấp mã truy cập API"
    # Issue 16 (tracker/accounts): sign-in locks, the second factor.
    LOGIN_UNLOCKED = "user.login_unlocked", "Mở khoá đăng nhập"
    TOTP_ENABLED = "user.totp_enabled", "Bật xác thực hai bước"
    TOTP_RESET = "user.totp_reset", "Đặt lại xác thực hai bước"
    TOTP_DISABLED = "user.totp_disabled", "Tự tắt xác thực hai bước"
    RECOVERY_CODES_ISSUED = "user.recovery_codes_issued", "Tạo mã khôi phục mới"
    CALENDAR_DAY_SET = "calendar.day_set", "Đặt ngày nghỉ bổ sung / làm việc bù"
    CALENDAR_DAY_REMOVED = "calendar.day_removed", "Xoá ngày nghỉ bổ sung / làm việc bù"
    SHIFT_CHANGED = "calendar.shift_changed", "Đổi quy tắc dời hạn (Điều 148 BLDS)"
    BACKDATE_CHANGED = "setting.backdate_changed", "Đổi số ngày được ghi lùi ngày hoàn thành"


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # Null for changes made from the command line without a named user, or by the system.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Dotted, stable names such as "plan.updated", "calendar.shift_changed" (see AuditAction).
    action: Mapped[str] = mapped_column(String(60))
    target_kind: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    # A short Vietnamese sentence for the audit page, written when the change is made.
    summary: Mapped[str] = mapped_column(String(500), default="")
    # What changed: {"field": [old, new], ...} or other JSON-serialisable facts.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")
