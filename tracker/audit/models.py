"""One row per administrative change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import User
from tracker.database import UTCDateTime
from tracker.extensions import db


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
    # Dotted, stable names such as "plan.updated", "calendar.shift_changed" (see operations.AuditAction).
    action: Mapped[str] = mapped_column(String(60))
    target_kind: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    # A short Vietnamese sentence for the audit page, written when the change is made.
    summary: Mapped[str] = mapped_column(String(500), default="")
    # What changed: {"field": [old, new], ...} or other JSON-serialisable facts.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")
