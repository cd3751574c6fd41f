"""Every administrative write leaves an audit line naming who made it and what changed, and the
administrator reads them on one page (issue 11 item 3)."""

from datetime import datetime

from sqlalchemy import select

from tests.conftest import PASSWORD, login
from tracker import clock
from tracker.accounts.models import Role, Unit, User
from tracker.audit import queries
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.plans.models import Issuer, Plan


def _entries(app, kind=None):
    with app.app_context():
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if kind:
            stmt = stmt.where(AuditEntry.target_kind == kind)
        return [(e.action, e.actor.username if e.actor else None, e.target_id, e.details) for e in db.session.scalars(stmt)]


def _plan_form(plan_id, app, **changes):
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        data = {
            "doc_type": plan.doc_type.value,
            "number": plan.number,
            "title": plan.title,
            "issuer_id": str(plan.issuer_id),
            "issued_on": plan.issued_on.strftime("%d/%m/%Y"),
            "year": str(plan.year),
            "parent_reference": plan.parent_reference,
            "status": plan.status.value,
            "requires_confirmation": "y" if plan.requires_confirmation else "",
        }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_editing_a_plan_records_who_and_the_changed_fields_and_nothing_when_nothing_changed(client, factory, app):
    plan = factory.plan("7/KH-SNV", title="Kế hoạch cũ")
    office = factory.user(Role.OFFICE)
    token = login(client, office)
    response = client.post(f"/plans/{plan}/edit", data={**_plan_form(plan, app, title="Kế hoạch mới"), "csrf_token": token})
    assert response.status_code == 302
    [(action, actor, target, details)] = _entries(app, "plan")
    assert (action, actor, target) == ("plan.updated", office, plan)
    # The change, and the version it was based on (what a stale edit is told changed since: issue 16.9).
    assert details == {"title": ["Kế hoạch cũ", "Kế hoạch mới"], "plan_version": 1}
    # Saved again as it is: no second line.
    client.post(f"/plans/{plan}/edit", data={**_plan_form(plan, app), "csrf_token": token})
    assert len(_entries(app, "plan")) == 1
    # A status change is recorded in words.
    client.post(f"/plans/{plan}/edit", data={**_plan_form(plan, app, status="closed"), "csrf_token": token})
    assert _entries(app, "plan")[-1][3] == {"status": ["Đang thực hiện", "Đã kết thúc"], "plan_version": 2}


def test_a_refused_plan_edit_records_nothing(client, factory, app):
    plan = factory.plan("8/KH-SNV")
    token = login(client, factory.user(Role.OFFICE))
    response = client.post(
        f"/plans/{plan}/edit", data={**_plan_form(plan, app, title="Sửa", number="KH 48"), "csrf_token": token}
    )
    assert response.status_code == 200
    assert _entries(app, "plan") == []


def test_units_and_accounts_are_audited_and_a_password_never_is(client, factory, app):
    admin = factory.user(Role.ADMIN)
    token = login(client, admin)
    client.post("/admin/units/new", data={"csrf_token": token, "name": "Phòng Kiểm tra", "kind": "division", "active": "y"})
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.name == "Phòng Kiểm tra"))
    client.post(
        f"/admin/units/{unit_id}",
        data={"csrf_token": token, "name": "Phòng Thanh tra", "kind": "division", "position": "3", "active": "y"},
    )
    created, renamed = _entries(app, "unit")
    assert created[:3] == ("unit.created", admin, unit_id) and created[3]["name"] == [None, "Phòng Kiểm tra"]
    assert renamed[0] == "unit.updated" and renamed[3] == {"name": ["Phòng Kiểm tra", "Phòng Thanh tra"], "position": [0, 3]}

    secret = "mat-khau-rat-bi-mat"
    user = {"csrf_token": token, "username": "nvb", "full_name": "Nguyễn Văn B", "role": "staff", "unit_id": str(unit_id)}
    assert client.post("/admin/users/new", data={**user, "active": "y", "password": secret}).status_code == 302
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "nvb"))
    # Locking the account and giving it a new password: one line with both.
    client.post(f"/admin/users/{user_id}", data={**user, "password": secret + "2"})
    made, locked = _entries(app, "user")
    assert made[0] == "user.created" and made[3]["role"] == [None, "Chuyên viên"] and made[3]["unit"] == [None, "Phòng Thanh tra"]
    assert locked[0] == "user.updated"
    assert locked[3] == {"active": [True, False], "password": [None, "(đã đặt mật khẩu mới)"]}
    with app.app_context():
        stored = db.session.get(User, user_id).password_hash
    for entry in (made, locked):
        assert secret not in str(entry[3]) and stored not in str(entry[3])


def test_the_form_and_the_operation_share_the_password_rule(client, factory, app):
    token = login(client, factory.user(Role.ADMIN))
    unit = factory.unit()
    data = {"csrf_token": token, "username": "nvc", "full_name": "Nguyễn Văn C", "role": "staff", "unit_id": str(unit)}
    html = client.post("/admin/users/new", data={**data, "password": "ngan"}).get_data(as_text=True)
    assert "Mật khẩu cần ít nhất 10 ký tự." in html
    assert "Mật khẩu dài tối đa 200 ký tự." in client.post("/admin/users/new", data={**data, "password": "x" * 201}).get_data(
        as_text=True
    )
    assert _entries(app, "user") == []


def test_calendar_days_and_the_article_148_switch_are_audited_with_the_deadlines_they_moved(client, factory, app):
    unit = factory.unit()
    factory.task(factory.plan(), unit, "15/11/2024")  # a Friday
    admin = factory.user(Role.ADMIN)
    token = login(client, admin)
    client.post("/admin/calendar", data={"csrf_token": token, "day": "15/11/2024", "kind": "day_off", "note": "Nghỉ bù"})
    client.post("/admin/calendar/delete", data={"csrf_token": token, "day": "15/11/2024"})
    set_day, removed = _entries(app, "calendar")
    assert set_day[:2] == ("calendar.day_set", admin)
    assert set_day[3] == {"kind": [None, "Ngày nghỉ bổ sung"], "note": [None, "Nghỉ bù"], "day": "15/11/2024", "moved": 1}
    assert removed[:2] == ("calendar.day_removed", admin)
    assert removed[3] == {"kind": ["Ngày nghỉ bổ sung", None], "note": ["Nghỉ bù", None], "day": "15/11/2024", "moved": 1}

    sunday = factory.task(factory.plan(), unit, "01/09/2024")  # moves to 04/09 under Điều 148
    assert sunday
    client.post("/admin/calendar/shift", data={"csrf_token": token})  # switched off
    client.post("/admin/calendar/shift", data={"csrf_token": token})  # off again: nothing changed
    [off] = _entries(app, "setting")
    assert off[:2] == ("calendar.shift_changed", admin)
    assert off[3]["shift"] == [True, False] and off[3]["moved"] >= 1


def test_the_backdating_limit_is_audited(client, factory, app):
    admin = factory.user(Role.ADMIN)
    token = login(client, admin)
    client.post("/admin/calendar/backdate", data={"csrf_token": token, "b-days": "2"})
    client.post("/admin/calendar/backdate", data={"csrf_token": token, "b-days": "99"})  # refused
    [entry] = _entries(app, "setting")
    assert entry == ("setting.backdate_changed", admin, None, {"days": [5, 2]})


def test_issuers_are_audited_including_a_deletion(client, factory, app):
    admin = factory.user(Role.ADMIN)
    token = login(client, admin)
    client.post("/admin/issuers", data={"csrf_token": token, "name": "Sở Tài chính", "code": "STC", "active": "y"})
    with app.app_context():
        issuer_id = db.session.scalar(select(Issuer.id).where(Issuer.name == "Sở Tài chính"))
    client.post(f"/admin/issuers/{issuer_id}", data={"csrf_token": token, "name": "Sở Tài chính", "code": "STC"})
    client.post(f"/admin/issuers/{issuer_id}/delete", data={"csrf_token": token})
    actions = [(a, who, target) for a, who, target, _ in _entries(app, "issuer")]
    assert actions == [
        ("issuer.created", admin, issuer_id),
        ("issuer.updated", admin, issuer_id),
        ("issuer.deleted", admin, issuer_id),
    ]
    assert _entries(app, "issuer")[1][3] == {"active": [True, False]}


def test_command_line_account_changes_are_audited_without_a_named_user(runner, factory, app):
    unit_name = "Phòng Dòng lệnh"
    factory.unit(unit_name)
    created = runner.invoke(
        args=[
            "users",
            "create",
            "nvd",
            "--name",
            "Nguyễn Văn D",
            "--role",
            "unit_head",
            "--unit",
            unit_name,
            "--password",
            "kiem-tra-dong-lenh",
        ]
    )
    assert created.exit_code == 0, created.output
    short = runner.invoke(args=["users", "set-password", "nvd", "--password", "123456789"])
    assert short.exit_code != 0 and "Mật khẩu cần ít nhất 10 ký tự." in short.output
    assert runner.invoke(args=["users", "set-password", "nvd", "--password", "dong-lenh-moi-2024"]).exit_code == 0
    token = runner.invoke(args=["users", "token", "nvd"]).output.strip()
    actions = [(a, who) for a, who, _, _ in _entries(app, "user")]
    assert actions == [("user.created", None), ("user.password_changed", None), ("user.token_issued", None)]
    assert token and token not in str(_entries(app, "user"))
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "nvd")).check_password("dong-lenh-moi-2024")
    assert "Không có tài khoản" in runner.invoke(args=["users", "token", "khongco"]).output


def test_the_audit_page_lists_changes_newest_first_in_vietnamese_and_filters_by_kind(client, factory, app):
    admin = factory.user(Role.ADMIN)
    token = login(client, admin)
    client.post("/admin/units/new", data={"csrf_token": token, "name": "Phòng Một", "kind": "division", "active": "y"})
    clock.freeze(datetime(2024, 10, 1, 14, 5))
    client.post("/admin/calendar/backdate", data={"csrf_token": token, "b-days": "3"})
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Nhật ký quản trị" in html and f"Người dùng {admin}" in html
    assert "01/10/2024 14:05" in html and "01/10/2024 09:00" in html
    assert html.index("01/10/2024 14:05") < html.index("01/10/2024 09:00")  # newest first
    assert "Số ngày làm việc được ghi lùi: 5 → 3" in html
    assert "Tên: — → Phòng Một" in html and "Đang hoạt động: — → Có" in html
    units_only = client.get("/admin/audit?kind=unit").get_data(as_text=True)
    assert "Phòng Một" in units_only and "ghi lùi" not in units_only
    unknown = client.get("/admin/audit?kind=ufo")
    assert unknown.status_code == 200 and "Không có loại thay đổi “ufo”" in unknown.get_data(as_text=True)


def test_the_audit_page_pages_and_is_the_administrators_only(client, factory, app):
    with app.app_context():
        from tracker.audit.operations import record

        for n in range(queries.PAGE_SIZE + 1):
            record(None, "unit.updated", "unit", n, f"Thay đổi số {n}")
        db.session.commit()
    token = login(client, factory.user(Role.ADMIN))
    assert token
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "Thay đổi số 50" in first and "Thay đổi số 0<" not in first and "Cũ hơn" in first
    assert queries.NO_ACTOR in first
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "Thay đổi số 0<" in second and "Cũ hơn" not in second
    for role in (Role.OFFICE, Role.LEADER, Role.UNIT_HEAD):
        other = client.application.test_client()
        login(other, factory.user(role, factory.unit()))
        assert other.get("/admin/audit").status_code == 403


def test_a_line_from_another_package_shows_its_own_names(app, db_session):
    with app.app_context():
        from tracker.audit.operations import record

        record(None, "reminder_rule.changed", "reminder_rule", None, "Đổi quy tắc", {"days_before": [[3, 1], [5, 1]]})
        [line] = queries.audit_page(None, 1)[0]
        assert (line.action, line.kind) == ("reminder_rule.changed", "Quy tắc nhắc việc")
        assert line.changes == [("days_before", "[3, 1]", "[5, 1]")]
        assert PASSWORD  # the shared fixtures' password is never recorded either
