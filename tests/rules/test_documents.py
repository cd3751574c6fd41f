import pytest

from tracker.rules.documents import DocumentNumberError, DocumentType, auto_ordinal, check_number


@pytest.mark.parametrize(
    ("number", "doc_type"),
    [
        ("48/KH-BCĐCĐS", DocumentType.PLAN),
        ("01/KH.CCHC-STTTT", DocumentType.PLAN),
        ("199/KH-UBND", DocumentType.PLAN),
        ("13/CT-TTg", DocumentType.DIRECTIVE),
        ("21/2023/QĐ-UBND", DocumentType.DECISION),
        ("125/TB-VPUBND", DocumentType.CONCLUSION),
        ("1234/UBND-KTN", DocumentType.OFFICIAL_LETTER),
    ],
)
def test_valid_numbers(number, doc_type):
    assert check_number(f" {number} ", doc_type) == number


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("KH-UBND", "không đúng thể thức"),
        ("12/kh_ubnd", "không đúng thể thức"),  # lower case alone is normalised (issue 10); an underscore is not
        ("12/KH", "thiếu tên viết tắt"),
        ("12/CT-UBND", "không phải của một kế hoạch"),
        ("", "Vui lòng nhập"),
        ("12//KH-UBND", "không đúng thể thức"),
    ],
)
def test_malformed_numbers_have_a_vietnamese_message(number, fragment):
    with pytest.raises(DocumentNumberError, match=fragment):
        check_number(number, DocumentType.PLAN)


def test_an_official_letter_may_not_carry_a_plan_code():
    with pytest.raises(DocumentNumberError, match="không phải công văn"):
        check_number("12/KH-UBND", DocumentType.OFFICIAL_LETTER)


def test_auto_ordinal():
    assert auto_ordinal(None, 3) == "3"
    assert auto_ordinal("2", 1) == "2.1"
    assert auto_ordinal("2.1", 4) == "2.1.4"


def test_numbers_typed_in_lower_case_are_normalised_as_printed():
    assert check_number("01/kh-snv", DocumentType.PLAN) == "01/KH-SNV"
    assert check_number("48/kh-bcđcđs", DocumentType.PLAN) == "48/KH-BCĐCĐS"
    assert check_number("01/kh.cchc-stttt", DocumentType.PLAN) == "01/KH.CCHC-STTTT"
    # The Prime Minister's documents are signed "TTg", whatever the case typed.
    assert check_number("13/ct-ttg", DocumentType.DIRECTIVE) == "13/CT-TTg"
    assert check_number("13/CT-TTg", DocumentType.DIRECTIVE) == "13/CT-TTg"


def test_an_empty_number_is_asked_for():
    with pytest.raises(DocumentNumberError) as caught:
        check_number("  ", DocumentType.PLAN)
    assert str(caught.value) == "Vui lòng nhập số ký hiệu văn bản."
