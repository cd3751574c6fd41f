"""What a password must be, in one place: the administrator's page, the account operations, the user's
own "Đổi mật khẩu" page and the command line all ask this module.

* Length: at least 10 characters (issue 16), no composition rules (NIST SP 800-63B); the upper bound
  only stops a request from making the hasher work on megabytes. Counted in characters after Unicode
  NFC normalisation, so a Vietnamese letter typed as base + combining mark counts once, as the user sees it.
* Not the user name: compared folded (case, diacritics and punctuation dropped, tracker.rules.folding),
  refused when either contains the other ("VanPhong.2026" for ``vanphong``).
* Not a common password: the list in ``data/common-passwords.txt`` (where it comes from is written at
  its top), compared in lower case and folded ("Mậtkhẩu123" is "matkhau123").
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from tracker.rules.folding import fold

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# A user name shorter than this (none is: the form asks for 3) is not looked for inside a password.
MIN_NAME_TO_COMPARE = 3
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"

TOO_SHORT = f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."
TOO_LONG = f"Mật khẩu dài tối đa {MAX_PASSWORD_LENGTH} ký tự."
LIKE_USERNAME = "Mật khẩu không được trùng với tên đăng nhập, chứa tên đăng nhập hoặc nằm trong tên đăng nhập."
TOO_COMMON = "Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác."


def password_length(password: str) -> int:
    return len(unicodedata.normalize("NFC", password))


def squeeze(text: str) -> str:
    """``text`` folded with nothing between the words: the form two spellings are compared in."""
    return fold(text).replace(" ", "")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    listed = common_passwords()
    lowered = unicodedata.normalize("NFC", password).casefold()
    return lowered in listed or squeeze(password) in listed


def looks_like_username(password: str, username: str) -> bool:
    name, folded = squeeze(username), squeeze(password)
    if len(name) < MIN_NAME_TO_COMPARE or not folded:
        return False
    return name in folded or folded in name


def password_problem(password: str, username: str = "") -> str | None:
    """The Vietnamese reason ``password`` cannot be used (by ``username``, when given), or None."""
    length = password_length(password)
    if length < MIN_PASSWORD_LENGTH:
        return TOO_SHORT
    if length > MAX_PASSWORD_LENGTH:
        return TOO_LONG
    if looks_like_username(password, username):
        return LIKE_USERNAME
    if is_common(password):
        return TOO_COMMON
    return None
