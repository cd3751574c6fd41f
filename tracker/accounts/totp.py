"""The optional second factor (issue 16 item 8): a TOTP code (RFC 6238, 30-second steps, 6 digits, as
every authenticator app makes) after the password, or one of ten recovery codes, each usable once.

The secret is kept in ``user_account.totp_secret`` (the server must compute the codes) and is shown only
on the enrolment page; it is never logged nor written to the audit trail. Recovery codes are random
(50 bits), so, like API tokens, only their SHA-256 is kept. A code is accepted for the current step and
one step either side (clocks drift), and never twice: the last step used is remembered.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, select

from tracker.accounts.models import RecoveryCode, User, hash_token
from tracker.extensions import db

log = logging.getLogger(__name__)

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
ISSUER = "Theo dõi nhiệm vụ"
_NOT_CODE = re.compile(r"[^0-9a-z]")


def new_secret() -> str:
    return pyotp.random_base32()


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now, or one either side) whose code is ``code``, or None."""
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def clean(code: str) -> str:
    """What was typed, without spaces and dashes, lower case: "123 456" → "123456", "AB12-CD34-EF" too."""
    return _NOT_CODE.sub("", (code or "").lower())[:40]


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an inline SVG data: address (no request leaves the page)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def accept_totp(user: User, code: str, now: datetime, secret: str | None = None) -> bool:
    """True (and the step remembered) when ``code`` is the account's code now and was not used before."""
    key = secret or user.totp_secret
    if not key or len(code) != 6 or not code.isdigit():
        return False
    step = matching_step(key, code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def accept_recovery_code(user: User, code: str, now: datetime) -> bool:
    """True (and the code spent) when ``code`` is one of the account's unused recovery codes."""
    if len(code) != 10:
        return False
    found = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hash_token(code), RecoveryCode.used_at.is_(None)
        )
    )
    if found is None:
        return False
    found.used_at = now
    log.info("recovery code used by %s", user.username)
    return True


def accept(user: User, typed: str, now: datetime) -> bool:
    """The second step: a TOTP code or a recovery code (flushed: a spent code stays spent)."""
    code = clean(typed)
    ok = accept_totp(user, code, now) or accept_recovery_code(user, code, now)
    db.session.flush()
    return ok


def issue_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes ("xxxxx-xxxxx"; the old ones stop working), returned once to be shown."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(code)) for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def unused_recovery_codes(user: User) -> int:
    codes = db.session.scalars(select(RecoveryCode.used_at).where(RecoveryCode.user_id == user.id))
    return sum(1 for used in codes if used is None)
