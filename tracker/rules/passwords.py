"""What a password must be, in one place: the administrator's page, the account operations and the
command line all ask this module (they used to check the length three times, in three ways).

Length is the rule NIST SP 800-63B keeps (at least 8 characters, no composition rules); the upper bound
only stops a request from making the hasher work on megabytes. Counted in characters after Unicode NFC
normalisation, so a Vietnamese letter typed as base + combining mark counts once, as the user sees it.
"""

from __future__ import annotations

import unicodedata

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200


def password_length(password: str) -> int:
    return len(unicodedata.normalize("NFC", password))


def password_problem(password: str) -> str | None:
    """The Vietnamese reason ``password`` cannot be used, or None when it can."""
    length = password_length(password)
    if length < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    if length > MAX_PASSWORD_LENGTH:
        return f"Mật khẩu dài tối đa {MAX_PASSWORD_LENGTH} ký tự."
    return None
