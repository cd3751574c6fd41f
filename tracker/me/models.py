"""A person's calendar feed: the secret in its URL is kept as a hash only (like the API token), so the
address is shown once, when it is made; making a new one or revoking it ends the old one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.accounts.models import User
from tracker.database import UTCDateTime
from tracker.extensions import db


class CalendarFeed(db.Model):
    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship()
