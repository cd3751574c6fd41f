from tests.conftest import PASSWORD, csrf_token, login
from tracker.accounts.models import Role, User
from tracker.extensions import db


def test_login_page_is_vietnamese_and_has_labels(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in html
    assert 'for="username"' in html and 'for="password"' in html
    assert "cdn" not in html.lower()


def test_login_and_logout(client, factory):
    unit = factory.unit()
    name = factory.user(Role.UNIT_HEAD, unit)
    token = login(client, name)
    assert "Người dùng " + name in client.get("/plans").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/plans").status_code == 302  # back to the login page


def test_wrong_password_gets_a_vietnamese_message(client, factory):
    name = factory.user(Role.OFFICE)
    token = csrf_token(client)
    html = client.post("/login", data={"csrf_token": token, "username": name, "password": "sai"}).get_data(as_text=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html


def test_inactive_account_cannot_log_in(client, factory):
    name = factory.user(Role.OFFICE, active=False)
    token = csrf_token(client)
    response = client.post("/login", data={"csrf_token": token, "username": name, "password": PASSWORD})
    assert response.status_code == 200
    assert "đã bị khoá" in response.get_data(as_text=True)


def test_missing_csrf_token_is_refused_in_vietnamese(client, factory):
    name = factory.user(Role.OFFICE)
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_passwords_are_hashed(app, factory):
    name = factory.user(Role.OFFICE)
    with app.app_context():
        user = db.session.query(User).filter_by(username=name).one()
        assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)


def test_open_redirect_is_refused(client, factory):
    name = factory.user(Role.OFFICE)
    token = csrf_token(client)
    response = client.post(
        "/login?next=https://evil.example/", data={"csrf_token": token, "username": name, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_only_admin_reaches_admin_pages(client, factory):
    for role in (Role.OFFICE, Role.LEADER, Role.STAFF):
        c = client.application.test_client()
        login(c, factory.user(role, factory.unit()))
        for url in ("/admin/units", "/admin/users", "/admin/users/new", "/admin/calendar"):
            assert c.get(url).status_code == 403, (role, url)


def test_admin_creates_a_user_and_errors_show_next_to_fields(client, factory, app):
    unit = factory.unit()
    token = login(client, factory.user(Role.ADMIN))
    bad = client.post(
        "/admin/users/new", data={"csrf_token": token, "username": "x", "full_name": "", "role": "staff", "unit_id": ""}
    )
    html = bad.get_data(as_text=True)
    assert "Từ 3 đến 80 ký tự." in html
    assert "Vui lòng nhập họ và tên." in html
    ok = client.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "ntlan",
            "full_name": "Nguyễn Thị Lan",
            "role": "staff",
            "unit_id": str(unit),
            "password": "lan-chuyen-vien-24",
            "active": "y",
        },
    )
    assert ok.status_code == 302
    staff_without_unit = client.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "khongdonvi",
            "full_name": "A",
            "role": "staff",
            "unit_id": "",
            "password": "lan-chuyen-vien-24",
        },
    )
    assert "phải thuộc một đơn vị" in staff_without_unit.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(username="ntlan").one().unit_id == unit
        assert db.session.query(User).filter_by(username="khongdonvi").first() is None


def test_admin_manages_units(client, factory, app):
    token = login(client, factory.user(Role.ADMIN))
    assert (
        client.post(
            "/admin/units/new", data={"csrf_token": token, "name": "Phòng Mới", "kind": "division", "position": "3"}
        ).status_code
        == 302
    )
    dup = client.post("/admin/units/new", data={"csrf_token": token, "name": "phòng mới", "kind": "division"})
    assert "Đã có đơn vị" in dup.get_data(as_text=True)
    assert "Phòng Mới" in client.get("/admin/units").get_data(as_text=True)


def test_cli_users_create_set_password_and_token(runner, app, factory):
    unit_id = factory.unit("Phòng Thử CLI")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "cli.user",
            "--name",
            "Người CLI",
            "--role",
            "unit_head",
            "--unit",
            "Phòng Thử CLI",
            "--password",
            "lan-chuyen-vien-24",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản cli.user" in result.output
    result = runner.invoke(args=["users", "set-password", "cli.user", "--password", "mat-khau-moi-cua-cli"])
    assert result.exit_code == 0
    result = runner.invoke(args=["users", "token", "cli.user"])
    assert result.exit_code == 0 and len(result.output.strip()) > 30
    with app.app_context():
        user = db.session.query(User).filter_by(username="cli.user").one()
        assert user.check_password("mat-khau-moi-cua-cli") and user.unit_id == unit_id
    bad = runner.invoke(
        args=["users", "create", "x2", "--name", "A", "--role", "staff", "--unit", "Không có", "--password", "lan-chuyen-vien-24"]
    )
    assert bad.exit_code != 0 and "Không có đơn vị" in bad.output
