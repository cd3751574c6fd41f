"""report figures at the million: plan_tally (leaves and top-level tasks per plan, unit and standing)

A year report counts every leaf of the year twice (by plan, by lead unit): ~886,000 index entries each
at 1,000,000 tasks, ~1 s of database CPU, and ``task_tally`` cannot answer it (it does not know plans).

* ``plan_tally``: per (plan, lead unit, standing), cancelled left out: how many leaves (``n``), how
  many of them await confirmation and how many were extended, and how many top-level tasks (``roots``,
  "07 nhiệm vụ với 47 phần việc": ~600,000 at the million, too many to count per request) — 12,000 rows
  at the million (200 plans x 20 units x 3 standings). Kept exactly as ``task_tally`` is (migration 0006): row triggers take a row's old
  contribution away and add its new one, whatever writes the tasks; rows whose count falls to zero are
  deleted (both counts zero). On PostgreSQL writers meet in one row through INSERT ... ON CONFLICT on the key (which
  carries the counts, so reads use the index alone), and 0006's statement-level advisory lock
  (``task_tally_lock``, taken before any task row is written) already queues writers of tasks, so the
  new rows cannot deadlock either.

Revision ID: 0023_report_figures
Revises: 0021_delivery_queue
Create Date: 2026-12-01 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_report_figures"
down_revision = "0021_delivery_queue"
branch_labels = None
depends_on = None

# The columns whose change moves a task in plan_tally.
FIELDS = ("is_leaf", "parent_id", "plan_id", "lead_unit_id", "standing", "confirmation", "extended_due")


def _condition(row: str) -> str:
    """A row counts when it has a standing (not cancelled) and is a leaf or a top-level task."""
    return f"{row}.standing IS NOT NULL AND ({row}.is_leaf OR {row}.parent_id IS NULL)"


def _deltas(row: str, sign: int, cast: str) -> tuple[str, str, str, str]:
    """What ``row`` adds (sign 1) or takes away (-1): leaves, top-level tasks, pending and extended leaves."""
    leaf = f"({row}.is_leaf){cast}"
    return (
        f"{sign} * {leaf}",
        f"{sign} * ({row}.parent_id IS NULL){cast}",
        f"{sign} * ({row}.is_leaf AND {row}.confirmation = 'pending'){cast}",
        f"{sign} * ({row}.is_leaf AND {row}.extended_due IS NOT NULL){cast}",
    )


def sqlite_apply(row: str, sign: int) -> str:
    """SQLite trigger statements adding (sign 1) or taking away (sign -1) ``row``'s contribution."""
    condition = _condition(row)
    key = f"plan_id = {row}.plan_id AND lead_unit_id = {row}.lead_unit_id AND standing = {row}.standing"
    n, roots, pending, extended = _deltas(row, sign, "")
    statements = [
        f"INSERT INTO plan_tally (plan_id, lead_unit_id, standing, n, roots, pending, extended) "
        f"SELECT {row}.plan_id, {row}.lead_unit_id, {row}.standing, 0, 0, 0, 0 "
        f"WHERE {condition} AND NOT EXISTS (SELECT 1 FROM plan_tally WHERE {key});",
        f"UPDATE plan_tally SET n = n + {n}, roots = roots + {roots}, pending = pending + {pending}, "
        f"extended = extended + {extended} WHERE {condition} AND {key};",
    ]
    if sign < 0:
        statements.append(f"DELETE FROM plan_tally WHERE {condition} AND {key} AND n = 0 AND roots = 0;")
    return "\n        ".join(statements)


CHANGED = " OR ".join(f"OLD.{f} IS NOT NEW.{f}" for f in FIELDS)
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER plan_tally_insert AFTER INSERT ON task
    BEGIN
        {sqlite_apply("NEW", 1)}
    END""",
    f"""CREATE TRIGGER plan_tally_delete AFTER DELETE ON task
    BEGIN
        {sqlite_apply("OLD", -1)}
    END""",
    f"""CREATE TRIGGER plan_tally_update AFTER UPDATE OF {", ".join(FIELDS)} ON task WHEN {CHANGED}
    BEGIN
        {sqlite_apply("OLD", -1)}
        {sqlite_apply("NEW", 1)}
    END""",
]


def postgres_apply(row: str, sign: int) -> str:
    deltas = ", ".join(_deltas(row, sign, "::int"))
    return (
        f"IF {_condition(row)} THEN PERFORM plan_tally_add({row}.plan_id, {row}.lead_unit_id, {row}.standing, "
        f"{deltas}); END IF;"
    )


POSTGRES_TRIGGERS = [
    """CREATE FUNCTION plan_tally_add(p integer, u integer, s text, dn integer, dr integer, dp integer, de integer)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        row_id integer;
        left_n integer;
        left_roots integer;
    BEGIN
        INSERT INTO plan_tally AS t (plan_id, lead_unit_id, standing, n, roots, pending, extended)
        VALUES (p, u, s, dn, dr, dp, de)
        ON CONFLICT (plan_id, lead_unit_id, standing) DO UPDATE
        SET n = t.n + EXCLUDED.n, roots = t.roots + EXCLUDED.roots, pending = t.pending + EXCLUDED.pending,
            extended = t.extended + EXCLUDED.extended
        RETURNING t.id, t.n, t.roots INTO row_id, left_n, left_roots;
        IF left_n = 0 AND left_roots = 0 THEN
            DELETE FROM plan_tally WHERE id = row_id;
        END IF;
    END $$""",
    f"""CREATE FUNCTION plan_tally_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {postgres_apply("OLD", -1)}
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            {postgres_apply("NEW", 1)}
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER plan_tally_insert AFTER INSERT ON task FOR EACH ROW EXECUTE FUNCTION plan_tally_sync()",
    "CREATE TRIGGER plan_tally_delete AFTER DELETE ON task FOR EACH ROW EXECUTE FUNCTION plan_tally_sync()",
    f"""CREATE TRIGGER plan_tally_update AFTER UPDATE ON task FOR EACH ROW
    WHEN (({", ".join("OLD." + f for f in FIELDS)}) IS DISTINCT FROM ({", ".join("NEW." + f for f in FIELDS)}))
    EXECUTE FUNCTION plan_tally_sync()""",
]

BACKFILL = """INSERT INTO plan_tally (plan_id, lead_unit_id, standing, n, roots, pending, extended)
SELECT plan_id, lead_unit_id, standing,
       sum(CASE WHEN is_leaf THEN 1 ELSE 0 END),
       sum(CASE WHEN parent_id IS NULL THEN 1 ELSE 0 END),
       sum(CASE WHEN is_leaf AND confirmation = 'pending' THEN 1 ELSE 0 END),
       sum(CASE WHEN is_leaf AND extended_due IS NOT NULL THEN 1 ELSE 0 END)
FROM task WHERE standing IS NOT NULL AND (is_leaf OR parent_id IS NULL) GROUP BY plan_id, lead_unit_id, standing"""


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "plan_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("lead_unit_id", sa.Integer(), nullable=False),
        sa.Column("standing", sa.String(length=12), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("roots", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.Column("extended", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_tally")),
    )
    op.create_index(
        "uq_plan_tally_key", "plan_tally", ["plan_id", "lead_unit_id", "standing"], unique=True,
        postgresql_include=["n", "roots", "pending", "extended"],
    )
    op.execute(BACKFILL)
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in ("plan_tally_insert", "plan_tally_delete", "plan_tally_update"):
        op.execute(f"DROP TRIGGER {name} ON task" if postgres else f"DROP TRIGGER {name}")
    if postgres:
        op.execute("DROP FUNCTION plan_tally_sync()")
        op.execute("DROP FUNCTION plan_tally_add(integer, integer, text, integer, integer, integer, integer)")
    op.drop_index("uq_plan_tally_key", table_name="plan_tally")
    op.drop_table("plan_tally")
