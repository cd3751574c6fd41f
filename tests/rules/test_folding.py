"""Folding Vietnamese names for matching (rules/folding.py): exact expectations, then the index."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.folding import Named, NameIndex, fold, lookup_keys, name_keys


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Phòng Cải cách hành chính", "phong cai cach hanh chinh"),
        ("  PHÒNG   CẢI CÁCH  hành chính ", "phong cai cach hanh chinh"),
        ("Số hoá", "so hoa"),
        ("Số hóa", "so hoa"),
        ("Đ", "d"),
        ("Đoàn Thanh niên", "doan thanh nien"),
        ("đường", "duong"),
        ("Ban Thi đua - Khen thưởng", "ban thi dua khen thuong"),
        ("Ban Thi đua, khen thưởng.", "ban thi dua khen thuong"),
        ("Sở TT&TT", "so tt&tt"),
        ("Phòng 1/2", "phong 1 2"),
        ("", ""),
        ("---", ""),
    ],
)
def test_fold(text, key):
    assert fold(text) == key


def test_fold_of_none_is_empty():
    assert fold(None) == ""  # type: ignore[arg-type]


def test_decomposed_and_composed_forms_fold_alike():
    text = "Trung tâm Lưu trữ lịch sử"
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text)) == "trung tam luu tru lich su"


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_plain(text):
    key = fold(text)
    assert fold(key) == key
    assert key == key.strip() and "  " not in key


def test_name_keys_add_the_name_without_its_place():
    assert name_keys("Sở Nội vụ tỉnh Bắc Giang") == {"so noi vu tinh bac giang", "so noi vu"}
    assert name_keys("UBND thành phố Bắc Giang") == {"ubnd thanh pho bac giang", "ubnd"}
    assert name_keys("Sở Nội vụ TP Hà Nội") == {"so noi vu tp ha noi", "so noi vu"}
    assert name_keys("Sở Nội vụ") == {"so noi vu"}
    assert name_keys("") == set()
    assert name_keys("tỉnh Bắc Giang") == {"tinh bac giang"}  # a place alone stays itself


def test_lookup_keys_most_exact_first():
    assert lookup_keys("Phòng CCVC Sở") == ["phong ccvc so", "phong ccvc"]
    assert lookup_keys("Văn phòng thuộc Sở Nội vụ") == ["van phong thuoc so noi vu", "van phong"]
    assert lookup_keys("Phòng A của Sở") == ["phong a cua so", "phong a"]
    assert lookup_keys("Phòng A trực thuộc Sở") == ["phong a truc thuoc so", "phong a"]
    assert lookup_keys("Trung tâm Lưu trữ tỉnh Bắc Giang") == ["trung tam luu tru tinh bac giang", "trung tam luu tru"]
    assert lookup_keys("Trung tâm thuộc Sở tỉnh Bắc Giang") == [
        "trung tam thuoc so tinh bac giang",
        "trung tam",  # "thuộc Sở …" takes every word after it
        "trung tam thuoc so",
    ]
    assert lookup_keys("Phòng A") == ["phong a"]
    assert lookup_keys("  ") == []
    assert lookup_keys("Sở") == ["so"]  # nothing would be left without the word: it stays


def test_lookup_keys_strip_the_trailing_words_before_the_place_only():
    # The trailing "Sở" is only dropped at the very end, so after the place went it is not tried again.
    assert lookup_keys("Phòng A Sở tỉnh Bắc Giang") == ["phong a so tinh bac giang", "phong a so"]


def test_the_index_finds_every_spelling_and_never_guesses_between_two():
    index = NameIndex.build(
        [
            Named(1, ("Phòng Cải cách hành chính", "Phòng CCHC")),
            Named(2, ("Sở Nội vụ tỉnh Bắc Giang",)),
            Named(3, ("Phòng Tổng hợp",)),
            Named(4, ("Phòng tổng hợp",)),
        ]
    )
    assert index.find("phong cai cach hanh chinh") == 1
    assert index.find("Phòng CCHC Sở") == 1
    assert index.find("Sở Nội vụ") == 2
    assert index.find("Sở Nội vụ tỉnh Bắc Giang") == 2
    assert index.find("Phòng Tổng hợp") is None
    assert index.find("Phòng không có") is None
    assert index.find("") is None
    assert index.ambiguous == {"phong tong hop"}
    assert "phong tong hop" not in index.keys


def test_the_same_thing_twice_is_not_ambiguous_and_a_third_claim_stays_ambiguous():
    index = NameIndex()
    index.add("phong a", 1)
    index.add("phong a", 1)
    assert index.keys == {"phong a": 1} and index.ambiguous == set()
    index.add("phong a", 2)
    index.add("phong a", 1)  # once shared, never again one thing's
    assert index.keys == {} and index.ambiguous == {"phong a"}
    index.add("phong b", 3)
    assert index.find("Phòng B") == 3
