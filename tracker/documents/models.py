"""A document asked for and built in the background: what it is (kind and the parameters that rebuild it
exactly), who asked, how far the build got, and the file once built (under ``instance/documents``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import User
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.rules.labels import LabelledEnum


class DocumentState(LabelledEnum):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không tạo được"


PENDING = (DocumentState.QUEUED, DocumentState.RUNNING)


class DocumentJob(db.Model):
    __tablename__ = "document_job"
    __table_args__ = (
        # The scheduler's queue (oldest first) and a person's list (newest first).
        Index("ix_document_job_state", "state", "id"),
        Index("ix_document_job_owner", "requested_by_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    # JSON: what the builder of ``kind`` needs to make the same document (the list's query, a report's id).
    params: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    state: Mapped[DocumentState] = mapped_column(enum_column(DocumentState), default=DocumentState.QUEUED)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    stored_name: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING
