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


def test_the_tally_is_built_from_existing_tasks_on_upgrade(tmp_path):
    """A database with tasks at revision 0005 gets a ``task_tally`` equal to a recount of them, and the
    downgrade removes it again."""
    from datetime import date

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import insert, inspect, text

    from tests.conftest import build_app
    from tests.tasks.test_tally import tally
    from tracker.accounts.models import Unit
    from tracker.plans.models import Plan
    from tracker.rules.documents import DocumentType
    from tracker.tasks.models import Task
    from tracker.tasks.tally import recount

    app = build_app(tmp_path, name="backfill")
    try:
        with app.app_context():
            downgrade(revision="0005")
            assert "task_tally" not in inspect(db.engine).get_table_names()
            unit = Unit(name="Phòng A", short_name="A")
            plan = Plan(doc_type=DocumentType.PLAN, number="1/KH", title="KH", issuer="Sở", issued_on=date(2024, 1, 2), year=2024)
            db.session.add_all([unit, plan])
            db.session.flush()
            rows = [
                {"plan_id": plan.id, "title": f"t{i}", "lead_unit_id": unit.id, "effective_due": date(2024, 9, 1 + i % 20)}
                for i in range(30)
            ]
            db.session.execute(insert(Task), rows)
            db.session.execute(
                text("UPDATE task SET status = 'done', completed_on = :day WHERE id % 3 = 0"), {"day": date(2024, 9, 10)}
            )
            db.session.commit()
            db.session.remove()
            upgrade()
            assert tally() == recount()
            # 0007 wrote the deadline as written (here only the one in force is known) on every task.
            written = db.session.execute(text("SELECT written_due, effective_due FROM task")).all()
            assert len(written) == 30 and all(w is not None and str(w) == str(e) for w, e in written)
            assert sum(n for (kind, *_), (n, _, _) in tally().items() if kind == "done") == 10
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
