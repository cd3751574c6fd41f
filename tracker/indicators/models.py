"""Chỉ tiêu of a plan (each with one or more measured parts and their targets), the results entered
per period, the journal of every change, and the statistics form (biểu thống kê) with its typed values.

Results and typed values are never overwritten: a correction is a new row, a return stamps the row it
returns. So the figure of any past date is reproducible (``rules.indicators.standing_entry``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import Unit, User
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.deadlines import Frequency
from tracker.rules.indicators import Change, Comparator, Part, Target

indicator_lead_unit = Table(
    "indicator_lead_unit",
    db.metadata,
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
)


class ResultState(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {"pending": "Chờ xác nhận", "confirmed": "Đã xác nhận", "returned": "Bị trả lại"}[self.value]


class Indicator(db.Model):
    __tablename__ = "indicator"
    __table_args__ = (Index("ix_indicator_plan_position", "plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    ordinal: Mapped[str] = mapped_column(String(20), default="")
    group_title: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str] = mapped_column(Text)
    # The lead unit(s) as written ("Các phòng thuộc Sở"), and those it was matched to.
    lead_text: Mapped[str] = mapped_column(String(300), default="")
    monitoring_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # NULL: the plan's reporting duty (quarterly when it has none).
    frequency: Mapped[Frequency | None] = mapped_column(enum_column(Frequency))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    plan: Mapped[Plan] = relationship()
    monitoring_unit: Mapped[Unit | None] = relationship()
    lead_units: Mapped[list[Unit]] = relationship(secondary=indicator_lead_unit, order_by="Unit.position")
    parts: Mapped[list[IndicatorPart]] = relationship(
        back_populates="indicator", order_by="IndicatorPart.position", cascade="all, delete-orphan"
    )

    @property
    def flagged(self) -> bool:
        return any(p.target is None for p in self.parts)

    @property
    def rule_parts(self) -> list[Part]:
        return [p.as_rule for p in self.parts]

    def __repr__(self) -> str:
        return f"<Indicator {self.id} {self.ordinal}>"


class IndicatorPart(db.Model):
    """One measured part and its target as parsed; comparator NULL: the target could not be read."""

    __tablename__ = "indicator_part"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text, default="")
    comparator: Mapped[Comparator | None] = mapped_column(enum_column(Comparator, 4))
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    unit: Mapped[str] = mapped_column(String(40), default="")
    change: Mapped[Change] = mapped_column(enum_column(Change, 10), default=Change.LEVEL)

    indicator: Mapped[Indicator] = relationship(back_populates="parts")

    @property
    def target(self) -> Target | None:
        if self.comparator is None or self.target_value is None:
            return None
        return Target(self.comparator, Decimal(self.target_value).normalize(), self.unit, self.change)

    @property
    def as_rule(self) -> Part:
        return Part(self.label, self.target_text, self.target)


class IndicatorResult(db.Model):
    """A result for one period as the lead unit entered it: the figure typed for each part."""

    __tablename__ = "indicator_result"
    __table_args__ = (Index("ix_indicator_result_period", "indicator_id", "period_code", "entered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period_code: Mapped[str] = mapped_column(String(12))  # rules.reports.period_code: "Q1-2024"
    period_end: Mapped[date] = mapped_column(Date)
    # JSON list of the figure typed for each part, as typed ("96,97%", "~20%").
    values: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_name: Mapped[str] = mapped_column(String(255), default="")
    evidence_stored: Mapped[str | None] = mapped_column(String(100), unique=True)
    evidence_type: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[ResultState] = mapped_column(enum_column(ResultState), default=ResultState.PENDING)
    entered_on: Mapped[date] = mapped_column(Date)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def typed(self) -> list[str]:
        data = json.loads(self.values or "[]")
        return [str(v) for v in data] if isinstance(data, list) else []

    @property
    def returned_on(self) -> date | None:
        return self.decided_on if self.state is ResultState.RETURNED else None


class IndicatorEvent(db.Model):
    """The journal of indicators: who entered, confirmed, returned or changed what, and when."""

    __tablename__ = "indicator_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[int | None] = mapped_column(ForeignKey("stat_form.id", ondelete="CASCADE"), index=True)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_result.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    action: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return JOURNAL_LABELS.get(self.action, self.action)


JOURNAL_LABELS = {
    "created": "Thêm chỉ tiêu",
    "edited": "Sửa chỉ tiêu",
    "entered": "Nhập kết quả",
    "corrected": "Sửa kết quả",
    "confirmed": "Xác nhận kết quả",
    "returned": "Trả lại kết quả",
    "form_created": "Tạo biểu thống kê",
    "form_copied": "Sao chép biểu thống kê",
    "row_added": "Thêm dòng",
    "value_typed": "Nhập số liệu",
}


class RowKind(StrEnum):
    """What a row of the statistics form shows: a heading, a figure typed per period by a unit, or a
    live figure counted from the tasks of a plan, of the higher bodies' documents, or an indicator."""

    HEADING = "heading"
    TYPED = "typed"
    PLAN_RATE = "plan_rate"
    PLAN_TOTAL = "plan_total"
    PLAN_DONE = "plan_done"
    PLAN_ON_TIME = "plan_on_time"
    PLAN_OVERDUE = "plan_overdue"
    HIGHER_TOTAL = "higher_total"
    HIGHER_ON_TIME = "higher_on_time"
    HIGHER_LATE = "higher_late"
    HIGHER_OVERDUE = "higher_overdue"
    INDICATOR = "indicator"

    @property
    def label(self) -> str:
        return {
            "heading": "Đề mục",
            "typed": "Nhập theo kỳ",
            "plan_rate": "Tỷ lệ hoàn thành kế hoạch",
            "plan_total": "Số nhiệm vụ đề ra (kế hoạch)",
            "plan_done": "Số nhiệm vụ đã hoàn thành (kế hoạch)",
            "plan_on_time": "Số nhiệm vụ hoàn thành đúng hạn (kế hoạch)",
            "plan_overdue": "Số nhiệm vụ quá hạn (kế hoạch)",
            "higher_total": "Nhiệm vụ cấp trên giao: tổng số",
            "higher_on_time": "Nhiệm vụ cấp trên giao: hoàn thành đúng hạn",
            "higher_late": "Nhiệm vụ cấp trên giao: hoàn thành quá hạn",
            "higher_overdue": "Nhiệm vụ cấp trên giao: quá hạn chưa hoàn thành",
            "indicator": "Kết quả chỉ tiêu",
        }[self.value]

    @property
    def needs_plan(self) -> bool:
        return self.value.startswith("plan_")


class StatForm(db.Model):
    __tablename__ = "stat_form"
    __table_args__ = (UniqueConstraint("year", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer, index=True)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("stat_form.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    rows: Mapped[list[StatRow]] = relationship(
        back_populates="form", order_by="StatRow.position", cascade="all, delete-orphan", foreign_keys="StatRow.form_id"
    )


class StatRow(db.Model):
    __tablename__ = "stat_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("stat_form.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    ordinal: Mapped[str] = mapped_column(String(20), default="")
    label: Mapped[str] = mapped_column(Text)
    unit_label: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[RowKind] = mapped_column(enum_column(RowKind), default=RowKind.TYPED)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="SET NULL"))
    # The unit that types the figure each period (TYPED rows).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))

    form: Mapped[StatForm] = relationship(back_populates="rows", foreign_keys=[form_id])
    plan: Mapped[Plan | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class StatValue(db.Model):
    """A figure typed for a row and a period; a correction is a new row (the latest by the cut-off wins)."""

    __tablename__ = "stat_value"
    __table_args__ = (Index("ix_stat_value_row_period", "row_id", "period_code", "entered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("stat_row.id", ondelete="CASCADE"))
    period_code: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(200))
    entered_on: Mapped[date] = mapped_column(Date)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
