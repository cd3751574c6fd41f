"""Shared fixtures.

* ``app``: one application per test session on a real database: a SQLite file, or the PostgreSQL server
  named by ``TEST_DATABASE_URL``. The schema is built by running the migrations, as in production.
* ``db_session``: every test runs inside a transaction that is rolled back afterwards; the code under
  test commits to SAVEPOINTs inside it.
* No app context is held while the test client makes requests, so each request gets its own (Flask-Login
  keeps the signed-in user on ``g``).
* The clock is frozen (autouse) at 01/10/2024 09:00 Asia/Ho_Chi_Minh.
* SMTP is guarded (autouse): a test may open SMTP only to a loopback port it owns, one it reserved with
  ``free_port()`` or where it started a server (``mailbox``, ``start_sink``). Anything else — port 8025,
  where ``make run``'s mailbox listens, or a real mail server — fails the test.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from hypothesis import settings
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from config import TestConfig
from tracker import clock, create_app
from tracker.accounts.models import Role, Unit, UnitKind, User
from tracker.extensions import db
from tracker.maintenance import rebuild_schema
from tracker.plans.models import Issuer, Plan
from tracker.rules.documents import DocumentType
from tracker.tasks import operations as ops
from tracker.tasks.models import Task

# Mutation testing (make mutation) runs the pure tests thousands of times under tracing on a shared
# machine: no per-example deadline, and the same examples every run, so the score does not wander.
settings.register_profile("mutation", deadline=None, derandomize=True, print_blob=False)
settings.load_profile(os.environ.get("TRACKER_HYPOTHESIS_PROFILE", "default"))

FROZEN_NOW = datetime(2024, 10, 1, 9, 0)
PASSWORD = "matkhau-thu-nghiem"


def database_url(tmp_dir, name: str = "test") -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / (name + '.db')}"
    if name == "test":
        return url
    # A separate PostgreSQL database for the browser suite, whose server thread commits for real.
    base = make_url(url)
    target = base.set(database=f"{base.database}_{name}")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def build_app(tmp_dir, name: str = "test", **overrides) -> Flask:
    class Cfg(TestConfig):
        INSTANCE_DIR = tmp_dir
        UPLOAD_DIR = tmp_dir / "uploads"
        SQLALCHEMY_DATABASE_URI = database_url(tmp_dir, name)
        MAX_UPLOAD_BYTES = 1024 * 1024
        MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    for key, value in overrides.items():
        setattr(Cfg, key, value)
    app = create_app(Cfg)
    rebuild_schema(app)
    return app


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[Flask]:
    application = build_app(tmp_path_factory.mktemp("instance"))
    yield application
    with application.app_context():
        db.engine.dispose()


# The loopback ports the running test owns (reserved through ``free_port`` or served by an SMTP server it
# started), and the SMTP connections it attempted elsewhere.
_OWN_PORTS: set[int] = set()
_FOREIGN_SMTP: list[str] = []
_GUARD_LOCK = threading.Lock()
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def own_port(port: int) -> int:
    """Mark ``port`` as the current test's own (SMTP may be opened to it)."""
    with _GUARD_LOCK:
        _OWN_PORTS.add(int(port))
    return port


def smtp_allowed(host: str, port: int) -> bool:
    with _GUARD_LOCK:
        return host in LOOPBACK and int(port) in _OWN_PORTS


@pytest.fixture(autouse=True)
def smtp_guard(monkeypatch) -> Iterator[list[str]]:
    """Fail any test that opens SMTP anywhere but a server of its own. The connection is refused with an
    exception the app does not catch (a test failure, not an ``OSError`` it would retry), and the attempt is
    recorded so that one made from another thread fails the test at teardown too."""
    real_connect = smtplib.SMTP.connect
    real_start = Controller.start

    def guarded_connect(self, host="localhost", port=0, source_address=None):
        target_port = port or (int(host.rsplit(":", 1)[1]) if ":" in host else smtplib.SMTP_PORT)
        target_host = host.rsplit(":", 1)[0] if ":" in host and not port else host
        if not smtp_allowed(target_host, target_port):
            attempt = f"{target_host}:{target_port}"
            with _GUARD_LOCK:
                _FOREIGN_SMTP.append(attempt)
            pytest.fail(f"SMTP opened to {attempt}, which is not a server this test started (use the mailbox fixture)")
        return real_connect(self, host, port, source_address)

    def registering_start(self):
        own_port(self.port)
        return real_start(self)

    with _GUARD_LOCK:
        _OWN_PORTS.clear()
        _FOREIGN_SMTP.clear()
    monkeypatch.setattr(smtplib.SMTP, "connect", guarded_connect)
    monkeypatch.setattr(Controller, "start", registering_start)
    yield _FOREIGN_SMTP
    with _GUARD_LOCK:
        attempts = list(_FOREIGN_SMTP)
        _OWN_PORTS.clear()
        _FOREIGN_SMTP.clear()
    if attempts:
        pytest.fail(f"SMTP opened outside the test's own servers: {', '.join(attempts)}")


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[datetime]:
    clock.freeze(FROZEN_NOW)
    yield FROZEN_NOW
    clock.freeze(None)


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Everything done inside happens in one transaction that is rolled back at the end; the code under
    test commits to SAVEPOINTs inside it."""
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=True),
        scopefunc=_app_ctx_id,
    )
    try:
        yield None
    finally:
        with app.app_context():
            db.session.remove()
        db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def db_session(app: Flask) -> Iterator[None]:
    with rolled_back(app):
        yield None


@pytest.fixture
def client(app: Flask, db_session):
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db_session):
    return app.test_cli_runner()


class Factory:
    """Creates rows through the services and returns ids (objects would outlive their session)."""

    def __init__(self, app: Flask):
        self.app = app
        self.counter = 0

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def unit(self, name: str | None = None, kind: UnitKind = UnitKind.DIVISION) -> int:
        with self.app.app_context():
            unit = Unit(name=name or f"Phòng thử nghiệm {self._next()}", short_name=f"P{self.counter}", kind=kind)
            db.session.add(unit)
            db.session.commit()
            return unit.id

    def user(self, role: Role, unit_id: int | None = None, username: str | None = None, active: bool = True) -> str:
        with self.app.app_context():
            username = username or f"{role.value}{self._next()}"
            user = User(
                username=username,
                full_name=f"Người dùng {username}",
                role=role,
                unit_id=unit_id,
                email=f"{username}@example.invalid",
                active=active,
            )
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            return username

    def user_id(self, username: str) -> int:
        with self.app.app_context():
            return db.session.query(User.id).filter_by(username=username).scalar()

    def issuer(self, name: str) -> Issuer:
        """The listed issuing body of that name, added to the list the first time (in the caller's session)."""
        found = db.session.scalars(select(Issuer).where(Issuer.name == name)).first()
        if found is None:
            found = Issuer(name=name, code="")
            db.session.add(found)
        return found

    def issuer_id(self, name: str) -> int:
        with self.app.app_context():
            issuer = self.issuer(name)
            db.session.commit()
            return issuer.id

    def plan(self, number: str | None = None, year: int = 2024, requires_confirmation: bool = True, **kw) -> int:
        with self.app.app_context():
            plan = Plan(
                doc_type=kw.pop("doc_type", DocumentType.PLAN),
                number=number or f"{self._next()}/KH-SNV",
                title=kw.pop("title", "Kế hoạch thử nghiệm"),
                issuer=self.issuer(kw.pop("issuer", "Sở Nội vụ")),
                issued_on=kw.pop("issued_on", date(year, 1, 15)),
                year=year,
                requires_confirmation=requires_confirmation,
                **kw,
            )
            db.session.add(plan)
            db.session.commit()
            return plan.id

    def task(
        self,
        plan_id: int,
        lead_unit_id: int,
        deadline: str = "Quý IV/2024",
        parent_id: int | None = None,
        title: str | None = None,
        **kw,
    ) -> int:
        with self.app.app_context():
            plan = db.session.get(Plan, plan_id)
            parent = db.session.get(Task, parent_id) if parent_id else None
            task = ops.create_task(
                plan,
                ops.TaskInput(title=title or f"Nhiệm vụ {self._next()}", lead_unit_id=lead_unit_id, deadline_text=deadline, **kw),
                None,
                parent=parent,
            )
            db.session.commit()
            return task.id


@pytest.fixture
def factory(app: Flask, db_session) -> Factory:
    return Factory(app)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return csrf_token(client, "/plans")


def free_port() -> int:
    """A free loopback port, owned by the current test (the SMTP guard lets it connect there)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return own_port(s.getsockname()[1])


def count_statements(app: Flask, fn: Callable[[], object]) -> int:
    """How many SQL statements ``fn`` sends to the database (the fixed-query-count tests)."""
    with app.app_context():
        engine = db.engine
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)
