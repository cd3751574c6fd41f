"""the deadline as written decides the period: task.written_due, tally by it

A task belongs to the reporting period that holds its deadline as written (after an approved
extension, the extended date), never the date Điều 148 moved it to: "Trong năm 2023" (31/12/2023, a
Sunday) is a 2023 task though it is on time until 02/01/2024. Whether it is on time is still judged
against the deadline in force (``effective_due``).

* ``task.written_due``: ``COALESCE(extended_due, due_date)`` while the task has a deadline in force
  (NULL otherwise; ``effective_due`` stands in when a row has none written), kept by the same triggers
  that keep ``standing`` (its Python twin: ``rules.status.written_due``). Period and deadline-range
  filters compare it; the boxes compare ``effective_due``.
* The leaf indexes carry it, so the period reads stay index-only.
* ``task_tally`` 'due' rows are keyed by the written day (``day``) and the day in force (``due``): the
  period filter reads ``day``, the overdue count ``due``. The written day decides the day in force, so
  the tally has as many rows as before. 'done' rows are unchanged (``due`` NULL).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:30:00

"""
import importlib.util
import re
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _sibling(name: str):
    spec = importlib.util.spec_from_file_location(f"migration_{name}", Path(__file__).with_name(name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


M5 = _sibling("0005_leaf_flag_and_standing.py")
M6 = _sibling("0006_task_tally.py")

WRITTEN = "CASE WHEN effective_due IS NULL THEN NULL ELSE COALESCE(extended_due, due_date, effective_due) END"
STANDING_FIELDS = (*M5.STANDING_FIELDS, "due_date", "extended_due")

SQLITE_STANDING = [
    f"""CREATE TRIGGER task_standing_insert AFTER INSERT ON task
    BEGIN
        UPDATE task SET standing = {M5.STANDING}, written_due = {WRITTEN} WHERE id = NEW.id;
    END""",
    f"""CREATE TRIGGER task_standing_update AFTER UPDATE OF {", ".join(STANDING_FIELDS)} ON task
    BEGIN
        UPDATE task SET standing = {M5.STANDING}, written_due = {WRITTEN} WHERE id = NEW.id;
    END""",
]


def _new(expression: str, fields) -> str:
    return re.sub(r"\b(" + "|".join(fields) + r")\b", r"NEW.\1", expression)


POSTGRES_STANDING = f"""CREATE OR REPLACE FUNCTION task_standing_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.standing := {M5.NEW_STANDING};
        NEW.written_due := {_new(WRITTEN, ("effective_due", "extended_due", "due_date"))};
        RETURN NEW;
    END $$"""

# ---------------------------------------------------------------- the tally, keyed by both days

FIELDS = (*M6.FIELDS, "written_due")
COMPLETED = M6.COMPLETED


def counted(row: str) -> dict[str, tuple[str, str, str]]:
    """For each kind: the condition under which ``row`` (OLD or NEW) is counted, its day and its due."""
    return {
        "due": (f"{row}.is_leaf AND {row}.standing IS NOT NULL", f"{row}.written_due", f"{row}.effective_due"),
        "done": (f"{row}.is_leaf AND {row}.standing IN {COMPLETED}", f"{row}.completed_on", "NULL"),
    }


def sqlite_apply(row: str, sign: int) -> str:
    statements = []
    for kind, (condition, day, due) in counted(row).items():
        key = (
            f"kind = '{kind}' AND lead_unit_id = {row}.lead_unit_id AND standing = {row}.standing "
            f"AND day IS {day} AND due IS {due}"
        )
        pending = f"({row}.confirmation = 'pending')" if kind == "due" else "0"
        extended = f"({row}.extended_due IS NOT NULL)" if kind == "due" else "0"
        statements.append(
            f"INSERT INTO task_tally (kind, lead_unit_id, standing, day, due, n, pending, extended) "
            f"SELECT '{kind}', {row}.lead_unit_id, {row}.standing, {day}, {due}, 0, 0, 0 "
            f"WHERE {condition} AND NOT EXISTS (SELECT 1 FROM task_tally WHERE {key});"
        )
        statements.append(
            f"UPDATE task_tally SET n = n + {sign}, pending = pending + {sign} * {pending}, "
            f"extended = extended + {sign} * {extended} WHERE {condition} AND {key};"
        )
        if sign < 0:
            statements.append(f"DELETE FROM task_tally WHERE {condition} AND {key} AND n = 0;")
    return "\n        ".join(statements)


CHANGED = " OR ".join(f"OLD.{f} IS NOT NEW.{f}" for f in FIELDS)
SQLITE_TALLY = [
    f"""CREATE TRIGGER task_tally_insert AFTER INSERT ON task
    BEGIN
        {sqlite_apply("NEW", 1)}
    END""",
    f"""CREATE TRIGGER task_tally_delete AFTER DELETE ON task
    BEGIN
        {sqlite_apply("OLD", -1)}
    END""",
    f"""CREATE TRIGGER task_tally_update AFTER UPDATE OF {", ".join(FIELDS)} ON task WHEN {CHANGED}
    BEGIN
        {sqlite_apply("OLD", -1)}
        {sqlite_apply("NEW", 1)}
    END""",
]


def postgres_apply(row: str, sign: int) -> str:
    lines = []
    for kind, (condition, day, due) in counted(row).items():
        pending = f"({row}.confirmation = 'pending')::int" if kind == "due" else "0"
        extended = f"({row}.extended_due IS NOT NULL)::int" if kind == "due" else "0"
        lines.append(
            f"IF {condition} THEN PERFORM task_tally_add('{kind}', {row}.lead_unit_id, {row}.standing, {day}, "
            f"{due}, {sign}, {sign} * {pending}, {sign} * {extended}); END IF;"
        )
    return "\n            ".join(lines)


POSTGRES_TALLY = [
    """CREATE FUNCTION task_tally_add(k text, u integer, s text, d date, dd date, dn integer, dp integer, de integer)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        row_id integer;
        left_n integer;
    BEGIN
        INSERT INTO task_tally AS t (kind, lead_unit_id, standing, day, due, n, pending, extended)
        VALUES (k, u, s, d, dd, dn, dp, de)
        ON CONFLICT (kind, lead_unit_id, standing, day, due) DO UPDATE
        SET n = t.n + EXCLUDED.n, pending = t.pending + EXCLUDED.pending, extended = t.extended + EXCLUDED.extended
        RETURNING t.id, t.n INTO row_id, left_n;
        IF left_n = 0 THEN
            DELETE FROM task_tally WHERE id = row_id;
        END IF;
    END $$""",
    f"""CREATE FUNCTION task_tally_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {postgres_apply("OLD", -1)}
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            {postgres_apply("NEW", 1)}
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER task_tally_insert AFTER INSERT ON task FOR EACH ROW EXECUTE FUNCTION task_tally_sync()",
    "CREATE TRIGGER task_tally_delete AFTER DELETE ON task FOR EACH ROW EXECUTE FUNCTION task_tally_sync()",
    f"""CREATE TRIGGER task_tally_update AFTER UPDATE ON task FOR EACH ROW
    WHEN (({", ".join("OLD." + f for f in FIELDS)}) IS DISTINCT FROM ({", ".join("NEW." + f for f in FIELDS)}))
    EXECUTE FUNCTION task_tally_sync()""",
]

BACKFILL = f"""INSERT INTO task_tally (kind, lead_unit_id, standing, day, due, n, pending, extended)
SELECT 'due', lead_unit_id, standing, written_due, effective_due, count(*),
       sum(CASE WHEN confirmation = 'pending' THEN 1 ELSE 0 END),
       sum(CASE WHEN extended_due IS NOT NULL THEN 1 ELSE 0 END)
FROM task WHERE is_leaf AND standing IS NOT NULL GROUP BY lead_unit_id, standing, written_due, effective_due
UNION ALL
SELECT 'done', lead_unit_id, standing, completed_on, NULL, count(*), 0, 0
FROM task WHERE is_leaf AND standing IN {COMPLETED} GROUP BY lead_unit_id, standing, completed_on"""

# ---------------------------------------------------------------- the leaf indexes, with the written day

LEAF, FLAGGED = M5.LEAF, M5.FLAGGED
OLD_INDEXES = [
    ("ix_task_leaf_unit", ["lead_unit_id", "standing", "plan_id", "effective_due", "is_leaf"], LEAF),
    ("ix_task_leaf_due", ["effective_due", "standing", "lead_unit_id", "plan_id", "is_leaf"], LEAF),
    ("ix_task_leaf_done", ["completed_on", "standing", "lead_unit_id", "plan_id", "effective_due", "confirmation", "is_leaf"], LEAF),
    ("ix_task_leaf_flagged", ["lead_unit_id", "standing", "plan_id", "effective_due", "confirmation", "extended_due", "is_leaf"], FLAGGED),
]
NEW_INDEXES = [
    ("ix_task_leaf_unit", ["lead_unit_id", "standing", "plan_id", "written_due", "effective_due", "is_leaf"], LEAF),
    ("ix_task_leaf_due", ["written_due", "standing", "lead_unit_id", "plan_id", "effective_due", "is_leaf"], LEAF),
    ("ix_task_leaf_done", ["completed_on", "standing", "lead_unit_id", "plan_id", "written_due", "effective_due", "confirmation", "is_leaf"], LEAF),
    ("ix_task_leaf_flagged", ["lead_unit_id", "standing", "plan_id", "written_due", "effective_due", "confirmation", "extended_due", "is_leaf"], FLAGGED),
]


def _swap_indexes(old, new):
    for name, _, where in old:
        op.drop_index(name, table_name="task", **where)
    for name, columns, where in new:
        op.create_index(name, "task", columns, unique=False, **where)


def _drop_tally(postgres: bool) -> None:
    for name in ("task_tally_insert", "task_tally_delete", "task_tally_update"):
        op.execute(f"DROP TRIGGER {name} ON task" if postgres else f"DROP TRIGGER {name}")
    if postgres:
        op.execute("DROP FUNCTION task_tally_sync()")
    op.drop_index('ix_task_tally_day', table_name='task_tally')
    op.drop_index('uq_task_tally_key', table_name='task_tally')
    op.drop_table('task_tally')


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_tally(postgres)
    if postgres:
        op.execute("DROP FUNCTION task_tally_add(text, integer, text, date, integer, integer, integer)")
    op.add_column('task', sa.Column('written_due', sa.Date(), nullable=True))
    if postgres:
        op.execute(POSTGRES_STANDING)
    else:
        op.execute("DROP TRIGGER task_standing_insert")
        op.execute("DROP TRIGGER task_standing_update")
        for statement in SQLITE_STANDING:
            op.execute(statement)
    op.execute(f"UPDATE task SET written_due = {WRITTEN}")
    _swap_indexes(OLD_INDEXES, NEW_INDEXES)
    op.create_table(
        'task_tally',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=4), nullable=False),
        sa.Column('lead_unit_id', sa.Integer(), nullable=False),
        sa.Column('standing', sa.String(length=12), nullable=False),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('due', sa.Date(), nullable=True),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('pending', sa.Integer(), nullable=False),
        sa.Column('extended', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_task_tally')),
    )
    op.create_index(
        'uq_task_tally_key', 'task_tally', ['kind', 'lead_unit_id', 'standing', 'day', 'due'], unique=True,
        postgresql_nulls_not_distinct=True, postgresql_include=['n', 'pending', 'extended'],
    )
    op.create_index('ix_task_tally_day', 'task_tally', ['kind', 'day', 'standing', 'n'], unique=False)
    op.execute(BACKFILL)
    for statement in POSTGRES_TALLY if postgres else SQLITE_TALLY:
        op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_tally(postgres)
    if postgres:
        op.execute("DROP FUNCTION task_tally_add(text, integer, text, date, date, integer, integer, integer)")
        op.execute("DROP TRIGGER task_tally_lock ON task")
        op.execute("DROP FUNCTION task_tally_lock()")
    _swap_indexes(NEW_INDEXES, OLD_INDEXES)
    if postgres:
        for statement in M5.POSTGRES_TRIGGERS[:1]:
            op.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    else:
        op.execute("DROP TRIGGER task_standing_insert")
        op.execute("DROP TRIGGER task_standing_update")
        for statement in M5.SQLITE_TRIGGERS[:2]:
            op.execute(statement)
    op.drop_column('task', 'written_due')
    # Back to 0006's tally: its table, backfill and triggers (its lock trigger too, dropped above).
    M6.upgrade()
