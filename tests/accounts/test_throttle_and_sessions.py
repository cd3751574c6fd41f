"""Issue 16 item 6 through the real pages: the sign-in throttle (30 wrong passwords), the equal cost of
unknown names, the password policy and page, sessions taken back on logout and password change (the real
cookies replayed by a second client), the cookies' flags, the CSRF token rotated at sign-in."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import func, select

from tests.conftest import CSRF_RE as CSRF
from tests.conftest import PASSWORD, csrf_token, login
from tracker import clock
from tracker.accounts import signin
from tracker.accounts.models import LoginFailure, Role, User
from tracker.audit.models import AuditEntry
from tracker.extensions import db


def attempt(client, username: str, password: str, token: str | None = None, **kw):
    token = token or csrf_token(client)
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password}, **kw)


def later(seconds: float) -> None:
    clock.freeze(clock.now() + timedelta(seconds=seconds))


def failures(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.username == username))


def test_thirty_wrong_passwords_are_throttled_and_the_right_one_waits_for_the_lock(client, factory, app):
    name = factory.user(Role.LEADER)
    token = csrf_token(client)
    responses = [attempt(client, name, f"sai-mat-khau-{i}", token) for i in range(30)]
    assert [r.status_code for r in responses[:5]] == [200] * 5
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in responses[0].get_data(as_text=True)
    assert [r.status_code for r in responses[5:]] == [429] * 25
    last = responses[-1]
    assert last.headers["Retry-After"] == "60"
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 01/10/2024 09:01" in last.get_data(as_text=True)
    assert failures(app, name) == 5  # refused attempts never reach the password, and are not counted
    assert attempt(client, name, PASSWORD, token).status_code == 429  # the right password waits too
    later(59)
    assert attempt(client, name, PASSWORD, token).status_code == 429
    later(1)
    assert attempt(client, name, PASSWORD, token).status_code == 302
    assert failures(app, name) == 0  # a successful sign-in resets the account's counter


def test_the_delay_doubles_with_each_further_failure(client, factory):
    name = factory.user(Role.OFFICE)
    token = csrf_token(client)
    for i in range(5):
        attempt(client, name, f"sai-{i}", token)
    later(60)
    assert attempt(client, name, "sai-lan-sau", token).status_code == 200  # the 6th failure: 2 minutes now
    response = attempt(client, name, PASSWORD, token)
    assert response.status_code == 429 and response.headers["Retry-After"] == "120"
    later(119)
    assert attempt(client, name, PASSWORD, token).status_code == 429
    later(1)
    assert attempt(client, name, PASSWORD, token).status_code == 302


def test_one_address_trying_many_names_is_throttled_too(app, factory):
    real = factory.user(Role.ADMIN)
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    token = csrf_token(guesser)
    statuses = [attempt(guesser, f"khong-co-{i}", "doan-bua-123", token).status_code for i in range(20)]
    assert statuses == [200] * 20
    assert attempt(guesser, real, PASSWORD, token).status_code == 429  # the address is locked, for any name
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.9.8.8"
    assert attempt(elsewhere, real, PASSWORD).status_code == 302


def test_the_administrator_sees_the_lock_and_lifts_it_audited(app, factory):
    name = factory.user(Role.STAFF, factory.unit())
    victim = app.test_client()
    token = csrf_token(victim)
    for i in range(5):
        attempt(victim, name, f"sai-{i}", token)
    admin = app.test_client()
    admin.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    admin_token = login(admin, factory.user(Role.ADMIN))
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f'data-testid="locked-{name}">Tạm khoá đến 01/10/2024 09:01' in page
    user_id = factory.user_id(name)
    assert admin.post(f"/admin/users/{user_id}/unlock", data={"csrf_token": admin_token}).status_code == 302
    assert f'data-testid="locked-{name}"' not in admin.get("/admin/users").get_data(as_text=True)
    assert attempt(victim, name, PASSWORD, token).status_code == 302
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.login_unlocked")).one()
        assert entry.target_id == user_id and entry.details == {"failures": [5, 0]}


def _cpu(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def test_an_unknown_name_costs_a_password_hash_like_a_known_one(app, factory):
    name = factory.user(Role.OFFICE)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == name)).one()
        signin.dummy_hash()  # made once, as at the first unknown name
        known = _cpu(lambda: signin.password_matches(user, "sai-mat-khau"))
        unknown = _cpu(lambda: signin.password_matches(None, "sai-mat-khau"))
        no_hash = _cpu(lambda: signin.password_matches(User(username="x", password_hash=""), "sai-mat-khau"))
    # Without the dummy check the unknown path costs ~1/25 of a hash (a lookup only): the ratios say
    # "about the same", not a wall-clock threshold.
    assert unknown > known * 0.4, (known, unknown)
    assert no_hash > known * 0.4, (known, no_hash)


def test_the_password_page_changes_it_by_the_policy_and_audits(app, factory, client):
    name = factory.user(Role.LEADER)
    token = login(client, name)
    assert "Đổi mật khẩu" in client.get("/plans").get_data(as_text=True)  # the link in the user menu
    page = "/account/password"

    def change(current, new, confirm=None):
        data = {"csrf_token": token, "current_password": current, "new_password": new, "confirm": confirm or new}
        return client.post(page, data=data)

    assert "Mật khẩu hiện tại không đúng." in change("sai-hoan-toan", "mot-mat-khau-moi").get_data(as_text=True)
    assert "Mật khẩu cần ít nhất 10 ký tự." in change(PASSWORD, "ngan").get_data(as_text=True)
    assert "quá phổ biến" in change(PASSWORD, "1234567890").get_data(as_text=True)
    assert "tên đăng nhập" in change(PASSWORD, f"{name}-2024!").get_data(as_text=True)
    assert "không khớp" in change(PASSWORD, "mot-mat-khau-moi", "mot-mat-khau-khac").get_data(as_text=True)
    ok = change(PASSWORD, "mot-mat-khau-moi")
    assert ok.status_code == 302
    assert client.get("/plans").status_code == 200  # this browser stays signed in
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == name)).one()
        assert user.check_password("mot-mat-khau-moi")
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.password_changed")).all()
        assert [(e.actor_id, e.target_id) for e in entries] == [(user.id, user.id)]
        assert "mot-mat-khau-moi" not in str(entries[0].details) and user.password_hash not in str(entries[0].details)
    # The wrong current password counted as a failure; the right sign-in after reset it.
    assert failures(app, name) == 1


def test_the_current_password_is_throttled_like_a_sign_in(factory, client):
    token = login(client, factory.user(Role.OFFICE))
    data = {"csrf_token": token, "current_password": "sai", "new_password": "mot-mat-khau-moi", "confirm": "mot-mat-khau-moi"}
    statuses = [client.post("/account/password", data=data).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2


def _cookie(client, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, name
    return cookie.value


def _replay(app, **cookies):
    other = app.test_client()
    for key, value in cookies.items():
        other.set_cookie(key, value)
    return other


def _signed_in_with_copies(app, factory):
    name = factory.user(Role.LEADER)
    owner = app.test_client()
    token = csrf_token(owner)
    assert (
        owner.post("/login", data={"csrf_token": token, "username": name, "password": PASSWORD, "remember": "y"}).status_code
        == 302
    )
    session_copy = _replay(app, session=_cookie(owner, "session"))
    remember_copy = _replay(app, remember_token=_cookie(owner, "remember_token"))
    # Before: both copies are as good as the original (so the test below can fail).
    assert session_copy.get("/plans").status_code == 200
    assert remember_copy.get("/plans").status_code == 200
    return name, owner, csrf_token(owner, "/plans")


def test_copied_session_and_remember_cookies_stop_working_after_logout(app, factory):
    _, owner, token = _signed_in_with_copies(app, factory)
    session_cookie, remember_cookie = _cookie(owner, "session"), _cookie(owner, "remember_token")
    assert owner.post("/logout", data={"csrf_token": token}).status_code == 302
    assert _replay(app, session=session_cookie).get("/plans").status_code == 302
    assert _replay(app, remember_token=remember_cookie).get("/plans").status_code == 302


def test_copied_cookies_stop_working_after_a_password_change(app, factory):
    _, owner, token = _signed_in_with_copies(app, factory)
    session_cookie, remember_cookie = _cookie(owner, "session"), _cookie(owner, "remember_token")
    data = {
        "csrf_token": token,
        "current_password": PASSWORD,
        "new_password": "mat-khau-sau-khi-lo",
        "confirm": "mat-khau-sau-khi-lo",
    }
    assert owner.post("/account/password", data=data).status_code == 302
    assert owner.get("/plans").status_code == 200
    assert _replay(app, session=session_cookie).get("/plans").status_code == 302
    assert _replay(app, remember_token=remember_cookie).get("/plans").status_code == 302


def test_an_old_style_cookie_without_a_version_is_refused(app, factory):
    from tracker.accounts.sessions import load_user

    name = factory.user(Role.OFFICE)
    with app.app_context():
        user_id = factory.user_id(name)
        assert load_user(f"{user_id}:0") is not None
        assert load_user(str(user_id)) is None and load_user(f"{user_id}:1") is None and load_user("x:y") is None


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_cookie_flags_and_the_remember_duration(app, factory):
    name = factory.user(Role.OFFICE)
    plain = app.test_client()
    token = csrf_token(plain)
    response = plain.post("/login", data={"csrf_token": token, "username": name, "password": PASSWORD, "remember": "y"})
    cookies = _set_cookies(response)
    for key in ("session", "remember_token"):
        assert "HttpOnly" in cookies[key] and "SameSite=Lax" in cookies[key] and "Secure" not in cookies[key], cookies[key]
    expires = parsedate_to_datetime(cookies["remember_token"].split("Expires=")[1].split(";")[0])
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14, minutes=1)
    secure = app.test_client()
    token = csrf_token(secure, "https://localhost/login")
    data = {"csrf_token": token, "username": name, "password": PASSWORD, "remember": "y"}
    response = secure.post("/login", base_url="https://localhost", data=data, headers={"Referer": "https://localhost/login"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    cookies = _set_cookies(response)
    assert "Secure" in cookies["session"] and "Secure" in cookies["remember_token"]


def test_the_pre_login_csrf_token_is_rotated_at_sign_in(client, factory):
    name = factory.user(Role.LEADER)
    before = csrf_token(client)
    assert attempt(client, name, PASSWORD, before).status_code == 302
    stale = client.post("/profile", data={"csrf_token": before, "email_reminders": "y"})
    assert stale.status_code == 400
    fresh = csrf_token(client, "/profile")
    assert fresh != before
    assert client.post("/profile", data={"csrf_token": fresh, "email_reminders": "y"}).status_code == 302


def test_the_demo_password_passes_the_policy():
    from tracker.demo import DEMO_PASSWORD
    from tracker.rules.passwords import password_problem

    assert DEMO_PASSWORD == "demo-2026-tracker"
    assert all(password_problem(DEMO_PASSWORD, name) is None for name in ("vanphong", "giamdoc", "truongphong", "admin"))


def test_behind_the_reverse_proxy_cookies_follow_the_forwarded_scheme_and_address(tmp_path):
    """ProxyFix (TRACKER_PROXY_HOPS=1): https as nginx saw it makes cookies Secure; the throttle counts the
    client's address from X-Forwarded-For, not the proxy's."""
    from tests.conftest import build_app, rolled_back

    proxied = build_app(tmp_path, "proxy", PROXY_FIX_HOPS=1)
    with rolled_back(proxied):
        from tests.conftest import Factory

        name = Factory(proxied).user(Role.OFFICE)
        client = proxied.test_client()
        via_https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "Referer": "https://localhost/login"}
        token = CSRF.search(client.get("/login", headers=via_https).get_data(as_text=True)).group(1)
        data = {"csrf_token": token, "username": name, "password": "sai-mat-khau"}
        assert client.post("/login", data=data, headers=via_https).status_code == 200
        with proxied.app_context():
            assert db.session.scalars(select(LoginFailure.address)).all() == ["203.0.113.9"]
        data["password"] = PASSWORD
        response = client.post("/login", data={**data, "remember": "y"}, headers=via_https)
        assert response.status_code == 302
        cookies = _set_cookies(response)
        assert "Secure" in cookies["session"] and "Secure" in cookies["remember_token"]
    with proxied.app_context():
        db.engine.dispose()
