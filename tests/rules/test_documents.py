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
        ("12/kh-ubnd", "không đúng thể thức"),
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
