"""The one password rule, against a reference written from its docstring."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem


def test_boundaries():
    assert password_problem("a" * (MIN_PASSWORD_LENGTH - 1)) == "Mật khẩu cần ít nhất 8 ký tự."
    assert password_problem("a" * MIN_PASSWORD_LENGTH) is None
    assert password_problem("a" * MAX_PASSWORD_LENGTH) is None
    assert password_problem("a" * (MAX_PASSWORD_LENGTH + 1)) == "Mật khẩu dài tối đa 200 ký tự."
    assert password_problem("") == "Mật khẩu cần ít nhất 8 ký tự."


def test_a_vietnamese_letter_typed_decomposed_counts_once():
    composed = "mậtkhẩu"  # 7 letters as the user sees them
    decomposed = unicodedata.normalize("NFD", composed + "1")
    assert len(decomposed) > MIN_PASSWORD_LENGTH
    assert password_problem(unicodedata.normalize("NFD", composed)) is not None
    assert password_problem(decomposed) is None


@given(st.text(max_size=260))
def test_accepted_exactly_when_the_visible_length_is_in_range(password):
    length = len(unicodedata.normalize("NFC", password))
    problem = password_problem(password)
    assert (problem is None) == (MIN_PASSWORD_LENGTH <= length <= MAX_PASSWORD_LENGTH)
    if length < MIN_PASSWORD_LENGTH:
        assert problem and "ít nhất" in problem
    elif length > MAX_PASSWORD_LENGTH:
        assert problem and "tối đa" in problem
