"""A report: a draft văn phòng edits until it is issued; then its number, cut-off, figures (a JSON
snapshot) and three files are kept unchanged."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import User
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.labels import LabelledEnum


class ReportScope(LabelledEnum):
    PLAN = "plan", "Một kế hoạch, văn bản"
    YEAR = "year", "Tất cả kế hoạch trong năm"
    HIGHER = "higher", "Nhiệm vụ cấp trên giao"


class ReportState(LabelledEnum):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


SECTIONS = (
    ("achievements", "Kết quả đạt được"),
    ("shortcomings", "Tồn tại, hạn chế"),
    ("proposals", "Đề xuất, kiến nghị"),
    ("next_tasks", "Nhiệm vụ kỳ tới"),
)


class Report(db.Model):
    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("office_code", "issued_year", "serial"),
        # An issued report has its number, year and date (migration 0014_checks).
        CheckConstraint(
            "state <> 'issued' OR (serial IS NOT NULL AND issued_year IS NOT NULL AND issued_on IS NOT NULL)",
            name="issued_numbered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[ReportScope] = mapped_column(enum_column(ReportScope), default=ReportScope.PLAN)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    # The period as rules.periods builds it (kind, scheme, year, index); all NULL: no period.
    period_kind: Mapped[str | None] = mapped_column(String(10))
    period_scheme: Mapped[str | None] = mapped_column(String(10))
    period_year: Mapped[int | None] = mapped_column(Integer)
    period_index: Mapped[int | None] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(Text, default="")
    # The four narrative sections as JSON {"achievements": "...", ...}, plain text typed by văn phòng.
    sections: Mapped[str] = mapped_column(Text, default="{}")
    # Per-report override of the office details (JSON; only the keys typed), see queries.office_details.
    office_override: Mapped[str] = mapped_column(Text, default="{}")
    state: Mapped[ReportState] = mapped_column(enum_column(ReportState), default=ReportState.DRAFT)
    # Set on issue, never after.
    serial: Mapped[str | None] = mapped_column(String(10))
    office_code: Mapped[str | None] = mapped_column(String(40))
    issued_year: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    snapshot: Mapped[str | None] = mapped_column(Text)
    # The stored files' names under instance/reports/ (outside the web root): {"pdf": "...", ...}.
    files: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    plan: Mapped[Plan | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def is_issued(self) -> bool:
        return self.state is ReportState.ISSUED

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.state}>"
