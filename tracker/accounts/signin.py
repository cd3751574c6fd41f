"""Signing in (issue 16): the throttle, the password check that costs the same for every name, and the
second step. Writes here are the failures kept for the throttle (``login_failure``); the caller commits.

Every attempt is throttled by the name as typed (folded, so unknown names too: the answer never tells
whether a name exists) and by the client address (``request.remote_addr``, the client's own address behind
the reverse proxy ProxyFix trusts), by the rule in tracker.rules.throttle. A locked attempt is refused
before any password is checked.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts import totp
from tracker.accounts.models import LoginFailure, User
from tracker.accounts.queries import user_by_username
from tracker.extensions import db
from tracker.rules.throttle import ACCOUNT_POLICY, ADDRESS_POLICY, later, locked_until

log = logging.getLogger(__name__)

NAME_LENGTH = 80
ADDRESS_LENGTH = 64


@dataclass(frozen=True)
class Outcome:
    """What an attempt came to: ``locked`` (until then), ``failed``, or the ``user`` (signed in, or
    awaiting the second step when ``needs_code``)."""

    user: User | None = None
    needs_code: bool = False
    failed: bool = False
    locked: datetime | None = None


def folded_name(username: str) -> str:
    return (username or "").strip().lower()[:NAME_LENGTH]


@cache
def dummy_hash() -> str:
    """A hash of a random password, made with the same method as real ones: checked for unknown names so
    that they take as long as known ones."""
    return generate_password_hash(secrets.token_hex(16))


def password_matches(user: User | None, password: str) -> bool:
    """The password check, run in full whether or not the account exists (and whatever it holds)."""
    if user is None or not user.password_hash:
        check_password_hash(dummy_hash(), password or "")
        return False
    return user.check_password(password or "")


def _times(column, value: str, since: datetime) -> list[datetime]:
    return list(db.session.scalars(select(LoginFailure.at).where(column == value, LoginFailure.at > since)))


def lock_of(username: str, address: str, now: datetime) -> datetime | None:
    """Until when an attempt by this name or from this address is refused (None: it may be made now)."""
    name = folded_name(username)
    by_name = locked_until(_times(LoginFailure.username, name, now - ACCOUNT_POLICY.window), now, ACCOUNT_POLICY)
    by_address = None
    if address:
        by_address = locked_until(_times(LoginFailure.address, address, now - ADDRESS_POLICY.window), now, ADDRESS_POLICY)
    return later(by_name, by_address)


def record_failure(username: str, address: str, now: datetime, stage: str = "password") -> None:
    db.session.add(LoginFailure(username=folded_name(username), address=(address or "")[:ADDRESS_LENGTH], at=now, stage=stage))
    db.session.flush()
    log.warning("sign-in failed (%s) for %r from %s", stage, folded_name(username), address or "-")


def clear_failures(username: str) -> int:
    """Forget the account's failures (a successful sign-in, the administrator's unlock)."""
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.username == folded_name(username)))
    db.session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def sign_in(username: str, password: str, address: str, now: datetime) -> Outcome:
    """The first step: throttle, password, then either signed in or waiting for the second factor."""
    lock = lock_of(username, address, now)
    if lock is not None:
        return Outcome(locked=lock)
    user = user_by_username(username)
    if not password_matches(user, password) or user is None or not user.active:
        record_failure(username, address, now)
        return Outcome(failed=True, locked=lock_of(username, address, now))
    if user.has_second_factor:
        return Outcome(user=user, needs_code=True)
    clear_failures(user.username)
    return Outcome(user=user)


def current_password_ok(user: User, password: str, address: str, now: datetime) -> Outcome:
    """The password-change page's "current password", throttled and counted like a sign-in."""
    lock = lock_of(user.username, address, now)
    if lock is not None:
        return Outcome(locked=lock)
    if not password_matches(user, password):
        record_failure(user.username, address, now)
        return Outcome(failed=True, locked=lock_of(user.username, address, now))
    return Outcome(user=user)


def second_step(user: User, code: str, address: str, now: datetime) -> Outcome:
    """The second factor's code (or a recovery code), throttled like the password."""
    lock = lock_of(user.username, address, now)
    if lock is not None:
        return Outcome(locked=lock)
    if not user.active or not totp.accept(user, code, now):
        record_failure(user.username, address, now, "code")
        return Outcome(failed=True, locked=lock_of(user.username, address, now))
    clear_failures(user.username)
    return Outcome(user=user)


def password_and_code_ok(user: User, password: str, code: str, address: str, now: datetime) -> tuple[Outcome, str]:
    """The signed-in user proves it again (before turning the second factor off, or making new recovery
    codes): the password, then a current code, each throttled and counted like a sign-in. Returns the
    outcome and which was checked last ("password" or "code")."""
    check = current_password_ok(user, password, address, now)
    if check.user is None:
        return check, "password"
    return second_step(user, code, address, now), "code"
