"""Issue 16 item 8: the optional TOTP second factor, with real codes computed by pyotp at the pinned clock."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pyotp
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token, login
from tracker import clock
from tracker.accounts.models import RecoveryCode, Role, User
from tracker.audit.models import AuditEntry
from tracker.extensions import db

SECRET_RE = re.compile(r'data-testid="secret">([A-Z2-7]+)<')
CODE_RE = re.compile(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>")


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).at(int(clock.now().timestamp()))


def later(seconds: float) -> None:
    clock.freeze(clock.now() + timedelta(seconds=seconds))


def enrol(app, name: str) -> tuple[str, list[str], str]:
    """Sign ``name`` in, turn the second factor on; (secret, recovery codes, the client's CSRF token)."""
    client = app.test_client()
    token = login(client, name)
    assert "Bật xác thực hai bước" in client.get("/account/2fa").get_data(as_text=True)
    assert client.post("/account/2fa/start", data={"csrf_token": token}).status_code == 302
    page = client.get("/account/2fa").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    assert 'src="data:image/svg+xml' in page  # the QR code inline, no request leaves the page
    wrong = client.post("/account/2fa/confirm", data={"csrf_token": token, "code": "000000"}, follow_redirects=True)
    assert "Mã xác thực không đúng hoặc đã hết hạn" in wrong.get_data(as_text=True)
    with app.app_context():
        assert not db.session.scalars(select(User).where(User.username == name)).one().has_second_factor
    shown = client.post("/account/2fa/confirm", data={"csrf_token": token, "code": code_now(secret)})
    assert shown.status_code == 200
    codes = CODE_RE.findall(shown.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "second-factor-on" in client.get("/account/2fa").get_data(as_text=True)
    return secret, codes, token


def password_step(app, name: str):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", data={"csrf_token": token, "username": name, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert client.get("/plans").status_code == 302  # not signed in before the code
    return client, csrf_token(client, "/login/code")


def test_enrol_then_sign_in_with_a_code_never_twice(app, factory, caplog):
    caplog.set_level(logging.DEBUG)
    name = factory.user(Role.LEADER)
    secret, codes, _ = enrol(app, name)
    client, token = password_step(app, name)
    same_step = client.post("/login/code", data={"csrf_token": token, "code": code_now(secret)})
    assert same_step.status_code == 200 and "đã dùng" in same_step.get_data(as_text=True)  # the code used to confirm
    later(30)
    ok = client.post("/login/code", data={"csrf_token": token, "code": code_now(secret)})
    assert ok.status_code == 302
    assert client.get("/plans").status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.target_kind == "user")).all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)  # hashed
    assert "user.totp_enabled" in [e.action for e in entries]
    trail = " ".join(f"{e.summary} {e.details}" for e in entries)
    assert secret not in trail and secret not in caplog.text
    assert not any(code in caplog.text or code.replace("-", "") in caplog.text for code in codes)


def test_a_code_from_the_neighbouring_step_is_accepted_one_further_is_not(app, factory):
    name = factory.user(Role.ADMIN)
    secret, _, _ = enrol(app, name)
    later(300)
    client, token = password_step(app, name)
    totp = pyotp.TOTP(secret)
    now = int(clock.now().timestamp())
    assert client.post("/login/code", data={"csrf_token": token, "code": totp.at(now - 60)}).status_code == 200
    assert client.post("/login/code", data={"csrf_token": token, "code": totp.at(now - 30)}).status_code == 302


def test_a_recovery_code_signs_in_once(app, factory):
    name = factory.user(Role.LEADER)
    _, codes, _ = enrol(app, name)
    client, token = password_step(app, name)
    assert client.post("/login/code", data={"csrf_token": token, "code": codes[3].upper()}).status_code == 302
    again, token = password_step(app, name)
    assert again.post("/login/code", data={"csrf_token": token, "code": codes[3]}).status_code == 200
    assert again.post("/login/code", data={"csrf_token": token, "code": codes[4]}).status_code == 302


def test_wrong_codes_are_throttled_like_passwords(app, factory):
    name = factory.user(Role.LEADER)
    secret, _, _ = enrol(app, name)
    later(60)
    client, token = password_step(app, name)
    statuses = [client.post("/login/code", data={"csrf_token": token, "code": "123456"}).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    locked = client.post("/login/code", data={"csrf_token": token, "code": code_now(secret)})
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "60"


def test_the_second_step_expires(app, factory):
    name = factory.user(Role.LEADER)
    secret, _, _ = enrol(app, name)
    client, token = password_step(app, name)
    later(301)
    response = client.post("/login/code", data={"csrf_token": token, "code": code_now(secret)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_the_administrator_resets_a_second_factor_audited(app, factory):
    name = factory.user(Role.LEADER)
    secret, _, user_token = enrol(app, name)
    admin = app.test_client()
    admin_token = login(admin, factory.user(Role.ADMIN))
    user_id = factory.user_id(name)
    assert "Tắt hai bước" in admin.get("/admin/users").get_data(as_text=True)
    assert admin.post(f"/admin/users/{user_id}/2fa/reset", data={"csrf_token": admin_token}).status_code == 302
    plain = app.test_client()
    response = plain.post("/login", data={"csrf_token": csrf_token(plain), "username": name, "password": PASSWORD})
    assert response.status_code == 302 and not response.headers["Location"].endswith("/login/code")
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.totp_reset")).one()
        assert entry.target_id == user_id and secret not in str(entry.details)
        assert db.session.scalars(select(RecoveryCode)).all() == []
