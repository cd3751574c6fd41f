"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker.extensions import db


def test_models_match_migrations(app):
    with app.app_context(), db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == []


def test_every_table_was_created_by_migrations(app):
    from sqlalchemy import inspect

    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
    assert {
        "unit",
        "user_account",
        "plan",
        "task",
        "task_event",
        "attachment",
        "extension_request",
        "task_cooperating_unit",
        "calendar_day",
        "app_state",
        "alembic_version",
    } <= names
