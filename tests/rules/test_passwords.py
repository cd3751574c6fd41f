"""The one password rule, against a reference written from its docstring."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.passwords import (
    LIKE_USERNAME,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    TOO_COMMON,
    common_passwords,
    password_problem,
    squeeze,
)


def test_boundaries():
    assert MIN_PASSWORD_LENGTH == 10
    assert password_problem("k" * (MIN_PASSWORD_LENGTH - 1)) == "Mật khẩu cần ít nhất 10 ký tự."
    assert password_problem("kx7" + "q" * (MIN_PASSWORD_LENGTH - 3)) is None
    assert password_problem("kx7" + "q" * (MAX_PASSWORD_LENGTH - 3)) is None
    assert password_problem("k" * (MAX_PASSWORD_LENGTH + 1)) == "Mật khẩu dài tối đa 200 ký tự."
    assert password_problem("") == "Mật khẩu cần ít nhất 10 ký tự."
    assert password_problem("demo12345") is not None  # the old demo password: 9 characters


def test_a_vietnamese_letter_typed_decomposed_counts_once():
    composed = "mậtkhẩuxyz"  # 10 letters as the user sees them
    assert password_problem(unicodedata.normalize("NFD", composed)) is None
    assert password_problem(unicodedata.normalize("NFD", composed[:-1])) is not None
    assert len(unicodedata.normalize("NFD", composed[:-1])) > MIN_PASSWORD_LENGTH


def test_the_user_name_is_refused_folded_either_way():
    assert password_problem("vanphong2026", "vanphong") == LIKE_USERNAME
    assert password_problem("VănPhòng.2026", "vanphong") == LIKE_USERNAME
    assert password_problem("Nguyen.Van.An", "nguyenvanan") == LIKE_USERNAME
    assert password_problem("thanh.tra.so", "thanh.tra.so.noi.vu") == LIKE_USERNAME  # it inside the name
    assert password_problem("vanphong2026", "giamdoc") is None
    assert password_problem("vanphong2026", "") is None
    assert password_problem("abxyzwvutq", "ab") is None  # a name too short to look for


def test_common_passwords_are_refused_in_any_case_and_spelling():
    assert len(common_passwords()) > 5000
    for common in ("1234567890", "qwertyuiop", "matkhau123", "123456789a", "MatKhau123", "Mậtkhẩu123", "anhyeuem123"):
        assert password_problem(common) == TOO_COMMON, common
    assert password_problem("demo-2026-tracker") is None
    assert password_problem("matkhau-thu-nghiem") is None  # the tests' password


def reference(password: str, username: str) -> str | None:
    visible = unicodedata.normalize("NFC", password)
    if not MIN_PASSWORD_LENGTH <= len(visible) <= MAX_PASSWORD_LENGTH:
        return "length"
    return None


@given(st.text(alphabet="xyzqwkjvb0123456789-", max_size=260), st.sampled_from(["", "nguyenvana", "demo.user"]))
def test_length_decides_for_passwords_that_are_neither_common_nor_the_name(password, username):
    problem = password_problem(password, username)
    if reference(password, username) == "length":
        assert problem and ("ít nhất" in problem or "tối đa" in problem)
    elif not {password.casefold(), squeeze(password)} & common_passwords():
        assert problem is None


@given(st.text(max_size=260))
def test_accepted_only_when_the_visible_length_is_in_range(password):
    length = len(unicodedata.normalize("NFC", password))
    problem = password_problem(password)
    if not MIN_PASSWORD_LENGTH <= length <= MAX_PASSWORD_LENGTH:
        assert problem and ("ít nhất" in problem or "tối đa" in problem)
    else:
        assert problem in (None, TOO_COMMON)
