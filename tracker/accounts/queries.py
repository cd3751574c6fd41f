"""Reads of units and accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.accounts.models import LoginFailure, Unit, UnitKind, User
from tracker.extensions import db
from tracker.rules.throttle import ACCOUNT_POLICY, locked_until


def unit_choices(blank: str | None = "— Không —") -> list[tuple]:
    """(id, name) for a select field, in the office's order; a unit no longer active says so."""
    units = db.session.scalars(select(Unit).order_by(Unit.position, Unit.name)).all()
    choices = [(u.id, u.name + ("" if u.active else " (ngừng hoạt động)")) for u in units]
    return ([(None, blank)] if blank is not None else []) + choices


def all_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.position, Unit.name)))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == (username or "").strip().lower()))


def unit_by_name(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def account_locks(users: list[User], now: datetime) -> dict[int, datetime]:
    """Each locked account's lock (by its name; addresses are not accounts), for the administrator's list."""
    since = now - ACCOUNT_POLICY.window
    rows = db.session.execute(select(LoginFailure.username, LoginFailure.at).where(LoginFailure.at > since)).all()
    by_name: dict[str, list[datetime]] = {}
    for name, at in rows:
        by_name.setdefault(name, []).append(at)
    locks = {}
    for user in users:
        until = locked_until(by_name.get(user.username, []), now, ACCOUNT_POLICY)
        if until is not None:
            locks[user.id] = until
    return locks


def office_unit_id() -> int | None:
    """The active unit of kind Văn phòng, when there is exactly one (a new plan is followed by it)."""
    ids = list(db.session.scalars(select(Unit.id).where(Unit.kind == UnitKind.OFFICE, Unit.active).limit(2)))
    return ids[0] if len(ids) == 1 else None
