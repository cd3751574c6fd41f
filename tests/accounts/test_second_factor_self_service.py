"""Issue 16 item 8, self-service: a user with the second factor on turns it off, or makes new recovery
codes, on their own "Xác thực hai bước" page — each only after typing the password and a current code
again; journaled with the user as the one who did it. Real codes (pyotp) at the pinned clock."""

from __future__ import annotations

import html

from sqlalchemy import select

from tests.accounts.test_second_factor import CODE_RE, code_now, enrol, later, password_step
from tests.conftest import PASSWORD, csrf_token
from tracker.accounts.models import RecoveryCode, Role, User
from tracker.audit.models import AuditEntry
from tracker.extensions import db


def _user(app, name: str) -> User:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == name)).one()
        db.session.expunge(user)
        return user


def _trail(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _signed_in_client(app, name: str, secret: str):
    """Another browser signed in with the password and a code."""
    client, token = password_step(app, name)
    assert client.post("/login/code", data={"csrf_token": token, "code": code_now(secret)}).status_code == 302
    return client


def test_turning_it_off_with_a_wrong_code_or_password_is_refused(app, factory):
    name = factory.user(Role.LEADER)
    secret, _, _ = enrol(app, name)
    client, token = password_step(app, name)
    later(30)
    assert client.post("/login/code", data={"csrf_token": token, "code": code_now(secret)}).status_code == 302
    token = csrf_token(client, "/account/2fa")
    page = client.get("/account/2fa").get_data(as_text=True)
    assert 'data-testid="disable-second-factor"' in page and 'data-testid="renew-codes"' in page
    later(30)

    wrong_code = client.post("/account/2fa/disable", data={"csrf_token": token, "off-password": PASSWORD, "off-code": "000000"})
    assert wrong_code.status_code == 422
    assert "Mã xác thực không đúng, đã dùng hoặc đã hết hạn." in html.unescape(wrong_code.get_data(as_text=True))
    wrong_password = client.post(
        "/account/2fa/disable", data={"csrf_token": token, "off-password": "sai-mat-khau-roi", "off-code": code_now(secret)}
    )
    assert wrong_password.status_code == 422
    assert "Mật khẩu không đúng." in html.unescape(wrong_password.get_data(as_text=True))
    missing = client.post("/account/2fa/disable", data={"csrf_token": token, "off-password": PASSWORD, "off-code": ""})
    assert missing.status_code == 422 and "Vui lòng nhập mã xác thực." in missing.get_data(as_text=True)

    user = _user(app, name)
    assert user.has_second_factor and user.totp_secret == secret
    assert not _trail(app, "user.totp_disabled")
    with app.app_context():
        assert db.session.query(RecoveryCode).filter_by(user_id=user.id).count() == 10
    # Still two steps at sign-in.
    password_step(app, name)


def test_turning_it_off_works_and_is_journaled(app, factory):
    name = factory.user(Role.ADMIN)
    secret, _, _ = enrol(app, name)
    later(30)
    other = _signed_in_client(app, name, secret)
    assert other.get("/plans").status_code == 200
    client, token = password_step(app, name)
    later(30)
    assert client.post("/login/code", data={"csrf_token": token, "code": code_now(secret)}).status_code == 302
    token = csrf_token(client, "/account/2fa")
    later(30)

    done = client.post(
        "/account/2fa/disable",
        data={"csrf_token": token, "off-password": PASSWORD, "off-code": code_now(secret)},
        follow_redirects=True,
    )
    assert done.status_code == 200
    page = html.unescape(done.get_data(as_text=True))
    assert "Đã tắt xác thực hai bước." in page and "Bật xác thực hai bước" in page
    user = _user(app, name)
    assert not user.has_second_factor and user.totp_secret is None
    with app.app_context():
        assert db.session.query(RecoveryCode).filter_by(user_id=user.id).count() == 0
    (entry,) = _trail(app, "user.totp_disabled")
    assert entry.actor_id == user.id and entry.target_id == user.id and secret not in f"{entry.summary} {entry.details}"
    # This browser stays signed in; the other one is signed out; the password alone signs in now.
    assert client.get("/plans").status_code == 200
    assert other.get("/plans").status_code == 302
    fresh = app.test_client()
    response = fresh.post("/login", data={"csrf_token": csrf_token(fresh), "username": name, "password": PASSWORD})
    assert response.status_code == 302 and not response.headers["Location"].endswith("/login/code")


def test_new_recovery_codes_replace_the_old_ones(app, factory):
    name = factory.user(Role.LEADER)
    secret, old_codes, _ = enrol(app, name)
    client, token = password_step(app, name)
    later(30)
    assert client.post("/login/code", data={"csrf_token": token, "code": code_now(secret)}).status_code == 302
    token = csrf_token(client, "/account/2fa")
    later(30)

    refused = client.post(
        "/account/2fa/recovery-codes", data={"csrf_token": token, "renew-password": PASSWORD, "renew-code": "1"}
    )
    assert refused.status_code == 422 and not _trail(app, "user.recovery_codes_issued")
    shown = client.post(
        "/account/2fa/recovery-codes", data={"csrf_token": token, "renew-password": PASSWORD, "renew-code": code_now(secret)}
    )
    assert shown.status_code == 200
    page = html.unescape(shown.get_data(as_text=True))
    assert "Đã tạo mã khôi phục mới" in page and "Các mã khôi phục cũ không còn dùng được." in page
    new_codes = CODE_RE.findall(page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    (entry,) = _trail(app, "user.recovery_codes_issued")
    user = _user(app, name)
    assert entry.actor_id == user.id
    assert not any(code in f"{entry.summary} {entry.details}" for code in new_codes)
    # At sign-in an old code is refused, a new one accepted.
    login, token = password_step(app, name)
    old = login.post("/login/code", data={"csrf_token": token, "code": old_codes[0]})
    assert old.status_code == 200 and "Mã xác thực không đúng" in html.unescape(old.get_data(as_text=True))
    assert login.post("/login/code", data={"csrf_token": token, "code": new_codes[0]}).status_code == 302
    assert login.get("/plans").status_code == 200
    # Shown once: the page afterwards has only their count (one just used).
    again = client.get("/account/2fa").get_data(as_text=True)
    assert "Còn 9 mã khôi phục chưa dùng" in again and new_codes[1] not in again
