"""The search fold, the query's phrases and the highlighting (pure)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.search import (
    FOLD_TABLE,
    Piece,
    fts_match,
    highlight,
    like_pattern,
    matches,
    postgres_translate_args,
    query_terms,
    search_fold,
    snippet,
)

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
LETTERS = VIETNAMESE + VIETNAMESE.upper() + "bcdfghjklmnpqrstvwxz" + "BCDFGHJKLMNPQRSTVWXZ"
TEXT = st.text(alphabet=LETTERS + " 0123456789/-.,;:()", max_size=40)


def reference_fold(text: str) -> str:
    """From domain knowledge, not from the table: decompose, drop every mark, đ → d, lower ASCII."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)
        if char in "đĐ":
            out.append("d")
        elif any(unicodedata.combining(c) for c in base) and base[0].isascii():
            out.append(base[0].lower())
        elif unicodedata.combining(char):
            continue
        else:
            out.append(char.lower() if char.isascii() else char)
    return "".join(out)


def test_the_issue_cases_all_fold_to_one_key():
    assert search_fold("THỦ TỤC") == "thu tuc" == search_fold("thủ tục")
    assert search_fold("so hoa") == search_fold("số hoá") == search_fold("số hóa") == search_fold("SỐ HOÁ") == "so hoa"
    assert search_fold("Đánh giá") == "danh gia"
    assert search_fold("25/KH-SNV") == "25/kh-snv"


def test_decomposed_text_folds_like_composed():
    for word in ("Số hoá", "thủ tục", "Nghị định", "ĐƯỜNG"):
        assert search_fold(unicodedata.normalize("NFD", word)) == search_fold(word)


@given(TEXT)
def test_fold_agrees_with_a_reference_built_from_unicode(text):
    assert search_fold(text) == reference_fold(text)
    assert search_fold(unicodedata.normalize("NFD", text)) == search_fold(text)


@given(TEXT)
def test_fold_is_idempotent_and_keeps_length_of_composed_text(text):
    once = search_fold(text)
    assert search_fold(once) == once
    assert len(once) == len(unicodedata.normalize("NFC", text))


def test_every_vietnamese_letter_is_in_the_table_both_cases():
    for char in VIETNAMESE:
        if char not in "aeiouy":
            assert char in FOLD_TABLE and char.upper() in FOLD_TABLE, char
    assert len(FOLD_TABLE) == 66 * 2 + 2 + 26 + 8  # 66 marked vowels in both cases, đ Đ, A-Z, 8 combining marks


def test_the_postgres_translate_arguments_map_each_character_as_the_table_does():
    source, target = postgres_translate_args()
    assert len(source) == len(FOLD_TABLE)
    mapping = {s: (target[i] if i < len(target) else "") for i, s in enumerate(source)}
    assert mapping == FOLD_TABLE


def test_query_terms_glue_short_words_and_need_three_characters():
    assert query_terms("so hoa") == ["so hoa"]
    assert query_terms("THỦ TỤC") == ["thu", "tuc"]
    assert query_terms("Số hoá hồ sơ") == ["so hoa", "ho so"]
    assert query_terms("KH-SNV") == ["kh-snv"]
    assert query_terms("ke hoach so 25") == ["ke hoach", "so 25"]
    assert query_terms("quản lý") == ["quan ly"]
    assert query_terms("ab") == []
    assert query_terms("  ") == []
    assert query_terms("hồ sơ") == ["ho so"]
    assert query_terms("báo cáo báo cáo") == ["bao", "cao"]


@given(st.text(alphabet=LETTERS + " ", max_size=30))
def test_every_term_is_long_enough_for_a_trigram_index(query):
    for term in query_terms(query):
        assert len(term) >= 3
        assert term == search_fold(term)


@given(TEXT, TEXT)
def test_a_text_matches_the_terms_of_any_of_its_own_spellings(prefix, suffix):
    text = f"{prefix} Số hoá thủ tục {suffix}"
    for query in ("so hoa", "số hóa", "SỐ HOÁ", "THỦ TỤC", "thu tuc"):
        assert matches(text, query_terms(query))
    assert not matches("Cải cách hành chính", query_terms("so hoa"))


def test_highlight_marks_the_words_as_written():
    pieces = highlight("Số hóa hồ sơ, kết quả giải quyết", query_terms("so hoa"))
    assert pieces == [Piece("Số hóa", True), Piece(" hồ sơ, kết quả giải quyết", False)]
    pieces = highlight("Kiểm soát THỦ TỤC hành chính và thủ tục khác", query_terms("thu tuc"))
    assert [p.text for p in pieces if p.hit] == ["THỦ", "TỤC", "thủ", "tục"]
    assert highlight("", ["abc"]) == []
    assert highlight("không có", ["xyz"]) == [Piece("không có", False)]


def test_highlight_keeps_combining_marks_with_their_letter():
    text = unicodedata.normalize("NFD", "Số hoá tài liệu")
    marked = [p.text for p in highlight(text, query_terms("so hoa")) if p.hit]
    assert marked == [unicodedata.normalize("NFD", "Số hoá")]


@given(TEXT, st.text(alphabet=LETTERS + " ", min_size=3, max_size=8))
def test_highlight_pieces_rebuild_the_text_and_every_hit_matches_a_term(text, query):
    terms = query_terms(query)
    pieces = highlight(text, terms)
    assert "".join(p.text for p in pieces) == text
    for piece in pieces:
        if piece.hit:
            assert any(term in search_fold(piece.text) for term in terms)
    hits = sum(1 for p in pieces if p.hit)
    assert (hits > 0) == any(term in search_fold(text) for term in terms)


def test_snippet_shows_the_window_around_the_match():
    long = "Mở đầu " * 40 + "triển khai số hoá hồ sơ lưu trữ" + " kết thúc" * 40
    cut = snippet(long, query_terms("so hoa"), width=60)
    assert "số hoá" in cut and cut.startswith("… ") and cut.endswith(" …")
    assert len(cut) <= 70
    assert snippet("không liên quan", query_terms("so hoa")) == ""
    assert snippet("số hoá", query_terms("so hoa")) == "số hoá"


def test_fts_and_like_escape_what_they_must():
    assert fts_match(["so hoa", 'a"b']) == '"so hoa" AND "a""b"'
    assert like_pattern("50%_x\\") == "%50\\%\\_x\\\\%"
