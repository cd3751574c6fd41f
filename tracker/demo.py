"""Demo data: a department with its units and one account per role, the chuyển đổi số plan of seed 004,
and the CCHC plan 2023 of seed 003 (7 nhiệm vụ, 47 phần việc, 41 completed by 15/12/2023).

The two seeds come from two different departments; the demo files both under one department so that
a newcomer sees both shapes of plan with the same units. Everything goes through the same services
the pages use, so the demo also exercises the deadline parser and the journal.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from tracker import clock
from tracker.accounts.models import Role, Unit, UnitKind, User
from tracker.accounts.operations import save_unit, save_user
from tracker.extensions import db
from tracker.indicators.demo import load_indicators_demo
from tracker.plans.models import Plan
from tracker.plans.operations import PlanInput, create_plan, save_issuer
from tracker.reports.operations import save_office_settings
from tracker.rules.calendar import WorkCalendar
from tracker.rules.documents import DocumentType
from tracker.rules.status import Confirmation, TaskStatus
from tracker.settings.queries import load_calendar
from tracker.tasks import operations as ops
from tracker.tasks.models import Task

DEMO_PASSWORD = "demo-2026-tracker"  # the demo's published password (README), never a real account  # nosec B105

UNITS = [
    # key, name, short, kind
    ("VP", "Văn phòng Sở", "VP", UnitKind.OFFICE),
    ("TTRA", "Thanh tra Sở", "TTra", UnitKind.DIVISION),
    ("TCBC", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "TCBC", UnitKind.DIVISION),
    ("CCVC", "Phòng Công chức, viên chức", "CCVC", UnitKind.DIVISION),
    ("CCHC", "Phòng Cải cách hành chính", "CCHC", UnitKind.DIVISION),
    ("XDCQ", "Phòng Xây dựng chính quyền và Công tác thanh niên", "XDCQ", UnitKind.DIVISION),
    ("TDKT", "Ban Thi đua - Khen thưởng", "TĐKT", UnitKind.CENTRE),
    ("LTLS", "Trung tâm Lưu trữ lịch sử", "LTLS", UnitKind.CENTRE),
]

USERS = [
    # username, full name, role, unit key
    ("admin", "Quản trị hệ thống", Role.ADMIN, None),
    ("vanphong", "Nguyễn Thị Hoa", Role.OFFICE, "VP"),
    # A second văn phòng account: a completion văn phòng records waits for another person (issue 16.12).
    ("vanphong2", "Hoàng Thu Trang", Role.OFFICE, "VP"),
    ("giamdoc", "Vũ Mạnh Hùng", Role.LEADER, None),
    ("truongphong", "Trần Văn Nam", Role.UNIT_HEAD, "CCHC"),
    ("chuyenvien", "Lê Thị Mai", Role.STAFF, "CCHC"),
    ("tp.ccvc", "Phạm Quốc Bảo", Role.UNIT_HEAD, "CCVC"),
    ("tp.vanphong", "Đỗ Minh Tuấn", Role.UNIT_HEAD, "VP"),
]

# The issuing bodies a Sở receives plans from, and itself (name, the code its numbers are signed with).
ISSUERS = [
    # name, code, above the Sở (its documents' tasks are "nhiệm vụ cấp trên giao" in reports)
    ("Thủ tướng Chính phủ", "TTg", True),
    ("Văn phòng Chính phủ", "VPCP", True),
    ("Bộ Nội vụ", "BNV", True),
    ("Bộ Thông tin và Truyền thông", "BTTTT", True),
    ("Ủy ban nhân dân tỉnh Bắc Giang", "UBND", True),
    ("Sở Nội vụ tỉnh Bắc Giang", "SNV", False),
    ("Sở Thông tin và Truyền thông tỉnh Sóc Trăng", "STTTT", False),
]

# What the department's reports print at the top, under the signature and in "Nơi nhận".
REPORT_OFFICE = {
    "governing_body": "UBND TỈNH BẮC GIANG",
    "name": "SỞ NỘI VỤ",
    "code": "SNV",
    "place": "Bắc Giang",
    "head_title": "GIÁM ĐỐC",
    "signer_title": "GIÁM ĐỐC",
    "signer_name": "Vũ Mạnh Hùng",
    "deputy": "",
    "recipients": "UBND tỉnh (để báo cáo)\nLãnh đạo Sở\nCác phòng, đơn vị thuộc Sở",
    "archive": "VT, VP",
}

# The CCHC plan 2023 (seed 003): 7 nhiệm vụ, 47 phần việc. Each phần việc:
# (title, lead unit, deadline phrase, outcome) where outcome is
#   ("ontime", days before due) | ("late", days after due) | ("open",) | ("after", completion date)
# (title, lead unit, parts), each part (title, lead unit, deadline phrase, outcome: see _completion).
CCHC_2023: list[tuple[str, str, list[tuple[str, str, str, tuple[Any, ...]]]]] = [
    (
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        "VP",
        [
            ("Ban hành Kế hoạch cải cách hành chính năm 2023 của Sở", "VP", "Quý I/2023", ("ontime", 60)),
            ("Ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2023", "CCHC", "Quý I/2023", ("ontime", 62)),
            ("Ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2023", "VP", "Quý I/2023", ("ontime", 20)),
            ("Ban hành Kế hoạch kiểm tra công tác cải cách hành chính năm 2023", "TTRA", "Quý I/2023", ("late", 9)),
            ("Báo cáo cải cách hành chính định kỳ quý I, 6 tháng, 9 tháng", "VP", "Quý III/2023", ("ontime", 10)),
            ("Tổ chức kiểm tra công tác cải cách hành chính tại các phòng, đơn vị", "TTRA", "Tháng 10/2023", ("open",)),
            ("Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023", "CCHC", "Trước ngày 15/12/2023", ("ontime", 5)),
        ],
    ),
    (
        "Cải cách thể chế",
        "TCBC",
        [
            ("Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực quản lý", "TCBC", "6 tháng đầu năm 2023", ("ontime", 15)),
            ("Tham mưu dự thảo quyết định quy định chức năng, nhiệm vụ của Sở", "TCBC", "Quý III/2023", ("late", 6)),
            ("Theo dõi tình hình thi hành pháp luật năm 2023", "TTRA", "Trong năm 2023", ("ontime", 20)),
            ("Tuyên truyền, phổ biến văn bản quy phạm pháp luật mới", "VP", "Trong năm 2023", ("ontime", 25)),
            ("Kiểm tra, xử lý văn bản quy phạm pháp luật theo thẩm quyền", "TTRA", "Tháng 11/2023", ("after", date(2024, 1, 10))),
            ("Báo cáo công tác xây dựng, thi hành pháp luật", "TCBC", "Tháng 11/2023", ("ontime", 3)),
        ],
    ),
    (
        "Cải cách thủ tục hành chính",
        "CCHC",
        [
            ("Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền của Sở", "CCHC", "Quý II/2023", ("ontime", 12)),
            ("Trình công bố thủ tục hành chính sửa đổi, bổ sung", "CCHC", "Quý II/2023", ("late", 21)),
            ("Phê duyệt quy trình nội bộ giải quyết thủ tục hành chính", "CCHC", "Quý I/2023", ("ontime", 30)),
            ("Niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa", "VP", "Tháng 3/2023", ("ontime", 5)),
            ("Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính", "VP", "Trong năm 2023", ("ontime", 10)),
            ("Số hoá hồ sơ, kết quả giải quyết thủ tục hành chính", "CCHC", "Trong năm 2023", ("open",)),
            (
                "Đánh giá chất lượng giải quyết thủ tục hành chính theo Quyết định 766/QĐ-TTg",
                "CCHC",
                "Quý IV/2023",
                ("ontime", 17),
            ),
            ("Báo cáo tình hình kiểm soát thủ tục hành chính hằng quý", "CCHC", "Trước ngày 15/12/2023", ("ontime", 1)),
        ],
    ),
    (
        "Cải cách tổ chức bộ máy hành chính nhà nước",
        "TCBC",
        [
            ("Rà soát chức năng, nhiệm vụ các phòng, đơn vị thuộc Sở", "TCBC", "Quý II/2023", ("ontime", 20)),
            ("Kiện toàn tổ chức bộ máy các phòng chuyên môn", "TCBC", "Quý III/2023", ("ontime", 9)),
            ("Xây dựng đề án vị trí việc làm", "TCBC", "Quý III/2023", ("open",)),
            ("Thực hiện tinh giản biên chế theo kế hoạch", "TCBC", "Trong năm 2023", ("ontime", 30)),
            ("Kiểm tra việc thực hiện nhiệm vụ phân cấp quản lý nhà nước", "TTRA", "Tháng 9/2023", ("ontime", 4)),
            ("Báo cáo tình hình tổ chức bộ máy, biên chế năm 2023", "TCBC", "Trước ngày 30/11/2023", ("ontime", 2)),
        ],
    ),
    (
        "Cải cách chế độ công vụ",
        "CCVC",
        [
            ("Xây dựng kế hoạch đào tạo, bồi dưỡng công chức năm 2023", "CCVC", "Quý I/2023", ("ontime", 40)),
            ("Cử công chức tham gia các lớp bồi dưỡng kiến thức, kỹ năng", "CCVC", "Trong năm 2023", ("ontime", 16)),
            ("Đánh giá, xếp loại công chức, viên chức năm 2023", "CCVC", "Trong năm 2023", ("open",)),
            ("Hoàn chỉnh bản mô tả vị trí việc làm, khung năng lực", "CCVC", "Tháng 6/2023", ("late", 30)),
            ("Kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính", "TTRA", "Quý IV/2023", ("after", date(2023, 12, 28))),
            ("Thực hiện quy tắc ứng xử của cán bộ, công chức", "VP", "Trong năm 2023", ("ontime", 45)),
        ],
    ),
    (
        "Cải cách tài chính công",
        "VP",
        [
            ("Xây dựng quy chế chi tiêu nội bộ năm 2023", "VP", "Quý I/2023", ("ontime", 50)),
            ("Thực hiện cơ chế tự chủ tài chính theo Nghị định 130/2005/NĐ-CP", "VP", "Trong năm 2023", ("ontime", 11)),
            ("Công khai dự toán, quyết toán ngân sách", "VP", "Tháng 4/2023", ("ontime", 8)),
            ("Quản lý, sử dụng tài sản công đúng quy định", "VP", "Trong năm 2023", ("ontime", 19)),
            ("Thực hiện thanh toán không dùng tiền mặt", "VP", "6 tháng đầu năm 2023", ("ontime", 33)),
        ],
    ),
    (
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        "VP",
        [
            ("Duy trì hệ thống quản lý văn bản và điều hành", "VP", "Quý I/2023", ("ontime", 25)),
            ("Sử dụng chữ ký số trong gửi, nhận văn bản điện tử", "VP", "Quý II/2023", ("ontime", 14)),
            ("Cung cấp dịch vụ công trực tuyến toàn trình", "CCHC", "Quý III/2023", ("ontime", 6)),
            ("Duy trì Cổng thông tin điện tử của Sở theo Nghị định 42/2022/NĐ-CP", "VP", "Trong năm 2023", ("ontime", 22)),
            ("Áp dụng, duy trì Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015", "VP", "Tháng 11/2023", ("late", 10)),
            ("Triển khai thanh toán trực tuyến phí, lệ phí", "CCHC", "Quý II/2023", ("ontime", 9)),
            ("Kết nối Hệ thống thông tin báo cáo của tỉnh", "VP", "Tháng 8/2023", ("ontime", 12)),
            ("Bảo đảm an toàn thông tin cho các hệ thống thông tin của Sở", "VP", "Trong năm 2023", ("ontime", 7)),
            ("Số hoá tài liệu lưu trữ của cơ quan", "LTLS", "Trong năm 2023", ("ontime", 3)),
        ],
    ),
]

CCHC_CUTOFF = date(2023, 12, 15)


def _completion(due: date | None, outcome: tuple[Any, ...]) -> date | None:
    kind = outcome[0]
    if kind == "after":
        return outcome[1]
    if kind not in ("ontime", "late"):
        return None
    if due is None:
        raise ValueError(f"a demo task done {kind} needs a deadline that reads as a date")
    if kind == "ontime":
        done = due - timedelta(days=outcome[1])
        return min(done, CCHC_CUTOFF - timedelta(days=1))
    return min(due + timedelta(days=outcome[1]), CCHC_CUTOFF)


def load_demo() -> str:
    today = clock.today()
    root = save_unit(None, name="Sở Nội vụ tỉnh Bắc Giang", short_name="SNV", kind=UnitKind.DEPARTMENT)
    units: dict[str, Unit] = {}
    for position, (key, name, short, kind) in enumerate(UNITS, start=1):
        units[key] = save_unit(
            None,
            name=name,
            short_name=short,
            kind=kind,
            parent_id=root.id,
            position=position,
            email=f"{short.lower()}@demo.invalid",
        )
    users: dict[str, User] = {}
    for username, full_name, role, unit_key in USERS:
        users[username] = save_user(
            None,
            username=username,
            full_name=full_name,
            role=role,
            unit_id=units[unit_key].id if unit_key else None,
            email=f"{username}@demo.invalid",
            password=DEMO_PASSWORD,
        )
    for name, code, higher in ISSUERS:
        save_issuer(None, name=name, code=code, actor=users["admin"], higher_level=higher)
    save_office_settings(REPORT_OFFICE, users["admin"])
    office = users["vanphong"]
    _load_cchc_2023(units, office, today)
    _load_cds_2024(units, users, today)
    _load_living_year(units, users, today)
    load_indicators_demo(units, users, today)
    db.session.flush()
    return (
        f"Đã nạp dữ liệu minh hoạ: {len(units) + 1} đơn vị, {len(users)} tài khoản (mật khẩu: {DEMO_PASSWORD}), "
        f"{db.session.query(Plan).count()} kế hoạch."
    )


def _done(task, completed_on: date, actor: User, today: date, result: str = "Đã hoàn thành, có văn bản kèm theo.") -> None:
    ops.update_progress(task, ops.ProgressInput(TaskStatus.DONE, 100, result, completed_on), actor, today)
    _confirmed_by_another(task, actor)


def _confirmed_by_another(task, reporter: User) -> None:
    """A completion văn phòng recorded is confirmed by its other account (nobody confirms their own)."""
    if task.confirmation is Confirmation.PENDING:
        other = db.session.scalars(select(User).where(User.role == Role.OFFICE, User.id != reporter.id).order_by(User.id)).first()
        if other is not None:
            ops.confirm_completion(task, other)


def _load_cchc_2023(units: dict[str, Unit], office: User, today: date) -> None:
    plan = create_plan(
        PlanInput(
            doc_type=DocumentType.PLAN,
            number="01/KH.CCHC-STTTT",
            title="Kế hoạch thực hiện cải cách hành chính năm 2023",
            issuer="Sở Thông tin và Truyền thông tỉnh Sóc Trăng",
            issued_on=date(2023, 1, 17),
            year=2023,
            parent_reference="Kế hoạch số 192/KH-UBND ngày 20/12/2022 của UBND tỉnh Sóc Trăng về thực hiện cải cách hành chính năm 2023",
            monitoring_unit_id=units["VP"].id,
        ),
        office,
    )
    for title, lead, parts in CCHC_2023:
        parent = ops.create_task(
            plan,
            ops.TaskInput(title=title, lead_unit_id=units[lead].id, deadline_text="Trong năm 2023", start_date=date(2023, 1, 17)),
            office,
        )
        for part_title, part_lead, phrase, outcome in parts:
            task = ops.create_task(
                plan,
                ops.TaskInput(
                    title=part_title, lead_unit_id=units[part_lead].id, deadline_text=phrase, start_date=date(2023, 1, 17)
                ),
                office,
                parent=parent,
            )
            completed = _completion(task.due_date, outcome)
            if completed is not None:
                _done(task, completed, office, today)
            elif outcome[0] == "open":
                ops.update_progress(task, ops.ProgressInput(TaskStatus.IN_PROGRESS, 60, "Đang triển khai."), office, today)


def _load_cds_2024(units: dict[str, Unit], users: dict[str, User], today: date) -> None:
    office = users["vanphong"]
    vp = units["VP"]
    others = [u for k, u in units.items() if k != "VP"]
    plan = create_plan(
        PlanInput(
            doc_type=DocumentType.PLAN,
            number="25/KH-SNV",
            title="Kế hoạch thực hiện chuyển đổi số của Sở Nội vụ năm 2024",
            issuer="Sở Nội vụ tỉnh Bắc Giang",
            issued_on=date(2024, 2, 20),
            year=2024,
            parent_reference="Kế hoạch số 199/KH-UBND ngày 11/12/2023 của UBND tỉnh Bắc Giang về chuyển đổi số trong các cơ quan nhà nước tỉnh năm 2024",
            monitoring_unit_id=vp.id,
        ),
        office,
    )

    def add(title, lead, phrase, parent=None, coop=(), start=date(2024, 2, 20)):
        return ops.create_task(
            plan,
            ops.TaskInput(
                title=title,
                lead_unit_id=lead.id,
                deadline_text=phrase,
                cooperating_unit_ids=tuple(u.id for u in coop),
                start_date=start,
            ),
            office,
            parent=parent,
        )

    add("Công tác tuyên truyền, nâng cao nhận thức về chuyển đổi số", vp, "Thường xuyên", coop=others)

    the_che = add(
        "Thể chế số: xây dựng văn bản triển khai các nhiệm vụ được giao; rà soát, tham mưu công bố thủ tục hành chính",
        vp,
        "Trong năm 2024",
        coop=others,
    )
    finish = [date(2024, 11, 20), date(2024, 12, 10), date(2024, 12, 27), date(2025, 1, 15), None, date(2024, 10, 2), None]
    for unit, completed in zip(others, finish, strict=True):
        task = add(
            f"Rà soát, xây dựng văn bản triển khai nhiệm vụ chuyển đổi số tại {unit.name}",
            unit,
            "Trong năm 2024",
            parent=the_che,
            coop=[vp],
        )
        if completed:
            _done(task, completed, office, today)
        else:
            ops.update_progress(task, ops.ProgressInput(TaskStatus.IN_PROGRESS, 40, "Đang rà soát."), office, today)

    nhan_luc = add("Đẩy mạnh phát triển nguồn nhân lực phục vụ quá trình chuyển đổi số", vp, "Thường xuyên", coop=others)
    add("Tự học tập, nâng cao kiến thức về công nghệ thông tin, chuyển đổi số", vp, "Thường xuyên", parent=nhan_luc, coop=others)
    add(
        "Cử công chức chuyên trách CNTT tham dự các lớp đào tạo, bồi dưỡng về chuyển đổi số",
        units["CCVC"],
        "Theo chương trình, kế hoạch tập huấn, bồi dưỡng của các cơ quan, đơn vị có liên quan",
        parent=nhan_luc,
        coop=[vp],
    )

    cqs = add("Phát triển chính quyền số", vp, "Thường xuyên", coop=others)
    add("Duy trì hạ tầng mạng LAN, Internet, thiết bị CNTT; trang bị máy tính cho 100% công chức", vp, "Thường xuyên", parent=cqs)
    add(
        "Thực hiện báo cáo trên Hệ thống thông tin báo cáo của tỉnh và của Bộ Nội vụ", vp, "Thường xuyên", parent=cqs, coop=others
    )
    add("Số hoá hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực", units["CCHC"], "Thường xuyên", parent=cqs)
    add("Duy trì Cổng thông tin điện tử của Sở theo Nghị định 42/2022/NĐ-CP", vp, "Thường xuyên", parent=cqs)

    attt = add("An toàn thông tin mạng", vp, "Trong năm 2024", coop=others)
    t = add("Rà soát, phê duyệt hồ sơ đề xuất cấp độ an toàn hệ thống thông tin", vp, "Quý III/2024", parent=attt)
    _done(t, date(2024, 9, 20), office, today)
    t = add("Tham gia diễn tập thực chiến bảo đảm an toàn thông tin mạng năm 2024", vp, "Trong năm 2024", parent=attt)
    _done(t, date(2024, 12, 5), office, today)

    du_lieu = add("Dữ liệu số", units["CCVC"], "Trong năm 2024")
    t = add(
        "Duy trì, nâng cấp Hệ thống quản lý hồ sơ cán bộ, công chức, viên chức", units["CCVC"], "Trong năm 2024", parent=du_lieu
    )
    _done(t, date(2024, 12, 16), office, today)
    t = add("Duy trì, nâng cấp Hệ thống chấm điểm chỉ số cải cách hành chính", units["CCHC"], "Trong năm 2024", parent=du_lieu)
    # Reported done by the unit head and waiting for the office to confirm.
    ops.update_progress(t, ops.ProgressInput(TaskStatus.DONE, 100, "Đã nâng cấp, vận hành ổn định."), users["truongphong"], today)
    t = add(
        "Cập nhật Cơ sở dữ liệu quốc gia về cán bộ, công chức, viên chức (Thông tư 06/2023/TT-BNV)",
        units["CCVC"],
        "6 tháng đầu năm 2024",
        parent=du_lieu,
    )
    req = ops.request_extension(
        t, users["tp.ccvc"], "Chờ Bộ Nội vụ hoàn thiện phần mềm đồng bộ dữ liệu.", date(2024, 9, 30), date(2024, 6, 20)
    )
    ops.decide_extension(req, users["giamdoc"], True, "Đồng ý gia hạn đến 30/9/2024.", clock.now())
    _done(t, date(2024, 9, 25), office, today)

    # The quarterly reporting duty (section III): one occurrence per quarter, each with its own result.
    reports: list[tuple[Task, list[date | None]]] = [
        (
            add(
                "Báo cáo kết quả thực hiện Kế hoạch gửi Văn phòng Sở", vp, "Định kỳ trước ngày 15 của tháng cuối quý", coop=others
            ),
            [date(2024, 3, 12), date(2024, 6, 18), date(2024, 9, 13), None],
        ),
        (
            add("Tổng hợp báo cáo kết quả thực hiện gửi Sở Thông tin và Truyền thông", vp, "trước ngày 20 của tháng cuối quý"),
            [date(2024, 3, 19), date(2024, 6, 20), date(2024, 9, 20), date(2024, 12, 19)],
        ),
    ]
    for duty, finished in reports:
        quarters = sorted(
            (c for c in duty.children if c.is_occurrence), key=lambda c: c.period_start or date.min
        )  # occurrences all have one
        for occurrence, completed in zip(quarters, finished, strict=True):
            if completed:
                _done(occurrence, completed, office, today, "Đã gửi báo cáo.")

    du_an = add("Các dự án, hạng mục ứng dụng CNTT, chuyển đổi số năm 2024 (Phụ lục 2)", units["CCHC"], "Năm 2024")
    t = add(
        "Duy trì, nâng cấp Phần mềm theo dõi, đánh giá, xác định chỉ số CCHC (Par Index)", units["CCHC"], "2024", parent=du_an
    )
    req = ops.request_extension(
        t, users["truongphong"], "Nhà thầu chậm bàn giao phiên bản nâng cấp.", date(2025, 3, 31), date(2024, 12, 20)
    )
    t = add(
        "Duy trì, nâng cấp Hệ thống phần mềm Quản lý thông tin cán bộ, công chức, viên chức", units["CCVC"], "2024", parent=du_an
    )
    _done(t, date(2024, 12, 20), office, today)
    t = add("Duy trì Hệ thống phần mềm quản lý dữ liệu khen thưởng", units["TDKT"], "2024", parent=du_an)
    _done(t, date(2025, 2, 10), office, today)
    add("Số hoá tài liệu kho lưu trữ lịch sử tỉnh Bắc Giang", units["LTLS"], "2024", parent=du_an)


# ---------------------------------------------------------------------------------------------------
# The department in mid-year: a plan of the current year whose deadlines sit around today (the app's
# clock), so the due-soon lists, the trend, the board and the reminders show real life whatever the
# date `make run` is started on. What each phần việc becomes:
#   ontime_last  due last month, done a few days before      late_last  due last month, done days after
#   overdue      due 2, 4 or 7 working days ago, still open  week       due in the next 1-3 working days
#   next         due next month, in progress or not started  confirm    reported done, văn phòng to confirm
#   ext_pending  an extension asked, lãnh đạo to decide       ext_ok     an extension approved last month
#   early        due next week, already done
# Journal entries and creation dates are back-dated to when they would have happened.
LIVING_NUMBER = "05/KH-SNV"
LIVING = [
    (
        "Công tác tổ chức, biên chế và chính quyền địa phương",
        "TCBC",
        [
            ("Thẩm định đề án vị trí việc làm của các đơn vị sự nghiệp", "TCBC", "ontime_last"),
            ("Rà soát, sắp xếp đơn vị hành chính cấp xã giai đoạn mới", "XDCQ", "late_last"),
            ("Tổng hợp báo cáo số lượng cán bộ, công chức cấp xã", "XDCQ", "overdue"),
            ("Tham mưu kiện toàn tổ chức bộ máy các phòng thuộc Sở", "TCBC", "week"),
            ("Xây dựng kế hoạch biên chế năm sau", "TCBC", "next"),
        ],
    ),
    (
        "Cải cách hành chính và chuyển đổi số",
        "CCHC",
        [
            ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính quý này", "CCHC", "ontime_last"),
            ("Kiểm tra công tác cải cách hành chính tại các đơn vị", "CCHC", "overdue"),
            ("Cập nhật quy trình nội bộ giải quyết thủ tục hành chính", "CCHC", "week"),
            ("Báo cáo kết quả chấm điểm chỉ số cải cách hành chính", "CCHC", "confirm"),
            ("Nâng cấp phần mềm một cửa điện tử của Sở", "CCHC", "ext_pending"),
            ("Tuyên truyền về cải cách hành chính trên Cổng thông tin của Sở", "VP", "early"),
        ],
    ),
    (
        "Công tác công chức, viên chức",
        "CCVC",
        [
            ("Tổ chức bồi dưỡng kỹ năng cho công chức mới tuyển dụng", "CCVC", "ontime_last"),
            ("Đánh giá, xếp loại chất lượng viên chức quý trước", "CCVC", "late_last"),
            ("Rà soát hồ sơ nâng lương trước thời hạn", "CCVC", "overdue"),
            ("Cập nhật Cơ sở dữ liệu cán bộ, công chức, viên chức", "CCVC", "ext_ok"),
            ("Lập danh sách cử công chức đi đào tạo sau đại học", "CCVC", "next"),
        ],
    ),
    (
        "Thi đua, khen thưởng, văn thư, lưu trữ và thanh tra",
        "VP",
        [
            ("Tổng hợp hồ sơ đề nghị khen thưởng chuyên đề", "TDKT", "ontime_last"),
            ("Chỉnh lý tài liệu lưu trữ của Sở", "LTLS", "week"),
            ("Thanh tra việc thực hiện chính sách tiền lương", "TTRA", "next"),
            ("Báo cáo công tác văn thư, lưu trữ 6 tháng", "VP", "confirm"),
            ("Kiểm tra việc thực hiện quy chế văn hóa công sở", "TTRA", "next_new"),
        ],
    ),
]


def _morning(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=clock.timezone_info())


def living_dates(today: date, calendar: WorkCalendar) -> dict[str, list[date]]:
    """The deadlines of each kind, relative to ``today`` (the n-th phần việc of a kind takes the n-th)."""
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return {
        "ontime_last": [last + timedelta(days=d) for d in (4, 11, 18, 24)],
        "late_last": [last + timedelta(days=d) for d in (8, 15)],
        "overdue": [calendar.add_working_days(today, -d) for d in (2, 4, 7)],
        "week": [calendar.add_working_days(today, d) for d in (1, 2, 3)],
        "next": [following + timedelta(days=d) for d in (9, 16, 23)],
        "next_new": [following + timedelta(days=25)],
        "confirm": [calendar.add_working_days(today, d) for d in (4, 6)],
        "ext_pending": [calendar.add_working_days(today, 2)],
        "ext_ok": [last + timedelta(days=20)],
        "early": [calendar.add_working_days(today, 6)],
    }


def _living_task(plan: Plan, parent, title: str, lead: Unit, due: date, office: User, start: date):
    with clock.pinned(_morning(start, 8)):
        return ops.create_task(
            plan,
            ops.TaskInput(title=title, lead_unit_id=lead.id, due_date=due, deadline_text="", start_date=start),
            office,
            parent=parent,
        )


def _progress(task, actor: User, day: date, status: TaskStatus, percent: int, result: str, done: date | None = None) -> None:
    with clock.pinned(_morning(day, 15)):
        ops.update_progress(task, ops.ProgressInput(status, percent, result, done), actor, day)


def _living_outcome(kind: str, task, due: date, today: date, people: dict[str, User]) -> None:
    """What happened to a phần việc of ``kind``, each step at the moment it happened."""
    office, head, leader = people["vanphong"], people["head"], people["giamdoc"]
    if kind in ("ontime_last", "early", "late_last"):
        done = min(due + timedelta(days=5 if kind == "late_last" else -3), today)
        _progress(task, head, done - timedelta(days=7), TaskStatus.IN_PROGRESS, 50, "Đang triển khai.")
        _progress(task, office, done, TaskStatus.DONE, 100, "Đã hoàn thành, có văn bản kèm theo.", done)
        with clock.pinned(_morning(done, 16)):
            _confirmed_by_another(task, office)
    elif kind == "confirm":
        # The unit head reports it done yesterday: it waits for văn phòng to confirm.
        _progress(
            task,
            head,
            today - timedelta(days=1),
            TaskStatus.DONE,
            100,
            "Đã hoàn thành, gửi kèm báo cáo.",
            today - timedelta(days=1),
        )
    elif kind == "ext_pending":
        _progress(task, head, today - timedelta(days=6), TaskStatus.IN_PROGRESS, 30, "Nhà thầu đang nâng cấp.")
        with clock.pinned(_morning(today - timedelta(days=1), 10)):
            ops.request_extension(
                task, head, "Nhà thầu chậm bàn giao phiên bản mới.", due + timedelta(days=30), today - timedelta(days=1)
            )
    elif kind == "ext_ok":
        asked = due - timedelta(days=5)
        with clock.pinned(_morning(asked, 10)):
            req = ops.request_extension(task, head, "Chờ Bộ Nội vụ cập nhật phần mềm đồng bộ.", today + timedelta(days=20), asked)
        with clock.pinned(_morning(asked + timedelta(days=1), 14)):
            ops.decide_extension(req, leader, True, "Đồng ý gia hạn.", clock.now())
    elif kind in ("overdue", "week", "next"):
        _progress(task, head, today - timedelta(days=10), TaskStatus.IN_PROGRESS, 40, "Đang triển khai.")


def _load_living_year(units: dict[str, Unit], users: dict[str, User], today: date) -> None:
    calendar = load_calendar()
    dates = living_dates(today, calendar)
    issued = today - timedelta(days=70)
    office = users["vanphong"]
    heads = {u.unit_id: u for u in users.values() if u.role is Role.UNIT_HEAD}
    with clock.pinned(_morning(issued, 8)):
        plan = create_plan(
            PlanInput(
                doc_type=DocumentType.PLAN,
                number=LIVING_NUMBER,
                title=f"Kế hoạch thực hiện nhiệm vụ trọng tâm năm {today.year} của Sở Nội vụ",
                issuer="Sở Nội vụ tỉnh Bắc Giang",
                issued_on=issued,
                year=today.year,
                monitoring_unit_id=units["VP"].id,
            ),
            office,
            today=issued,
        )
    taken: dict[str, int] = {}
    for title, lead, parts in LIVING:
        parent = _living_task(plan, None, title, units[lead], max(dates["next"]), office, issued)
        for part_title, part_lead, kind in parts:
            due = dates[kind][taken.get(kind, 0)]
            taken[kind] = taken.get(kind, 0) + 1
            task = _living_task(plan, parent, part_title, units[part_lead], due, office, issued)
            head = heads.get(units[part_lead].id, office)
            _living_outcome(kind, task, due, today, {"vanphong": office, "head": head, "giamdoc": users["giamdoc"]})
