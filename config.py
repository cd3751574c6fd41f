"""Configuration, read from the environment.

Nothing secret lives in the repository: when SECRET_KEY is unset, the application generates a random key
when it starts (``create_app``, so ``make run`` and every command) and keeps it in ``instance/secret_key``
so sessions survive restarts. Importing this module writes nothing.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", BASE_DIR / "instance"))


def instance_secret_key(instance_dir: Path) -> str:
    """The key kept in ``instance_dir/secret_key``, created (mode 0600) on first use.

    Written beside and then hard-linked into place, so two processes starting together (gunicorn's
    workers, the scheduler) never read a half-written file and all end up with the same key."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        draft = instance_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process won; use its key
        finally:
            draft.unlink()
    return path.read_text().strip()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    INSTANCE_DIR = INSTANCE_DIR
    # Empty: create_app reads (or creates) instance/secret_key; see instance_secret_key.
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Asia/Ho_Chi_Minh")
    # Pin "now" (ISO, local time) for demonstrations and benchmarks that replay a given day; unset in use.
    FROZEN_NOW = os.environ.get("TRACKER_NOW", "")
    UPLOAD_DIR = Path(os.environ.get("TRACKER_UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    MAX_UPLOAD_BYTES = int(os.environ.get("TRACKER_MAX_UPLOAD_MB", "20")) * 1024 * 1024
    # The total size of one task's evidence files (0: no limit).
    TASK_EVIDENCE_QUOTA_BYTES = int(os.environ.get("TRACKER_TASK_EVIDENCE_QUOTA_MB", "100")) * 1024 * 1024
    # Werkzeug rejects bodies above this before our code runs; keep it a little above the file limit
    # so our own, Vietnamese, message is the one users see for an oversize file.
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024
    # Bộ luật Dân sự 2015, Điều 148: a deadline on a day off moves to the next working day.
    SHIFT_DEADLINE_TO_WORKING_DAY = _bool("TRACKER_SHIFT_DEADLINE", True)
    DUE_SOON_WORKING_DAYS = int(os.environ.get("TRACKER_DUE_SOON_DAYS", "3"))
    SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "8025"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
    SMTP_SENDER = os.environ.get("SMTP_SENDER", "tracker@localhost")
    # Where reminders post JSON for the office's document system or chat bots; unset: no webhook.
    WEBHOOK_URL = os.environ.get("TRACKER_WEBHOOK_URL", "")
    # A person's e-mail of one tick lists at most this many tasks of each kind, then links to the full list.
    EMAIL_MAX_TASKS_PER_SECTION = int(os.environ.get("TRACKER_EMAIL_MAX_TASKS", "100"))
    # Links in e-mails point here: by default the port `make run` serves on (PORT, scripts/serve.sh).
    BASE_URL = os.environ.get("TRACKER_BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '5000'}"
    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Served over https (nginx in front, docs/deployment.md): cookies Secure and links https. Without it a
    # request that came over https (ProxyFix trusting X-Forwarded-Proto) still gets Secure cookies
    # (tracker/accounts/sessions.py).
    HTTPS = _bool("TRACKER_HTTPS", False)
    PREFERRED_URL_SCHEME = "https" if HTTPS else "http"
    SESSION_COOKIE_SECURE = HTTPS
    REMEMBER_COOKIE_SECURE = HTTPS
    # "Ghi nhớ đăng nhập": this many days (Flask-Login's default is 365), HttpOnly, SameSite=Lax.
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("TRACKER_REMEMBER_DAYS", "14")))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # The sign-in's second step (TOTP) must follow the password within this many seconds.
    LOGIN_CODE_SECONDS = int(os.environ.get("TRACKER_LOGIN_CODE_SECONDS", "300"))
    PAGE_SIZE = 50
    # Dates and years outside this window are refused where they are parsed (issue 16).
    YEAR_MIN = int(os.environ.get("TRACKER_YEAR_MIN", "2000"))
    YEAR_MAX = int(os.environ.get("TRACKER_YEAR_MAX", "2100"))
    # Behind a reverse proxy (nginx, docs/deployment.md): how many proxies set X-Forwarded-*; 0 = none.
    PROXY_FIX_HOPS = int(os.environ.get("TRACKER_PROXY_HOPS", "0"))
    # A waiting scheduler process checks this often whether the leader is gone (tracker/scheduler.py).
    SCHEDULER_LEADER_POLL_SECONDS = int(os.environ.get("TRACKER_LEADER_POLL_SECONDS", "10"))


class TestConfig(Config):
    TESTING = True
    # A fixed key: tests never read or write instance/secret_key.
    SECRET_KEY = "tracker-tests-only-not-a-secret"  # nosec B105 (the test configuration only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
