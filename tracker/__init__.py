"""The tracker: plans, tasks, deadlines and the figures built from them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask
from flask_bootstrap import Bootstrap5
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker import clock
from tracker.database import sqlite_read_only
from tracker.extensions import csrf, db, login_manager, migrate
from tracker.rules.search import search_fold

ROOT = Path(__file__).resolve().parent.parent


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, let readers and the scheduler work beside a writer (WAL), and hand
    transaction control to SQLAlchemy so SAVEPOINTs behave (pysqlite's own handling breaks them)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        # The search fold, which migration 0016's triggers on ``task`` call (PostgreSQL has its SQL twin).
        dbapi_connection.create_function("tracker_fold", 1, search_fold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; commits do not wait for fsync of the log
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache per connection
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    """SQLite: a transaction that may write takes the write lock up front (BEGIN IMMEDIATE), so two
    writers queue on busy_timeout instead of failing with "database is locked" when both try to turn a
    read into a write. Pages that only read (GET) begin deferred and never wait for a writer."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN" if sqlite_read_only.get() else "BEGIN IMMEDIATE")


def create_app(config_class=None) -> Flask:
    if config_class is None:
        from config import Config

        config_class = Config
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(config_class.INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from tracker.private_files import private_sqlite

    private_sqlite(str(app.config["SQLALCHEMY_DATABASE_URI"]))  # owner-only (issue 16.10)
    if not app.config.get("SECRET_KEY"):
        from config import instance_secret_key

        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    clock.set_timezone(app.config["TIMEZONE"])
    if app.config.get("FROZEN_NOW"):
        from datetime import datetime

        clock.freeze(datetime.fromisoformat(app.config["FROZEN_NOW"]))

    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # The roll-ups read small indexes that stay in memory; PostgreSQL's default cost of a random
        # page read (4, for spinning disks) makes it scan the whole table instead, four times slower.
        # No parallel workers: each request is one process on a small server, and starting workers for
        # a 10-20 ms grouped read costs more than it saves (the trend read: 20 ms parallel, 14 ms not).
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        settings = "-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
        options["connect_args"] = {"options": settings, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    Bootstrap5(app)

    from tracker import models  # noqa: F401  (register every model with the metadata)
    from tracker.accounts.views import bp as accounts_bp
    from tracker.api.views import bp as api_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.cli import register_cli
    from tracker.dashboard.views import bp as dashboard_bp
    from tracker.documents.views import bp as documents_bp
    from tracker.imports.views import api_bp as imports_api_bp
    from tracker.imports.views import bp as imports_bp
    from tracker.indicators.api import bp as indicators_api_bp
    from tracker.indicators.views import bp as indicators_bp
    from tracker.me.views import bp as me_bp
    from tracker.notifications.views import bp as notifications_bp
    from tracker.plans.views import bp as plans_bp
    from tracker.reports.api import bp as reports_api_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.search.views import api_bp as search_api_bp
    from tracker.search.views import bp as search_bp
    from tracker.settings.views import bp as settings_bp
    from tracker.tasks.views import bp as tasks_bp
    from tracker.web import register_web

    app.register_blueprint(accounts_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(imports_api_bp)
    app.register_blueprint(indicators_bp)
    app.register_blueprint(indicators_api_bp)
    csrf.exempt(indicators_api_bp)
    csrf.exempt(api_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(reports_api_bp)
    csrf.exempt(reports_api_bp)
    csrf.exempt(imports_api_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(search_api_bp)
    csrf.exempt(search_api_bp)
    app.register_blueprint(me_bp)
    app.register_blueprint(documents_bp)
    register_web(app)
    register_cli(app)  # every feature's commands, from tracker/cli.py
    return app
