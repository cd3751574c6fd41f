"""Configuration, read from the environment.

Nothing secret lives in the repository: when SECRET_KEY is unset, a random key is generated once and
kept in ``instance/secret_key`` so sessions survive restarts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", BASE_DIR / "instance"))


def _secret_key(instance_dir: Path) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    INSTANCE_DIR = INSTANCE_DIR
    SECRET_KEY = _secret_key(INSTANCE_DIR)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Asia/Ho_Chi_Minh")
    # Pin "now" (ISO, local time) for demonstrations and benchmarks that replay a given day; unset in use.
    FROZEN_NOW = os.environ.get("TRACKER_NOW", "")
    UPLOAD_DIR = Path(os.environ.get("TRACKER_UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    MAX_UPLOAD_BYTES = int(os.environ.get("TRACKER_MAX_UPLOAD_MB", "20")) * 1024 * 1024
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
    PAGE_SIZE = 50


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
