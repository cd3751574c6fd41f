"""Demo data of indicators: seed 004's twelve Phụ lục 1 indicators on the demo's 25/KH-SNV with a few
quarterly results (confirmed, one returned and corrected, one waiting), and seed 003's statistics
form (loaded on demand: ``flask --app wsgi indicators load-form-003``)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import select

from tracker.accounts.models import Unit, User
from tracker.extensions import db
from tracker.indicators import operations as ops
from tracker.indicators.models import Indicator, IndicatorResult, ResultState, RowKind, StatForm
from tracker.plans.models import Plan

log = logging.getLogger(__name__)

GROUP = "Phát triển chính quyền số"
# Seed 004, Phụ lục 1: (title as written, lead unit as written, demo unit key that enters the result)
SEED_004 = [
    (
        "Tỷ lệ hồ sơ được xử lý hoàn toàn trực tuyến trên hệ thống thông tin giải quyết TTHC đạt trên 70%",
        "Các phòng thuộc Sở",
        "CCHC",
    ),
    ("Tỷ lệ người dân sử dụng dịch vụ công trực tuyến từ xa đạt trên 60%", "Các phòng thuộc Sở", "CCHC"),
    (
        "100% người dân và doanh nghiệp sử dụng dịch vụ trực tuyến được định danh và xác thực thông suốt, hợp nhất trên "
        "tất cả các hệ thống của các cấp chính quyền từ trung ương đến địa phương (Đối với 100% các TTHC yêu cầu xác thực "
        "thông suốt trên hệ thống cơ sở dữ liệu Quốc gia về Dân cư hoặc các hệ thống thông tin khác)",
        "",
        "CCHC",
    ),
    (
        "Tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia trên tổng số giao dịch thanh toán của dịch vụ công "
        "đạt trên 60%",
        "Phòng Công chức, viên chức",
        "CCVC",
    ),
    (
        "Tỷ lệ TTHC có yêu cầu nghĩa vụ tài chính được thanh toán trực tuyến trên Cổng dịch vụ công quốc gia đạt trên 70%",
        "Phòng Công chức, viên chức",
        "CCVC",
    ),
    (
        "Số hoá hồ sơ, kết quả giải quyết TTHC còn hiệu lực và có giá trị sử dụng thuộc thẩm quyền giải quyết của cơ quan, "
        "đơn vị mình, đảm bảo đạt tỷ lệ tối thiểu 70%",
        "Các phòng thuộc Sở",
        "CCHC",
    ),
    (
        "Tỷ lệ số hoá hồ sơ, kết quả giải quyết TTHC tại bộ phận một cửa (Tỷ lệ hồ sơ cấp kết quả điện tử đạt 100%; "
        "Tỷ lệ TTHC số hoá kết quả giải quyết đạt 100%; Tỷ lệ khai thác sử dụng lại tài liệu đạt trên 50%)",
        "",
        "CCHC",
    ),
    (
        "Tỷ lệ văn bản trao đổi giữa các cơ quan nhà nước dưới dạng điện tử đạt 100% (trừ văn bản mật theo quy định của "
        "pháp luật)",
        "Các phòng, đơn vị thuộc Sở",
        "CCHC",
    ),
    ("Tỷ lệ hồ sơ công việc tại cấp tỉnh trên 95%", "Các phòng đơn vị thuộc Sở", "CCHC"),
    (
        "100% chế độ báo cáo, chỉ tiêu tổng hợp báo cáo định kỳ và báo cáo thống kê về kinh tế - xã hội phục vụ sự chỉ "
        "đạo, điều hành của cấp ủy, chính quyền các cấp được thực hiện trên hệ thống thông tin báo cáo của tỉnh, của Bộ "
        "Nội vụ",
        "Phòng, đơn vị thuộc Sở",
        "CCHC",
    ),
    (
        "Trên 30% hoạt động kiểm tra của cơ quan quản lý nhà nước được thực hiện thông qua môi trường số và hệ thống "
        "thông tin của cơ quan quản lý",
        "Các phòng, đơn vị thuộc Sở",
        "CCHC",
    ),
    (
        "Ban hành quy định về quy trình nội bộ, quy trình điện tử đối với giải quyết từng TTHC",
        "Phòng Cải cách hành chính phối hợp với các phòng thuộc Sở có thủ tục hành chính",
        "CCHC",
    ),
]

# Quarterly results (Q1–Q4) as typed; seed 000's figures where it has them (Q3, repeated in Q4).
RESULTS = [
    ("72,5%", "85,1%", "96,97%", "96,97%"),
    ("55%", "61,2%", "77,01%", "77,01%"),
    ("100%", "100%", "100%", "100%"),
    ("50%", "58%", "65,23%", "65,23%"),
    ("40%", "45%", "47,19%", "47,19%"),
    ("62%", "70%", "74,5%", "74,5%"),
    ("70%; 65%; 40%", "78%; 75%; 60%", "80,45%; 79,80%; 82,72%", "80,45%; 79,80%; 82,72%"),
    ("100%", "100%", "100%", "100%"),
    ("96%", "97,5%", "100%", "100%"),
    ("90%", "100%", "100%", "100%"),
    ("~15%", "~18%", "~20%", "~20%"),
    ("1 văn bản", "1 văn bản", "1 văn bản", "1 văn bản"),
]
ENTERED = (date(2024, 3, 12), date(2024, 6, 13), date(2024, 9, 12), date(2024, 12, 12))


def seed_004_indicators(plan: Plan, units: dict[str, Unit], actor: User | None) -> list[Indicator]:
    created = []
    for i, (title, lead_text, key) in enumerate(SEED_004, start=1):
        data = ops.IndicatorInput(
            title=title,
            ordinal=str(i),
            group_title=GROUP,
            lead_text=lead_text,
            lead_unit_ids=(units[key].id,),
            monitoring_unit_id=units["VP"].id,
        )
        created.append(ops.create_indicator(plan, data, actor))
    return created


def load_indicators_demo(units: dict[str, Unit], users: dict[str, User], today: date) -> None:
    """Seed 004's indicators on 25/KH-SNV: Q1–Q3 2024 confirmed, Q4 waiting for văn phòng; no. 1's Q3
    figure returned for evidence and entered again (waiting). Nothing is missing, so the demo's
    reminders are those of its tasks."""
    plan = db.session.scalar(select(Plan).where(Plan.number == "25/KH-SNV"))
    if plan is None:
        return
    indicators = seed_004_indicators(plan, units, None)
    office = users["vanphong"]
    enterer = {"CCHC": users["truongphong"], "CCVC": users["tp.ccvc"]}
    for ind, (_title, _lead, key), typed in zip(indicators, SEED_004, RESULTS, strict=True):
        for quarter, (value, entered) in enumerate(zip(typed, ENTERED, strict=True), start=1):
            if entered > today:
                continue
            values = tuple(v.strip() for v in value.split(";"))
            result = ops.enter_result(ind, ops.ResultInput(f"Q{quarter}-2024", values), enterer[key], entered)
            if quarter < 4 and (ind is not indicators[0] or quarter != 3):
                ops.confirm_result(result, office, entered + timedelta(days=2))
    # Indicator 1's Q3 figure is returned for evidence, then entered again (waiting for confirmation).
    first = indicators[0]
    waiting = db.session.scalars(
        select(IndicatorResult).where(
            IndicatorResult.indicator_id == first.id,
            IndicatorResult.period_code == "Q3-2024",
            IndicatorResult.state == ResultState.PENDING,
        )
    ).first()
    if waiting is not None:
        reason = "Đề nghị bổ sung số liệu kiểm chứng từ hệ thống một cửa."
        ops.return_result(waiting, office, reason, ENTERED[2] + timedelta(days=1))
        again = ops.ResultInput("Q3-2024", ("96,97%",), "Số liệu từ hệ thống một cửa điện tử.")
        ops.enter_result(first, again, users["truongphong"], ENTERED[2] + timedelta(days=2))
    log.info("demo: %d indicators on %s", len(indicators), plan.number)


# Seed 003's appendix (Sóc Trăng, CCHC 2023): (ordinal, label, unit, kind, typed value, note)
FORM_003 = [
    ("I", "Công tác chỉ đạo điều hành CCHC", "", RowKind.HEADING, "", ""),
    (
        "1",
        "Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)",
        "%",
        RowKind.PLAN_RATE,
        "",
        "Kế hoạch số 01/KH.CCHC-STTTT ngày 17/01/2023 về việc thực hiện cải cách hành chính năm 2023",
    ),
    ("", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", RowKind.PLAN_TOTAL, "", ""),
    ("", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", RowKind.PLAN_DONE, "", ""),
    ("", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", RowKind.TYPED, "12", ""),
    (
        "2",
        "Kiểm tra CCHC",
        "",
        RowKind.HEADING,
        "",
        "Kế hoạch số 06/KH.CCHC-STTTT ngày 07/3/2023 về kiểm tra công tác CCHC năm 2023",
    ),
    ("", "Số phòng ban đã kiểm tra", "Cơ quan, đơn vị", RowKind.TYPED, "4", ""),
    ("", "Số đơn vị trực thuộc đã kiểm tra", "Cơ quan, đơn vị", RowKind.TYPED, "1", ""),
    (
        "3",
        "Tuyên truyền CCHC",
        "",
        RowKind.HEADING,
        "",
        "Kế hoạch số 04/KH.CCHC-STTTT ngày 24/02/2023 về tuyên truyền CCHC năm 2023",
    ),
    ("", "Tỷ lệ thực hiện nhiệm vụ tuyên truyền theo kế hoạch", "%", RowKind.TYPED, "100%", ""),
    ("", "Số lượng tin, bài viết, phóng sự gửi và duyệt đăng tại Chuyên trang CCHC tỉnh", "Tin, bài", RowKind.TYPED, "9", ""),
    ("4", "Thực hiện nhiệm vụ UBND tỉnh giao", "", RowKind.HEADING, "", ""),
    ("", "Tổng số nhiệm vụ được giao", "Nhiệm vụ", RowKind.HIGHER_TOTAL, "", ""),
    ("", "Số nhiệm vụ đã hoàn thành đúng hạn", "Nhiệm vụ", RowKind.HIGHER_ON_TIME, "", ""),
    ("", "Số nhiệm vụ đã hoàn thành nhưng quá hạn", "Nhiệm vụ", RowKind.HIGHER_LATE, "", ""),
    ("7", "Khảo sát sự hài lòng của người dân, tổ chức", "", RowKind.HEADING, "", ""),
    ("", "Số lượng phiếu khảo sát", "Số lượng", RowKind.TYPED, "29", ""),
    ("II", "Cải cách thể chế", "", RowKind.HEADING, "", ""),
    ("1", "Số VBQPPL đã tham mưu ban hành", "Văn bản", RowKind.TYPED, "2", ""),
]


def load_form_003(actor: User, typed_on: date = date(2023, 12, 14)) -> StatForm:
    """Seed 003's statistics form for 2023, its live rows bound to 01/KH.CCHC-STTTT and its typed
    figures entered by văn phòng for the year (Y-2023) on ``typed_on``."""
    plan = db.session.scalar(select(Plan).where(Plan.number == "01/KH.CCHC-STTTT"))
    form = ops.create_form("Thống kê số liệu báo cáo cải cách hành chính", 2023, actor)
    for ordinal, label, unit, kind, value, note in FORM_003:
        row = ops.add_row(
            form,
            ops.RowInput(label, kind, ordinal, unit, note, plan_id=plan.id if plan and kind.needs_plan else None),
            actor,
        )
        if value:
            ops.type_value(row, "Y-2023", value, actor, typed_on)
    return form
