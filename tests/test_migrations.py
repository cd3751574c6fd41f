"""The migrations build exactly the schema the models describe."""

import re
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker import clock
from tracker.extensions import db
from tracker.search.models import mapped_outside_orm

# Indexes on an expression (migration 0020): SQLAlchemy cannot read them back, so the comparison leaves
# them out and test_default_order_walks_its_index checks they are there and used.
EXPRESSION_INDEXES = {"ix_task_due_order", "ix_task_due_order_desc", "ix_task_title_order", "ix_task_updated_order"}


def _compared(name, type_, _parent) -> bool:
    # Search's index lives in the database only (migration 0016): leave it out of the comparison.
    return not mapped_outside_orm(name, type_) and name not in EXPRESSION_INDEXES


def _compared_object(_object, name, _type, _reflected, _compare_to) -> bool:
    return name not in EXPRESSION_INDEXES


def _differences(conn) -> list:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", message="autogenerate skipping metadata-specified expression-based index")
        opts = {"compare_type": True, "render_as_batch": True, "include_name": _compared, "include_object": _compared_object}
        return compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)


def test_models_match_migrations(app):
    with app.app_context(), db.engine.connect() as conn:
        assert _differences(conn) == []


INDEX_OF_SORT = {
    "due": "ix_task_due_order",
    "-due": "ix_task_due_order_desc",
    "title": "ix_task_title_order",
    "updated": "ix_task_updated_order",
}


@pytest.mark.parametrize("sort", list(INDEX_OF_SORT))
def test_default_order_walks_its_index(app, sort):
    """An unfiltered list in deadline order reads its page from ix_task_due_order(_desc), sorting nothing:
    at a million tasks a sort of every task took 2 s (issue 16); by title or last change 2,6–3,1 s."""
    from sqlalchemy import text

    from tracker.tasks.filters import TaskFilter
    from tracker.tasks.queries import list_statement

    with app.app_context():
        stmt = list_statement(TaskFilter(), clock.today(), sort, 1, 50)
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN QUERY PLAN "
        if db.engine.dialect.name == "postgresql":
            # A handful of rows: allowed to, PostgreSQL would sort them; forbidden, it must walk the index.
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            db.session.execute(text("SET LOCAL enable_sort = off"))
            explain = "EXPLAIN "
        plan = " ".join(str(row) for row in db.session.execute(text(explain + sql)))
    index = INDEX_OF_SORT[sort]
    assert re.search(rf"\b{index}\b", plan), plan
    assert "TEMP B-TREE" not in plan and "Sort Key" not in plan, plan


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
    from tracker.tasks.models import Task
    from tracker.tasks.tally import recount

    app = build_app(tmp_path, name="backfill")
    try:
        with app.app_context():
            downgrade(revision="0005")
            assert "task_tally" not in inspect(db.engine).get_table_names()
            unit = Unit(name="Phòng A", short_name="A")
            db.session.add(unit)
            db.session.flush()
            plan_id = _old_plan(1)
            rows = [
                {"plan_id": plan_id, "title": f"t{i}", "lead_unit_id": unit.id, "effective_due": date(2024, 9, 1 + i % 20)}
                for i in range(30)
            ]
            db.session.execute(insert(Task.__table__), rows)  # Core: columns added after 0005 (version) left out
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


def _old_plan(number: int, issuer: str = "Sở") -> int:
    """A plan row as the schema before migration 0008 has it (the issuer as text), written in SQL."""
    from sqlalchemy import text

    db.session.execute(
        text(
            "INSERT INTO plan (doc_type, number, title, issuer, issued_on, year, parent_reference, status,"
            " requires_confirmation, created_at) VALUES ('plan', :number, 'KH', :issuer, '2024-01-02', 2024, '',"
            " 'active', true, CURRENT_TIMESTAMP)"
        ),
        {"number": f"{number}/KH", "issuer": issuer},
    )
    return db.session.execute(text("SELECT max(id) FROM plan")).scalar_one()


def test_issuer_texts_become_one_listed_body_each_on_upgrade(tmp_path):
    """Migration 0008 keeps every plan: one issuer per text (spaces collapsed), each plan pointing to it;
    the downgrade writes the names back."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select, text

    from tests.conftest import build_app
    from tracker.plans.models import Issuer, Plan

    app = build_app(tmp_path, name="issuers")
    try:
        with app.app_context():
            downgrade(revision="0006")
            plans = [_old_plan(1, "Sở Nội vụ"), _old_plan(2, " Sở  Nội vụ"), _old_plan(3, "UBND tỉnh")]
            db.session.commit()
            db.session.remove()
            upgrade()
            rows = db.session.execute(select(Plan.id, Issuer.name).join(Plan.issuer).order_by(Plan.id)).all()
            assert [tuple(r) for r in rows] == list(zip(plans, ["Sở Nội vụ", "Sở Nội vụ", "UBND tỉnh"], strict=True))
            assert db.session.scalars(select(Issuer.name).order_by(Issuer.name)).all() == ["Sở Nội vụ", "UBND tỉnh"]
            db.session.remove()
            downgrade(revision="0006")
            assert db.session.execute(text("SELECT issuer FROM plan ORDER BY id")).scalars().all() == ["Sở Nội vụ"] * 2 + [
                "UBND tỉnh"
            ]
            db.session.remove()
            upgrade()
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()


def _schema(conn) -> dict[str, set[str]]:
    """Tables with their columns, indexes and (SQLite) triggers: what a step down must remove and the
    step up again must restore exactly."""
    from sqlalchemy import inspect, text

    insp = inspect(conn)
    found: dict[str, set[str]] = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        for table in insp.get_table_names():
            found[table] = {f"column {c['name']}" for c in insp.get_columns(table)}
            found[table] |= {f"unique {u['name']}" for u in insp.get_unique_constraints(table)}
            found[table] |= {f"check {c['name']}" for c in insp.get_check_constraints(table)}
    # Indexes from the catalogue: the inspector skips those on an expression (migration 0020).
    if conn.dialect.name == "sqlite":
        indexes = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    else:
        indexes = "SELECT indexname, tablename FROM pg_indexes WHERE schemaname = 'public'"
    for name, table in conn.execute(text(indexes)):
        found.setdefault(table, set()).add(f"index {name}")
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = conn.execute(text("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"))
    for name, table in rows:
        found.setdefault(f"triggers of {table}", set()).add(name)
    if conn.dialect.name == "postgresql":
        functions = conn.execute(text("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"))
        if names := {name for (name,) in functions}:
            found["functions"] = names
    return found


def test_stairway_each_step_up_down_and_up_again(tmp_path):
    """Every migration, from the first: up, down (back to exactly the schema before it), up again (exactly
    the schema its first run built). Revisions are read from the scripts, so a new one is walked too."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    from tests.conftest import build_app
    from tracker import ROOT

    revisions = [r.revision for r in reversed(list(ScriptDirectory(str(ROOT / "migrations")).walk_revisions()))]
    assert revisions[0] == "0001" and len(revisions) >= 11
    app = build_app(tmp_path, name="stairway")
    try:
        with app.app_context():
            downgrade(revision="base")
            before = _current_schema()
            assert set(before) <= {"alembic_version"}
            for revision in revisions:
                upgrade(revision=revision)
                after = _current_schema()
                assert after != before, f"{revision} changed nothing"
                downgrade(revision="-1")
                assert _current_schema() == before, f"downgrade of {revision} did not restore the schema before it"
                upgrade(revision=revision)
                assert _current_schema() == after, f"{revision} applied again built another schema"
                before = after
        with app.app_context(), db.engine.connect() as conn:
            assert _differences(conn) == []
    finally:
        with app.app_context():
            db.engine.dispose()


def _current_schema() -> dict[str, set[str]]:
    db.session.remove()
    with db.engine.connect() as conn:
        found = _schema(conn)
    found.pop("alembic_version", None)
    return found
