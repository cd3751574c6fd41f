"""Building a database from nothing: used by the tests and the benchmarks."""

from __future__ import annotations

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from tracker.extensions import db


def rebuild_schema(app: Flask) -> None:
    """Empty the database (PostgreSQL: drop the public schema) and run every migration."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
