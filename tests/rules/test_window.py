from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.window import OutOfWindow, YearWindow

WINDOW = YearWindow()


@given(st.dates())
def test_a_date_is_accepted_exactly_when_its_year_is_in_the_window(day):
    if 2000 <= day.year <= 2100:
        assert WINDOW.check(day) is day
    else:
        with pytest.raises(OutOfWindow, match="nằm ngoài khoảng cho phép"):
            WINDOW.check(day)


@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_a_year_is_accepted_exactly_when_in_the_window(year):
    if 2000 <= year <= 2100:
        assert WINDOW.check(year) == year
    else:
        with pytest.raises(OutOfWindow):
            WINDOW.check(year)


def test_edges_and_messages():
    assert WINDOW.check(date(2000, 1, 1)) == date(2000, 1, 1)
    assert WINDOW.check(date(2100, 12, 31)) == date(2100, 12, 31)
    with pytest.raises(OutOfWindow) as exc:
        WINDOW.check(date(1, 1, 1))
    assert str(exc.value) == "Ngày 0001-01-01 nằm ngoài khoảng cho phép (từ 01/01/2000 đến 31/12/2100)."
    with pytest.raises(OutOfWindow) as exc:
        WINDOW.check(date(1999, 12, 31), "Ngày tính số liệu")
    assert str(exc.value) == "Ngày tính số liệu 31/12/1999 nằm ngoài khoảng cho phép (từ 01/01/2000 đến 31/12/2100)."
    with pytest.raises(OutOfWindow) as exc:
        WINDOW.check(9999)
    assert str(exc.value) == "Năm 9999 nằm ngoài khoảng cho phép (từ 2000 đến 2100)."


def test_the_window_is_configurable_and_sane():
    assert YearWindow(1990, 2200).check(1995) == 1995
    with pytest.raises(ValueError):
        YearWindow(2100, 2000)
