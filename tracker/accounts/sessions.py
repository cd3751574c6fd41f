"""Sessions that can be taken back (issue 16).

Flask keeps the session in a signed cookie, so a copied cookie would live on after its owner signs out.
Every session and remember cookie therefore carries "id:version" (``User.get_id``); the loader accepts it
only while the account's ``session_version`` is the same. Signing out, changing one's password and the
administrator's new password bump the version: every cookie issued before stops working, everywhere.

Signing in starts a new session (the pre-login CSRF token and whatever was planted in the session before
go), cookies are HttpOnly and SameSite=Lax, and Secure whenever the request came over https (directly,
or through the reverse proxy ProxyFix trusts) or the configuration says the site is https.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user

from tracker.accounts.models import User
from tracker.extensions import db

log = logging.getLogger(__name__)


def parse_id(user_id: str) -> tuple[int, int] | None:
    ident, sep, version = (user_id or "").partition(":")
    if not sep:
        return None  # a cookie from before session versions: no longer valid
    try:
        return int(ident), int(version)
    except ValueError:
        return None


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active account whose id and current session version the cookie names."""
    parsed = parse_id(user_id)
    if parsed is None:
        return None
    user = db.session.get(User, parsed[0])
    if user is None or not user.active or (user.session_version or 0) != parsed[1]:
        return None
    return user


def start_session(user: User, remember: bool) -> None:
    """Sign ``user`` in on a fresh session (a new CSRF token is made on the next form)."""
    session.clear()
    login_user(user, remember=remember, duration=current_app.config.get("REMEMBER_COOKIE_DURATION"))
    log.info("signed in: %s", user.username)


def secure_cookies(response: Response) -> Response:
    """Over https, every cookie this response sets is marked Secure (the session's, the remember cookie)."""
    if not request.is_secure:
        return response
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return response
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        secure = "; secure" in cookie.lower()
        response.headers.add("Set-Cookie", cookie if secure else f"{cookie}; Secure")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, Secure also when this request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or request.is_secure)


def install(app: Flask) -> None:
    """The session cookie through ``SessionInterface``; the other cookies (Flask-Login's remember cookie)
    through ``secure_cookies``, put first in the list so that it runs after every other hook (Flask runs
    them last-registered first) and sees the remember cookie Flask-Login adds."""
    app.session_interface = SessionInterface()
    app.after_request_funcs.setdefault(None, []).insert(0, secure_cookies)
