"""task tally: leaves counted per unit, standing and day, kept by triggers

The director dashboard's roll-up of the whole Sở and its month-by-month trend used to read every leaf
(~90,000 index entries at 100,000 tasks, three times per page). ``task_tally`` holds the same counts
grouped by (unit, standing, day): a few thousand rows whatever the number of tasks, since days and
units are few. The database keeps it right by itself, whatever writes the tasks (the ORM, raw SQL,
COPY, cascades), with row triggers that take a row's old contribution away and add its new one:

* 'due' rows: leaves with a standing (cancelled left out) by deadline in force (``day`` NULL when
  there is none), with how many await confirmation and how many were extended;
* 'done' rows: leaves completed on time or late, by completion date.

Rows whose count falls to zero are deleted. On SQLite the standing is set by an AFTER trigger's
UPDATE (migration 0005), which fires the tally's update trigger in turn: each trigger applies its own
row change (old values out, new values in), so the sum comes out right whatever order they run in.
On PostgreSQL the key's unique index treats NULL days as equal (NULLS NOT DISTINCT, PostgreSQL 15)
so that concurrent writers meet in one row through INSERT ... ON CONFLICT; it carries the counts
(INCLUDE) so that the roll-up reads the index alone. Every statement writing tasks first takes one
transaction-level advisory lock: transactions that change tasks queue until the one before commits,
as they do on SQLite, instead of deadlocking on tally rows. The trend reads ix_task_tally_day alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 23:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The columns whose change moves a task in the tally.
FIELDS = ("is_leaf", "lead_unit_id", "standing", "effective_due", "completed_on", "confirmation", "extended_due")
COMPLETED = "('on_time', 'late')"
# The transaction-level advisory lock every statement writing tasks takes first on PostgreSQL
# (tracker.tasks.tally.WRITERS_LOCK, which rebuilds the tally under it, must stay equal).
LOCK = 20241001


def counted(row: str) -> dict[str, str]:
    """For each kind: the condition under which ``row`` (OLD or NEW) is counted, and its day."""
    return {
        "due": (f"{row}.is_leaf AND {row}.standing IS NOT NULL", f"{row}.effective_due"),
        "done": (f"{row}.is_leaf AND {row}.standing IN {COMPLETED}", f"{row}.completed_on"),
    }


def sqlite_apply(row: str, sign: int) -> str:
    """SQLite trigger statements adding (sign 1) or taking away (sign -1) ``row``'s contribution."""
    statements = []
    for kind, (condition, day) in counted(row).items():
        key = f"kind = '{kind}' AND lead_unit_id = {row}.lead_unit_id AND standing = {row}.standing AND day IS {day}"
        pending = f"({row}.confirmation = 'pending')" if kind == "due" else "0"
        extended = f"({row}.extended_due IS NOT NULL)" if kind == "due" else "0"
        statements.append(
            f"INSERT INTO task_tally (kind, lead_unit_id, standing, day, n, pending, extended) "
            f"SELECT '{kind}', {row}.lead_unit_id, {row}.standing, {day}, 0, 0, 0 "
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
SQLITE_TRIGGERS = [
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
    for kind, (condition, day) in counted(row).items():
        pending = f"({row}.confirmation = 'pending')::int" if kind == "due" else "0"
        extended = f"({row}.extended_due IS NOT NULL)::int" if kind == "due" else "0"
        lines.append(
            f"IF {condition} THEN PERFORM task_tally_add('{kind}', {row}.lead_unit_id, {row}.standing, {day}, "
            f"{sign}, {sign} * {pending}, {sign} * {extended}); END IF;"
        )
    return "\n            ".join(lines)


POSTGRES_TRIGGERS = [
    """CREATE FUNCTION task_tally_add(k text, u integer, s text, d date, dn integer, dp integer, de integer)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        row_id integer;
        left_n integer;
    BEGIN
        INSERT INTO task_tally AS t (kind, lead_unit_id, standing, day, n, pending, extended)
        VALUES (k, u, s, d, dn, dp, de)
        ON CONFLICT (kind, lead_unit_id, standing, day) DO UPDATE
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
    # One writer of tasks at a time, until it commits (as on SQLite), taken before the statement locks
    # any row: transactions moving tasks between the same tally rows in opposite orders would otherwise
    # deadlock, and a lock taken by the row trigger would come after the row's own lock, too late.
    f"""CREATE FUNCTION task_tally_lock() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock({LOCK});
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER task_tally_lock BEFORE INSERT OR UPDATE OR DELETE ON task
    FOR EACH STATEMENT EXECUTE FUNCTION task_tally_lock()""",
    "CREATE TRIGGER task_tally_insert AFTER INSERT ON task FOR EACH ROW EXECUTE FUNCTION task_tally_sync()",
    "CREATE TRIGGER task_tally_delete AFTER DELETE ON task FOR EACH ROW EXECUTE FUNCTION task_tally_sync()",
    f"""CREATE TRIGGER task_tally_update AFTER UPDATE ON task FOR EACH ROW
    WHEN (({", ".join("OLD." + f for f in FIELDS)}) IS DISTINCT FROM ({", ".join("NEW." + f for f in FIELDS)}))
    EXECUTE FUNCTION task_tally_sync()""",
]

BACKFILL = f"""INSERT INTO task_tally (kind, lead_unit_id, standing, day, n, pending, extended)
SELECT 'due', lead_unit_id, standing, effective_due, count(*),
       sum(CASE WHEN confirmation = 'pending' THEN 1 ELSE 0 END),
       sum(CASE WHEN extended_due IS NOT NULL THEN 1 ELSE 0 END)
FROM task WHERE is_leaf AND standing IS NOT NULL GROUP BY lead_unit_id, standing, effective_due
UNION ALL
SELECT 'done', lead_unit_id, standing, completed_on, count(*), 0, 0
FROM task WHERE is_leaf AND standing IN {COMPLETED} GROUP BY lead_unit_id, standing, completed_on"""


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'task_tally',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=4), nullable=False),
        sa.Column('lead_unit_id', sa.Integer(), nullable=False),
        sa.Column('standing', sa.String(length=12), nullable=False),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('pending', sa.Integer(), nullable=False),
        sa.Column('extended', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_task_tally')),
    )
    op.create_index(
        'uq_task_tally_key', 'task_tally', ['kind', 'lead_unit_id', 'standing', 'day'], unique=True,
        postgresql_nulls_not_distinct=True, postgresql_include=['n', 'pending', 'extended'],
    )
    op.create_index('ix_task_tally_day', 'task_tally', ['kind', 'day', 'standing', 'n'], unique=False)
    op.execute(BACKFILL)
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in ("task_tally_insert", "task_tally_delete", "task_tally_update"):
        op.execute(f"DROP TRIGGER {name} ON task" if postgres else f"DROP TRIGGER {name}")
    if postgres:
        op.execute("DROP TRIGGER task_tally_lock ON task")
        op.execute("DROP FUNCTION task_tally_lock()")
        op.execute("DROP FUNCTION task_tally_sync()")
        op.execute("DROP FUNCTION task_tally_add(text, integer, text, date, integer, integer, integer)")
    op.drop_index('ix_task_tally_day', table_name='task_tally')
    op.drop_index('uq_task_tally_key', table_name='task_tally')
    op.drop_table('task_tally')
