"""What the import keeps: the drafts being previewed (the parse as JSON and the uploaded file, so
nothing touches plans or tasks until the user confirms), and the unit aliases the administrator keeps."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.labels import LabelledEnum


class DraftStatus(LabelledEnum):
    DRAFT = "draft", "Đang xem trước"
    CONFIRMED = "confirmed", "Đã tạo kế hoạch"


class ImportDraft(db.Model):
    """One import: the source (kept with the plan once confirmed, downloadable) and the editable parse."""

    __tablename__ = "import_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))  # docx | xlsx | pdf | text
    content_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    state: Mapped[str] = mapped_column(Text)  # JSON: the parse and every edit made in the preview
    status: Mapped[DraftStatus] = mapped_column(enum_column(DraftStatus), default=DraftStatus.DRAFT)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), unique=True)

    created_by: Mapped[User | None] = relationship()
    plan: Mapped[Plan | None] = relationship()

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.state)

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self.state = json.dumps(value, ensure_ascii=False)


class UnitAlias(db.Model):
    """Another name a unit goes by in documents ("VP Sở" = "Văn phòng Sở"), matched after folding."""

    __tablename__ = "unit_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    unit: Mapped[Unit] = relationship()
