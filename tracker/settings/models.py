"""Office-wide settings kept in the database: the working-day calendar's exceptions and small state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker import clock
from tracker.database import UTCDateTime
from tracker.enums import enum_column
from tracker.extensions import db
from tracker.rules.labels import LabelledEnum


class CalendarDayKind(LabelledEnum):
    DAY_OFF = "day_off", "Ngày nghỉ bổ sung"
    WORKING_DAY = "working_day", "Ngày làm việc bù"


class CalendarDay(db.Model):
    """An exception to the weekday and public-holiday rule, set by the administrator each year."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[CalendarDayKind] = mapped_column(enum_column(CalendarDayKind))
    note: Mapped[str] = mapped_column(String(200), default="")


class AppState(db.Model):
    """Small facts the processes share, such as the scheduler's last heartbeat."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    # Who last changed a setting the administrator keeps (None: a process, such as the scheduler).
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
