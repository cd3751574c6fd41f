"""A Plan is any document that assigns tasks: a Kế hoạch, or a directive (Chỉ thị, Thông báo kết luận,
Quyết định, Công văn giao nhiệm vụ)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.rules.documents import DocumentType
from tracker.rules.labels import LabelledEnum


class PlanStatus(LabelledEnum):
    DRAFT = "draft", "Dự thảo"
    ACTIVE = "active", "Đang thực hiện"
    CLOSED = "closed", "Đã kết thúc"


class Issuer(db.Model):
    """An issuing body (cơ quan ban hành), chosen from a list the administrator keeps.

    A list rather than free text, so that "Sở Nội vụ" and "Sở Nội vụ tỉnh Bắc Giang" are one body and a
    plan number is unique within it (per year: the serials start again each January).
    """

    __tablename__ = "issuer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The abbreviation the body signs its numbers with (UBND, SNV, TTg), for the reader's benefit.
    code: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A body above the Sở (UBND tỉnh, a ministry, the Government): its documents' tasks are the
    # "nhiệm vụ cấp trên giao" a Báo cáo counts apart (migration 0011).
    higher_level: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Issuer {self.name}>"


class Plan(db.Model):
    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("issuer_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[DocumentType] = mapped_column(enum_column(DocumentType), default=DocumentType.PLAN)
    number: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(Text)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    # A parent plan we do not track, known by its number and description only.
    parent_reference: Mapped[str] = mapped_column(String(300), default="")
    monitoring_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus), default=PlanStatus.ACTIVE)
    requires_confirmation: Mapped[bool] = mapped_column(Boolean, default=True)
    # Per-plan reminder rules as JSON (see tracker.notifications.rules); NULL: the office-wide rules.
    reminder_rules: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Bumped by every ORM update (``version_id_col``, migration 0018): an edit based on an older version
    # is refused (plans.operations.update_plan).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    parent: Mapped[Plan | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Plan]] = relationship(back_populates="parent")
    issuer: Mapped[Issuer] = relationship()
    monitoring_unit: Mapped[Unit | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def display_name(self) -> str:
        return f"{self.doc_type.label} số {self.number}"

    @property
    def parent_display(self) -> str:
        if self.parent is not None:
            return self.parent.display_name
        return self.parent_reference

    def __repr__(self) -> str:
        return f"<Plan {self.number}>"


class PlanDocument(db.Model):
    """The plan's own document: the signed Kế hoạch (PDF, Word), stored like task evidence (outside the
    web root, under a random name) and served to whoever may see the plan.

    Several versions may be kept, newest first: a plan is re-signed when it is amended (Kế hoạch sửa đổi,
    bổ sung), and the earlier text stays what the tasks were set against until then. The newest is the
    current one; each can be removed (a wrong upload) by those who may upload.
    """

    __tablename__ = "plan_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    # What this version is, in the uploader's words ("Bản ký ngày 15/01/2024", "Sửa đổi lần 1").
    note: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    uploaded_by: Mapped[User | None] = relationship()
