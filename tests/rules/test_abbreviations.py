"""The abbreviations the lists explain on hover (issue 15.5): one table, whole words only."""

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.abbreviations import ABBREVIATIONS, abbr_pieces
from tracker.web import abbr_markup

WORDS = st.sampled_from([*ABBREVIATIONS, "kh", "KHO", "Sở", "số", "25", "/", "-", " ", "&", "TT", "Đ"])


@given(st.lists(WORDS, max_size=12).map("".join) | st.text(max_size=40))
def test_pieces_give_the_text_back_and_explain_only_listed_words(text):
    pieces = abbr_pieces(text)
    assert "".join(piece for piece, _ in pieces) == text
    for piece, meaning in pieces:
        if meaning is not None:
            assert ABBREVIATIONS[piece] == meaning


def test_a_plan_number_and_a_heading():
    assert abbr_pieces("25/KH-SNV") == [("25/", None), ("KH", "Kế hoạch"), ("-", None), ("SNV", "Sở Nội vụ")]
    assert abbr_pieces("STT") == [("STT", "Số thứ tự")]
    assert abbr_pieces("Sở TT&TT") == [("Sở ", None), ("TT&TT", "Thông tin và Truyền thông")]
    # Whole words with their case: not inside a longer word, not in lower case.
    assert abbr_pieces("KHO kh") == [("KHO kh", None)]
    assert abbr_pieces("") == []


def test_a_unit_short_name_is_explained_by_its_name():
    assert abbr_pieces("VP", "Văn phòng Sở") == [("VP", "Văn phòng Sở")]
    assert abbr_pieces("Văn phòng Sở", "Văn phòng Sở") == [("Văn phòng Sở", None)]


def test_the_markup_escapes_the_text():
    assert str(abbr_markup("01/KH-<b>")) == '01/<abbr title="Kế hoạch">KH</abbr>-&lt;b&gt;'
    assert str(abbr_markup("P3", 'Phòng "Ba"')) == '<abbr title="Phòng &#34;Ba&#34;">P3</abbr>'
    assert str(abbr_markup(None)) == ""
