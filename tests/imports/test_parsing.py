"""The pure readers: seed 004 as pasted text and as a Word file with real numbering, directives, the
deadline corpus, unit spellings, folding. No application, no database."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.imports.builders import has_numbering_in_text, seed_004, seed_004_docx
from tracker.imports.parse_deadlines import DeadlineFlag, read_deadline
from tracker.imports.parse_docx import docx_blocks
from tracker.imports.parse_structure import parse_blocks, rank, read_fields, split_label
from tracker.imports.parse_text import text_blocks
from tracker.imports.parse_units import GroupKind, find_group, group_kind, split_lead, split_units
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.folding import Named, NameIndex, fold

# What seed 004 assigns in its content section (II), as the document writes it: title start, lead, coop, deadline.
SEED_004_CONTENT = [
    ("Công tác tuyên truyền", "Văn phòng Sở", "Các phòng, đơn vị thuộc Sở", "Thường xuyên"),
    ("Nâng cao tinh thần trách nhiệm", "Văn phòng Sở", "Các phòng, đơn vị thuộc Sở", "Thường xuyên"),
    ("Thực hiện tốt việc tuyên truyền", "Văn phòng Sở", "Các phòng, đơn vị thuộc Sở", "Thường xuyên"),
    ("Thường xuyên tuyên truyền và tổ chức phổ biến", "Văn phòng Sở", "Các phòng, đơn vị thuộc Sở", "Thường xuyên"),
    ("Thể chế số", "Các phòng, đơn vị thuộc Sở", "Văn phòng Sở", "Trong năm 2024"),
    ("Xây dựng văn bản triển khai", "Các phòng, đơn vị thuộc Sở", "Văn phòng Sở", "Trong năm 2024"),
    ("Xây dựng các chính sách, giải pháp thu hút đầu tư", "Các phòng, đơn vị thuộc Sở", "Văn phòng Sở", "Trong năm 2024"),
    ("Thường xuyên rà soát, tham mưu Chủ tịch UBND tỉnh", "Các phòng, đơn vị thuộc Sở", "Văn phòng Sở", "Trong năm 2024"),
    ("Đẩy mạnh phát triển nguồn nhân lực", "", "", ""),
    ("Đẩy mạnh công tác tự học tập", "Các phòng, đơn vị thuộc Sở", "", "Thường xuyên"),
    (
        "Thường xuyên rà soát, cử công chức chuyên trách CNTT",
        "Văn phòng Sở; phòng CCVC Sở",
        "Các phòng, đơn vị thuộc Sở",
        "Theo chương trình, kế hoạch tập huấn, bồi dưỡng của các cơ quan, đơn vị có liên quan",
    ),
    ("Phát triển chính quyền số", "Các phòng, đơn vị thuộc Sở", "Văn phòng Sở", "Thường xuyên"),
    *[
        (start, "Các phòng, đơn vị thuộc Sở", "Văn phòng Sở", "Thường xuyên")
        for start in (
            "Tiếp tục duy trì ổn định hoạt động hạ tầng",
            "Xây dựng, phát triển CSDL",
            "Đầu tư trang thiết bị",
            "Thực hiện báo cáo trên Hệ thống thông tin báo cáo của tỉnh",
            "Thực hiện báo cáo trên Hệ thống thông tin báo cáo của Bộ Nội vụ",
            "Triển khai có hiệu quả",
            "Duy trì, phát triển Cổng thông tin điện tử",
            "Tiếp tục triển khai, phát triển, tích hợp",
        )
    ],
    ("An toàn thông tin mạng", "các phòng, đơn vị thuộc Sở", "Văn phòng Sở", "Trong năm 2024"),
    ("Dữ liệu số", "", "", ""),
    ("Tiếp tục duy trì, nâng cấp Hệ thống quản lý hồ sơ", "phòng Công chức, viên chức", "", ""),
    ("Tiếp tục duy trì, nâng cấp Hệ thống chấm điểm", "phòng Cải cách hành chính", "", ""),
    ("Tiếp tục triển khai Đề án phát triển ứng dụng dữ liệu", "Phòng Công chức, viên chức", "", ""),
]
SEED_004_PARENTS = {  # child title start -> its parent's
    "Nâng cao tinh thần trách nhiệm": "Công tác tuyên truyền",
    "Xây dựng văn bản triển khai": "Thể chế số",
    "Thường xuyên rà soát, cử công chức": "Đẩy mạnh phát triển nguồn nhân lực",
    "Tiếp tục triển khai, phát triển, tích hợp": "Phát triển chính quyền số",
    "Tiếp tục triển khai Đề án": "Dữ liệu số",
}


def _by_title(doc, start):
    found = [t for t in doc.tasks if t.title.startswith(start)]
    assert len(found) == 1, (start, [t.title[:40] for t in found])
    return found[0]


def _check_seed_004(doc):
    content = [t for t in doc.tasks if not t.duty and not t.source.startswith("Bảng") and "dòng 19" not in t.source]
    body = [t for t in content if not (t.parent and _parent_title(doc, t).startswith("Phụ lục"))]
    body = [t for t in body if not t.title.startswith("Phụ lục")]
    assert len(body) == len(SEED_004_CONTENT)
    for task, (start, lead, coop, deadline) in zip(body, SEED_004_CONTENT, strict=True):
        assert task.title.startswith(start), (task.title, start)
        assert (task.lead_text, task.coop_text, task.deadline_text) == (lead, coop, deadline), task.title
    for child, parent in SEED_004_PARENTS.items():
        assert _parent_title(doc, _by_title(doc, child)).startswith(parent)
    # The single paragraph of section 5 is the task's description, not a task of its own.
    assert _by_title(doc, "An toàn thông tin mạng").description.startswith("Tiếp tục rà soát, phê duyệt hồ sơ")
    # The two reporting duties of "Tổ chức thực hiện", periodic.
    duties = [t for t in doc.tasks if t.duty]
    assert [(d.title[:40], d.lead_text, d.deadline_text) for d in duties] == [
        ("Báo cáo kết quả thực hiện Kế hoạch này q", "các phòng, đơn vị thuộc Sở", "Định kỳ trước ngày 15 của tháng cuối quý"),
        ("Tổng hợp báo cáo kết quả thực hiện gửi S", "Văn phòng Sở", "trước ngày 20 của tháng cuối quý"),
    ]
    # Phụ lục 1: its twelve indicators with their lead and monitoring units.
    appendix = [i for i in doc.indicators if i.monitor_text or i.group]
    assert len(appendix) == 12
    assert appendix[0].target == "đạt trên 70%" and appendix[0].lead_text == "Các phòng thuộc Sở"
    assert appendix[0].monitor_text == "Văn phòng Sở" and appendix[0].group == "Phát triển chính quyền số"
    assert appendix[9].text.endswith("của tỉnh, của Bộ Nội vụ")  # the row broken over a page is one indicator
    assert appendix[11].lead_text.startswith("Phòng Cải cách hành chính phối hợp")
    # Mục tiêu cụ thể: 13 targets in the body.
    assert len([i for i in doc.indicators if not i.group]) == 13
    # Phụ lục 2 (projects): its four rows as tasks under one heading.
    projects = [t for t in doc.tasks if t.parent and _parent_title(doc, t).startswith("Phụ lục 2")]
    assert [p.lead_text for p in projects] == [
        "Phòng Cải cách chính hành",
        "Phòng Công chức, viên chức",
        "Phòng Thi đua, khen thưởng",
        "Trung tâm lưu trữ lịch sử",
    ]
    assert {p.deadline_text for p in projects} == {"2024"}
    assert doc.parent_numbers == ["199/KH-UBND"]
    assert doc.doc_type == "plan"
    assert doc.title == "Kế hoạch thực hiện chuyển đổi số của Sở Nội vụ năm 2024"


def _parent_title(doc, task):
    return next(t.title for t in doc.tasks if t.key == task.parent)


def test_seed_004_as_pasted_text():
    doc = parse_blocks(text_blocks(seed_004()))
    _check_seed_004(doc)
    # The seed leaves the number and the day blank: said, not guessed.
    assert doc.number == "" and doc.issued_on is None and doc.issuer_code == "SNV"
    assert any("chưa ghi số" in w for w in doc.warnings) and any("Ngày ban hành chưa đủ" in w for w in doc.warnings)
    assert [s.reason for s in doc.skipped] == ["Ghi chú trong ngoặc, không phải nhiệm vụ"]


def test_seed_004_as_word_with_automatic_numbering():
    data = seed_004_docx()
    assert not has_numbering_in_text(data)  # the numbers live in numbering.xml only
    blocks = docx_blocks(data)
    labels = [b.label for b in blocks if getattr(b, "label", "")]
    assert labels[:6] == ["I.", "1.", "-", "2.", "2.1.", "-"]
    assert "II." in labels and "III." in labels and "+" in labels
    doc = parse_blocks(blocks)
    _check_seed_004(doc)
    assert (doc.number, doc.issued_on, doc.issuer_text, doc.warnings) == (
        "25/KH-SNV",
        "2024-02-20",
        "Sở Nội vụ tỉnh Bắc Giang",
        [],
    )
    assert _by_title(doc, "Công tác tuyên truyền").ordinal == "1"
    assert _by_title(doc, "Dữ liệu số").ordinal == "6"  # counted by Word's rules across headings


def test_numbering_levels_restart_and_formats():
    from tracker.imports.parse_docx import _Level, _Numbering

    n = _Numbering(
        levels={"1": {0: _Level(1, "upperRoman", "%1."), 1: _Level(1, "decimal", "%2."), 2: _Level(1, "lowerLetter", "%3)")}},
        nums={"5": "1", "6": "1"},
        overrides={"6": {0: 1}},
    )
    seq = [n.label("5", lvl) for lvl in (0, 1, 1, 2, 2, 1, 2, 0, 1)]
    assert seq == ["I.", "1.", "2.", "a)", "b)", "3.", "a)", "II.", "1."]
    assert n.label("6", 0) == "I."  # a new list instance with a start override begins again


def test_directive_bullets_with_two_assignments():
    text = """UBND TỈNH BẮC GIANG
Số: 12/CT-UBND
Bắc Giang, ngày 03 tháng 11 năm 2025
CHỈ THỊ
Về tăng cường kỷ luật, kỷ cương hành chính
- Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính và các cơ quan liên quan xây dựng đề án vị trí việc làm, hoàn thành trước ngày 15/12/2025; giao Sở Tài chính chủ trì bố trí kinh phí thực hiện trong Quý I/2026.
- Giao Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện Chỉ thị này.
"""
    doc = parse_blocks(text_blocks(text))
    assert (doc.doc_type, doc.number, doc.issued_on) == ("directive", "12/CT-UBND", "2025-11-03")
    assert [(t.title, t.lead_text, t.coop_text, t.deadline_text) for t in doc.tasks] == [
        ("Xây dựng đề án vị trí việc làm", "Sở Nội vụ", "Sở Tài chính và các cơ quan liên quan", "trước ngày 15/12/2025"),
        ("Bố trí kinh phí thực hiện", "Sở Tài chính", "", "trong Quý I/2026"),
        ("Theo dõi, đôn đốc việc thực hiện Chỉ thị này", "Văn phòng UBND tỉnh", "", ""),
    ]


def test_field_styles_offices_use():
    assert read_fields(
        "a) Đơn vị chủ trì: Sở Nội vụ; b) Đơn vị phối hợp: Sở Tài chính; c) Thời gian hoàn thành: Quý II/2025"
    ) == {
        "lead": "Sở Nội vụ",
        "coop": "Sở Tài chính",
        "deadline": "Quý II/2025",
    }
    assert read_fields("Cơ quan chủ trì: Văn phòng Sở") == {"lead": "Văn phòng Sở"}
    assert read_fields("+ Đơn vị chủ trì (tham mưu) thực hiện: Văn phòng Sở.") == {"lead": "Văn phòng Sở"}
    assert read_fields("Sản phẩm: Báo cáo") == {"product": "Báo cáo"}
    text = """II. NỘI DUNG
1. Rà soát thủ tục hành chính (Đơn vị thực hiện: phòng Cải cách hành chính)
2. Số hoá hồ sơ
a) Đơn vị chủ trì: Văn phòng Sở
b) Thời gian thực hiện: Từ 01/7/2025
"""
    doc = parse_blocks(text_blocks(text))
    assert [(t.title, t.lead_text, t.deadline_text) for t in doc.tasks] == [
        ("Rà soát thủ tục hành chính", "phòng Cải cách hành chính", ""),
        ("Số hoá hồ sơ", "Văn phòng Sở", "Từ 01/7/2025"),
    ]


def test_an_appendix_task_table_replaces_the_body_bullets():
    text = "II. NỘI DUNG\n- Một gạch đầu dòng chung chung\n- Một gạch nữa\nPhụ lục\nDANH MỤC NHIỆM VỤ\n" + "\n".join(
        "\t".join(r)
        for r in [
            ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Sản phẩm"],
            ["1", "Xây dựng kế hoạch", "Văn phòng Sở", "Thanh tra Sở", "Quý I/2025", "Kế hoạch"],
            ["2", "Tổ chức hội nghị", "Phòng Cải cách hành chính", "", "Tháng 6/2025", "Hội nghị"],
        ]
    )
    doc = parse_blocks(text_blocks(text))
    assert [(t.title, t.lead_text, t.coop_text, t.deadline_text, t.product) for t in doc.tasks] == [
        ("Xây dựng kế hoạch", "Văn phòng Sở", "Thanh tra Sở", "Quý I/2025", "Kế hoạch"),
        ("Tổ chức hội nghị", "Phòng Cải cách hành chính", "", "Tháng 6/2025", "Hội nghị"),
    ]
    assert "2 gạch đầu dòng" in doc.warnings[0]


@pytest.mark.parametrize(
    ("text", "label", "depth"),
    [
        ("I. MỤC TIÊU", "I.", 0),
        ("IV. KINH PHÍ", "IV.", 0),
        ("1. Công tác", "1.", 1),
        ("2.1. Phát triển", "2.1.", 2),
        ("1.1.2 Ba cấp", "1.1.2", 3),
        ("a) Đơn vị", "a)", 20),
        ("- Gạch", "-", 21),
        ("+ Cộng", "+", 22),
        ("100% các hệ thống", "", 30),
        ("Xây dựng kế hoạch", "", 30),
    ],
)
def test_labels_and_depth(text, label, depth):
    assert split_label(text)[0] == label
    assert rank(label) == depth


# ---------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("phrase", "kind", "due", "start", "flag"),
    [
        ("Thường xuyên", "ongoing", None, None, ""),
        ("Trong năm 2024", "fixed", date(2024, 12, 31), None, ""),
        ("Quý III/2024", "fixed", date(2024, 9, 30), None, ""),
        ("trước ngày 15 của tháng cuối quý", "periodic", None, None, ""),
        ("Thường xuyên; riêng nội dung rà soát hoàn thành trong Quý II/2024", "fixed", date(2024, 6, 30), None, "compound"),
        ("Quý IV/2025 - Quý II/2026", "fixed", date(2026, 6, 30), date(2025, 10, 1), "range"),
        ("Từ 01/7/2025", "undetermined", None, date(2025, 7, 1), "start_only"),
        ("Từ 01/7/2025 đến 31/12/2025", "fixed", date(2025, 12, 31), date(2025, 7, 1), "range"),
        ("Giai đoạn 2024-2025", "fixed", date(2025, 12, 31), date(2024, 1, 1), "range"),
        ("Theo chương trình, kế hoạch tập huấn", "undetermined", None, None, "undetermined"),
        ("", "undetermined", None, None, "undetermined"),
        ("31/02/2024", "undetermined", None, None, "invalid"),
        ("Hoàn thành trước 30/6/2024; báo cáo trước 15/12/2024", "undetermined", None, None, "undetermined"),
        ("**Trong năm 2024**.", "fixed", date(2024, 12, 31), None, ""),
    ],
)
def test_deadline_corpus(phrase, kind, due, start, flag):
    read = read_deadline(phrase, 2024)
    assert (read.kind.value, read.due, read.start, read.flag) == (kind, due, start, flag)
    # The phrase is kept as written (markup aside), whatever it resolved to.
    assert read.phrase == phrase.replace("*", "").strip(" .")
    assert read.explicit_due == (due if flag in ("compound", "range") else None)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_a_date_range_ends_at_its_end(a, b):
    first, last = min(a, b), max(a, b)
    read = read_deadline(f"Từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}")
    assert (read.kind, read.due, read.start, read.flag) == (DeadlineKind.FIXED, last, first, DeadlineFlag.RANGE)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_ongoing_with_one_dated_part_takes_that_date(day):
    read = read_deadline(f"Thường xuyên; riêng báo cáo hoàn thành trước ngày {day.day}/{day.month}/{day.year}")
    assert (read.due, read.flag) == (day, DeadlineFlag.COMPOUND)


# ---------------------------------------------------------------- units


UNITS = [
    Named(1, ("Văn phòng Sở", "VP", "Văn phòng VP")),
    Named(2, ("Phòng Công chức, viên chức", "CCVC", "Phòng CCVC")),
    Named(3, ("Phòng Cải cách hành chính", "CCHC", "Phòng CCHC")),
    Named(4, ("Ban Thi đua - Khen thưởng", "TĐKT")),
    Named(5, ("Trung tâm Lưu trữ lịch sử", "LTLS")),
    Named(6, ("Sở Thông tin và Truyền thông", "Sở TT&TT")),
    Named(7, ("Phòng Số hoá dữ liệu",)),
]


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("Văn phòng Sở", 1),
        ("VĂN PHÒNG SỞ", 1),
        ("van phong so", 1),
        ("Văn  phòng   Sở.", 1),
        ("phòng CCVC Sở", 2),
        ("Phòng Công chức, viên chức.", 2),
        ("phòng công chức - viên chức", 2),
        ("Phòng Cải cách hành chính thuộc Sở", 3),
        ("Ban Thi đua, Khen thưởng", 4),
        ("Trung tâm lưu trữ lịch sử tỉnh Bắc Giang", 5),
        ("Sở TT&TT", 6),
        ("Phòng Số hóa dữ liệu", 7),  # tone mark on the other vowel
        ("Phong So hoa du lieu", 7),  # typed without Vietnamese input
        ("Phòng Cải cách chính hành", None),  # a typo is flagged, never matched to the nearest name
        ("Phòng Thi đua, khen thưởng", None),
    ],
)
def test_unit_spellings(written, unit):
    assert NameIndex.build(UNITS).find(written) == unit


def test_a_name_two_units_share_matches_neither():
    index = NameIndex.build([Named(1, ("Phòng Tổng hợp",)), Named(2, ("Phòng Tổng hợp",))])
    assert index.find("Phòng Tổng hợp") is None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Văn phòng Sở; phòng CCVC Sở.", ["Văn phòng Sở", "phòng CCVC Sở"]),
        ("Phòng Công chức, viên chức", ["Phòng Công chức, viên chức"]),
        ("Các phòng, đơn vị thuộc Sở .", ["Các phòng, đơn vị thuộc Sở"]),
        (
            "Sở Thông tin và Truyền thông, Sở Tài chính và UBND các huyện",
            ["Sở Thông tin và Truyền thông", "Sở Tài chính", "UBND các huyện"],
        ),
        ("Phòng Xây dựng chính quyền và Công tác thanh niên", ["Phòng Xây dựng chính quyền và Công tác thanh niên"]),
        (
            "Văn phòng Sở, Thanh tra Sở và Phòng Cải cách hành chính",
            ["Văn phòng Sở", "Thanh tra Sở", "Phòng Cải cách hành chính"],
        ),
        ("", []),
    ],
)
def test_splitting_unit_lists(text, names):
    assert split_units(text) == names


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("Các phòng, đơn vị thuộc Sở", GroupKind.ALL),
        ("các phòng đơn vị thuộc Sở", GroupKind.ALL),
        ("Phòng, đơn vị thuộc Sở.", GroupKind.ALL),
        ("Các phòng thuộc Sở", GroupKind.DIVISIONS),
        ("các cơ quan, đơn vị liên quan", GroupKind.RELATED),
        ("các phòng thuộc Sở có thủ tục hành chính", GroupKind.RELATED),
        ("Văn phòng Sở", None),
        ("Phòng Công chức, viên chức", None),
    ],
)
def test_group_phrases(phrase, kind):
    assert group_kind(phrase) is kind


def test_group_in_a_sentence_and_partners_in_a_lead_cell():
    assert (
        find_group("1. Căn cứ Kế hoạch này Thủ trưởng các phòng, đơn vị thuộc Sở xây dựng kế hoạch")
        == "các phòng, đơn vị thuộc Sở"
    )
    assert find_group("Văn phòng Sở tổng hợp") == ""
    split = split_lead("Phòng Cải cách hành chính phối hợp với các phòng thuộc Sở có thủ tục hành chính.")
    assert (split.lead, split.coop) == ("Phòng Cải cách hành chính", "các phòng thuộc Sở có thủ tục hành chính")


_VI = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ,.-")
    ),
    max_size=40,
)


@given(_VI)
def test_folding_ignores_case_marks_spacing_and_normal_form(text):
    key = fold(text)
    assert key == fold(text.upper()) == fold(unicodedata.normalize("NFD", text)) == fold("  " + text.replace(" ", "   ") + " ")
    assert re.fullmatch(r"[0-9a-z& ]*", key) and "  " not in key and key == key.strip()


def test_tone_placement_folds_to_one_key():
    assert fold("hoá") == fold("hóa") == fold("HOÁ") == "hoa"
    assert fold("Thuỷ") == fold("Thủy") == "thuy"
    assert fold("Đơn vị") == "don vi"


def test_a_group_means_units_only_once_confirmed():
    from tracker.imports.resolve import coop_units, lead_units, pending_groups

    groups = {"g": {"phrase": "Các phòng, đơn vị thuộc Sở", "kind": "all", "unit_ids": [1, 2, 3], "confirmed": False}}
    row = {"lead_unit_id": None, "lead_units": [], "lead_groups": ["g"], "coop_unit_ids": [9], "coop_groups": ["g"]}
    assert lead_units(row, groups) == [] and coop_units(row, groups, []) == [9]
    assert pending_groups(row, groups) == ["Các phòng, đơn vị thuộc Sở"]
    groups["g"]["confirmed"] = True
    assert lead_units(row, groups) == [1, 2, 3] and coop_units(row, groups, [1, 2, 3]) == [9]
    assert pending_groups(row, groups) == []
    picked = dict(row, lead_unit_id=2, lead_groups=[])
    assert lead_units(picked, groups) == [2] and coop_units(picked, groups, [2]) == [9, 1, 3]
