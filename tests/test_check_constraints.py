"""The CHECK constraints of migration 0014_checks: the database enforces exactly the constraints the models
declare, with exactly the enums' values, and refuses a bad value in every enum column (on SQLite the
``task`` table's checks are triggers, so its rebuild-free triggers are checked like constraints)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import CheckConstraint, Enum, inspect, text
from sqlalchemy.exc import IntegrityError

from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.indicators.models import Indicator, IndicatorPart, IndicatorResult, StatForm, StatRow
from tracker.tasks import operations as ops
from tracker.tasks.models import Task

QUOTED = re.compile(r"'([^']*)'")


def _sqlite_trigger_checks() -> dict[str, dict[str, str]]:
    """ck_task_<name> -> {"insert": sql, "update": sql} from the triggers that stand in for task's checks."""
    rows = db.session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ck\\_%' ESCAPE '\\'")
    )
    found: dict[str, dict[str, str]] = {}
    for name, sql in rows:
        constraint, _, event = name.rpartition("_")
        found.setdefault(constraint, {})[event] = sql.split(" WHEN ", 1)[1].split(" BEGIN ", 1)[0]  # the condition
    return found


def _database_checks(table: str) -> dict[str, str]:
    """name -> SQL text of every check the database enforces on ``table``."""
    checks = {c["name"]: c["sqltext"] for c in inspect(db.session.connection()).get_check_constraints(table)}
    if table == "task" and db.engine.dialect.name == "sqlite":
        for name, events in _sqlite_trigger_checks().items():
            assert set(events) == {"insert", "update"}, name  # a check on new rows and on changed ones
            assert events["insert"] == events["update"], name
            checks[name] = events["insert"]
    return checks


def _model_checks(table) -> dict[str, CheckConstraint]:
    return {c.name: c for c in table.constraints if isinstance(c, CheckConstraint)}


def _enum_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum):
                yield table, column


def test_the_database_enforces_exactly_the_checks_the_models_declare(app, db_session):
    with app.app_context():
        for table in db.metadata.sorted_tables:
            assert set(_database_checks(table.name)) == set(_model_checks(table)), table.name


def test_every_enum_column_is_checked_against_exactly_its_enums_values(app, db_session):
    """A value added to an enum without a migration (or a migration's list mistyped) fails here."""
    with app.app_context():
        columns = list(_enum_columns())
        assert (
            len(columns) == 21
        )  # the enum columns of the schema today (tracker.enums.enum_column): 15 + 5 of indicators + document_job.state
        for table, column in columns:
            name = f"ck_{table.name}_{column.type.name}"
            sql = _database_checks(table.name)[name]
            assert column.name in sql, name
            assert set(QUOTED.findall(sql)) == {m.value for m in column.type.enum_class}, name


@pytest.fixture
def rows(app, db_session, factory):
    """One row in every table that has an enum column; returns table -> (key column, key)."""
    unit = factory.unit()
    office = factory.user(Role.OFFICE, unit_id=unit)
    plan = factory.plan()
    task = factory.task(plan, unit, "Quý IV/2024")
    with app.app_context():
        actor = db.session.query(User).filter_by(username=office).one()
        request = ops.request_extension(
            db.session.get(Task, task), actor, "Cần thêm thời gian.", date(2025, 3, 31), clock.today()
        )
        user_id = actor.id
        db.session.execute(
            text(
                "INSERT INTO delivery (key, rule, seq, task_id, recipient_id, channel, status, attempts, next_attempt_at,"
                " created_at, last_error, note) VALUES ('k1', 'due', 0, :task, :user, 'inapp', 'pending', 0, :now, :now, '', '')"
            ),
            {"task": task, "user": user_id, "now": clock.now()},
        )
        db.session.execute(text("INSERT INTO calendar_day (day, kind, note) VALUES ('2024-12-30', 'day_off', '')"))
        db.session.execute(
            text(
                "INSERT INTO import_draft (created_at, updated_at, filename, kind, content_type, size, content, state, status)"
                " VALUES (:now, :now, 'kh.docx', 'docx', 'application/octet-stream', 0, :blob, '{}', 'draft')"
            ),
            {"now": clock.now(), "blob": b""},
        )
        db.session.execute(
            text(
                "INSERT INTO report (scope, plan_id, as_of, subject, sections, office_override, state, files, created_at, updated_at)"
                " VALUES ('plan', :plan, '2024-10-01', '', '{}', '{}', 'draft', '{}', :now, :now)"
            ),
            {"plan": plan, "now": clock.now()},
        )
        indicator = Indicator(plan_id=plan, title="Tỷ lệ hồ sơ trực tuyến")
        db.session.add(indicator)
        db.session.flush()
        form = StatForm(title="Biểu thống kê", year=2024)
        db.session.add(form)
        db.session.flush()
        db.session.add_all(
            [
                IndicatorPart(indicator_id=indicator.id, label="Tỷ lệ"),
                IndicatorResult(
                    indicator_id=indicator.id, period_code="Q4-2024", period_end=date(2024, 12, 31), entered_on=date(2024, 12, 20)
                ),
                StatRow(form_id=form.id, label="Số văn bản"),
            ]
        )
        db.session.execute(
            text(
                "INSERT INTO document_job (kind, params, title, filename, mimetype, state, rows_total, rows_done, attempts,"
                " requested_by_id, created_at) VALUES ('tasks_xlsx', '{}', 'Danh sách', 'x.xlsx', 'x', 'queued', 0, 0, 0, :user, :now)"
            ),
            {"user": user_id, "now": clock.now()},
        )
        db.session.flush()
        tables = (
            "unit",
            "user_account",
            "plan",
            "task",
            "extension_request",
            "delivery",
            "import_draft",
            "report",
            "document_job",
        )
        tables += ("indicator", "indicator_part", "indicator_result", "stat_form", "stat_row")
        ids = {table: db.session.execute(text(f"SELECT min(id) FROM {table}")).scalar() for table in tables}
        assert request.id == ids["extension_request"]
        yield {**{t: ("id", i) for t, i in ids.items()}, "calendar_day": ("day", "2024-12-30")}


class _Undo(Exception):
    """Raised inside a savepoint to roll back a write that succeeded."""


def _refused(statement: str, params: dict, constraint: str) -> None:
    with pytest.raises(IntegrityError) as caught, db.session.begin_nested():
        db.session.execute(text(statement), params)
    assert constraint in str(caught.value)


def test_a_bad_value_in_any_enum_column_is_refused_by_the_database(app, rows):
    with app.app_context():
        for table, column in _enum_columns():
            key, value = rows[table.name]
            constraint = f"ck_{table.name}_{column.type.name}"
            _refused(f"UPDATE {table.name} SET {column.name} = 'zz' WHERE {key} = :key", {"key": value}, constraint)
            # Every member passes this check (the list is not too short); an invariant may still refuse the
            # row (an "issued" report needs its number), but never this column's own check.
            for member in column.type.enum_class:
                statement = f"UPDATE {table.name} SET {column.name} = :v WHERE {key} = :key"
                try:
                    with db.session.begin_nested():
                        db.session.execute(text(statement), {"v": member.value, "key": value})
                        raise _Undo
                except _Undo:
                    pass
                except IntegrityError as refused:
                    assert constraint not in str(refused), member


def test_a_new_task_with_a_bad_value_is_refused_too(app, rows):
    """On SQLite the checks of ``task`` are triggers: the one on INSERT is a separate trigger from UPDATE's."""
    with app.app_context():
        columns = [c.name for c in Task.__table__.columns if c.name != "id"]
        for column in ("status", "confirmation", "deadline_kind", "frequency"):
            picked = ", ".join("'bogus'" if c == column else c for c in columns)
            name = Task.__table__.columns[column].type.name
            _refused(
                f"INSERT INTO task ({', '.join(columns)}) SELECT {picked} FROM task WHERE id = :id",
                {"id": rows["task"][1]},
                f"ck_task_{name}",
            )
        # NULL stays allowed where the column is nullable (a task without a frequency).
        with db.session.begin_nested() as savepoint:
            db.session.execute(text("UPDATE task SET frequency = NULL WHERE id = :id"), {"id": rows["task"][1]})
            savepoint.rollback()


def test_the_two_invariants_are_refused_when_broken(app, rows):
    with app.app_context():
        request = {"key": rows["extension_request"][1]}
        _refused("UPDATE extension_request SET state = 'approved' WHERE id = :key", request, "ck_extension_request_decided")
        _refused(
            "UPDATE extension_request SET decided_at = requested_at WHERE id = :key", request, "ck_extension_request_decided"
        )
        report = {"key": rows["report"][1]}
        _refused("UPDATE report SET state = 'issued' WHERE id = :key", report, "ck_report_issued_numbered")
        with db.session.begin_nested() as savepoint:
            db.session.execute(
                text(
                    "UPDATE report SET state = 'issued', serial = '7', issued_year = 2024, issued_on = '2024-10-01' WHERE id = :key"
                ),
                report,
            )
            savepoint.rollback()
