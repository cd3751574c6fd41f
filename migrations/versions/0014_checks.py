"""checks: every enum column accepts only its enum's values, and two invariants the code always keeps

A column typed by one of our enums (``tracker.enums.enum_column``) is a VARCHAR: until now any string
written by raw SQL, a script or a bug was stored and then failed when read back as the enum. Each gets
a CHECK ``col IN (...)`` named ``ck_<table>_<enum>`` (the models declare the same constraints, so a
fresh ``create_all`` and this migration agree; tests/test_check_constraints.py compares them with the
database and writes a bad value into every such column on both databases).

Two invariants, already true of every row the code writes (the operations and the demo):
* ``ck_extension_request_decided``: a request is pending exactly while it has no decision time;
* ``ck_report_issued_numbered``: an issued report has its number, year and date.
The task's own completion and confirmation fields are NOT constrained: the tally triggers and the
classification are built (and tested with random raw SQL) to handle any combination of them.

The value lists are written out here, not read from the enums: a migration is a record of the schema
at its revision, and a later change of an enum needs its own migration (the test above fails until
it has one).

SQLite cannot add a constraint to an existing table: every table is rebuilt (a batch migration),
with foreign-key enforcement switched off for the rebuild as 0008 does — except ``task``, whose
triggers (0005-0007) a rebuild would drop. There the same checks are BEFORE INSERT / BEFORE UPDATE OF
triggers that abort with SQLite's own "CHECK constraint failed: <name>" message (an IntegrityError,
as a CHECK raises). PostgreSQL adds real CHECK constraints everywhere, ``task`` included.

Revision ID: 0014_checks
Revises: 0013
Create Date: 2026-12-01 12:10:00

"""

from alembic import op


revision = "0014_checks"
down_revision = "0013"
branch_labels = None
depends_on = None


def _in(column, *values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# table -> (constraint name, condition on the row's columns), in the naming convention's ck_<table>_<name>.
ENUM_CHECKS = {
    "unit": [("unitkind", _in("kind", "department", "office", "division", "centre"))],
    "user_account": [("role", _in("role", "admin", "office", "leader", "unit_head", "staff"))],
    "plan": [
        ("documenttype", _in("doc_type", "plan", "directive", "conclusion", "decision", "official_letter")),
        ("planstatus", _in("status", "draft", "active", "closed")),
    ],
    "extension_request": [("extensionstate", _in("state", "pending", "approved", "rejected"))],
    "delivery": [
        ("channel", _in("channel", "inapp", "webhook")),
        ("deliverystatus", _in("status", "none", "pending", "sending", "sent", "failed")),
    ],
    "calendar_day": [("calendardaykind", _in("kind", "day_off", "working_day"))],
    "import_draft": [("draftstatus", _in("status", "draft", "confirmed"))],
    "report": [
        ("reportscope", _in("scope", "plan", "year", "higher")),
        ("reportstate", _in("state", "draft", "issued")),
    ],
}
INVARIANTS = {
    "extension_request": [
        ("decided", "(state <> 'pending' OR decided_at IS NULL) AND (state NOT IN ('approved', 'rejected') OR decided_at IS NOT NULL)"),
    ],
    "report": [
        ("issued_numbered", "state <> 'issued' OR (serial IS NOT NULL AND issued_year IS NOT NULL AND issued_on IS NOT NULL)"),
    ],
}
# task: (name, column, values); on SQLite enforced by triggers, on PostgreSQL by CHECK constraints.
TASK_CHECKS = [
    ("deadlinekind", "deadline_kind", ("fixed", "ongoing", "periodic", "undetermined")),
    ("frequency", "frequency", ("monthly", "quarterly", "half_yearly", "yearly")),
    ("taskstatus", "status", ("not_started", "in_progress", "done", "paused", "cancelled")),
    ("confirmation", "confirmation", ("none", "pending", "confirmed", "returned")),
]


def _table_checks():
    tables = {table: list(checks) for table, checks in ENUM_CHECKS.items()}
    for table, checks in INVARIANTS.items():
        tables[table] += checks
    return tables


def _sqlite_task_triggers():
    """Two triggers per check: a new row, and an update of the column. ``NOT (x IN (...))`` is NULL for
    a NULL ``x``, so a nullable column (frequency) accepts NULL exactly as a CHECK does."""
    statements = []
    for name, column, values in TASK_CHECKS:
        constraint = f"ck_task_{name}"
        condition = f"NOT ({_in('NEW.' + column, *values)})"
        abort = f"SELECT RAISE(ABORT, 'CHECK constraint failed: {constraint}');"
        statements.append(f"CREATE TRIGGER {constraint}_insert BEFORE INSERT ON task WHEN {condition} BEGIN {abort} END")
        statements.append(
            f"CREATE TRIGGER {constraint}_update BEFORE UPDATE OF {column} ON task WHEN {condition} BEGIN {abort} END"
        )
    return statements


def _foreign_keys(enabled):
    """SQLite: the pragma is ignored inside a transaction (see 0008): commit, switch, begin again."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    raw = bind.connection.dbapi_connection
    if enabled:
        bad = raw.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise RuntimeError(f"foreign key violations in migration 0014_checks: {bad[:5]}")
    if raw.in_transaction:
        raw.execute("COMMIT")
    raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    raw.execute("BEGIN IMMEDIATE")


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    _foreign_keys(False)
    for table, checks in _table_checks().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, condition)
    if sqlite:
        for statement in _sqlite_task_triggers():
            op.execute(statement)
    else:
        for name, column, values in TASK_CHECKS:
            op.create_check_constraint(name, "task", _in(column, *values))
    _foreign_keys(True)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    _foreign_keys(False)
    if sqlite:
        for name, _column, _values in TASK_CHECKS:
            op.execute(f"DROP TRIGGER ck_task_{name}_insert")
            op.execute(f"DROP TRIGGER ck_task_{name}_update")
    else:
        for name, _column, _values in TASK_CHECKS:
            op.drop_constraint(op.f(f"ck_task_{name}"), "task", type_="check")
    for table, checks in _table_checks().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
    _foreign_keys(True)
