"""report figures at the million: plan_tally (leaves and top-level tasks per plan, unit and standing)

A year report counts every leaf of the year twice (by plan, by lead unit): ~886,000 index entries each
at 1,000,000 tasks, ~1 s of database CPU, and ``task_tally`` cannot answer it (it does not know plans).

* ``plan_tally``: per (plan, lead unit, standing), cancelled left out: how many leaves (``n``), how
  many of them await confirmation and how many were extended, and how many top-level tasks (``roots``,
  "07 nhiệm vụ với 47 phần việc": ~600,000 at the million, too many to count per request) — 12,000 rows
  at the million (200 plans x 20 units x 3 standings). Kept exactly as ``task_tally`` is (migration 0006): row triggers take a row's old
  contribution away and add its new one, whatever writes the tasks; rows whose count falls to zero are
  deleted (both counts zero). On SQLite these are row triggers (an in-place update per task); on
  PostgreSQL statement-level triggers over the statement's transition tables: the rows of one
  statement summed per key, one INSERT ... ON CONFLICT per key (the key's index carries the counts,
  so reads use it alone). 0006's statement-level advisory lock (``task_tally_lock``, taken before any
  task row is written) already queues writers of tasks, so the new rows cannot deadlock either.

Revision ID: 0023_report_figures
Revises: 0022_document_jobs
Create Date: 2026-12-01 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_report_figures"
down_revision = "0022_document_jobs"
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


def _postgres_side(table: str, sign: int) -> str:
    """The contributions of a transition table's rows (``sign`` 1: added, -1: taken away)."""
    leaf = "is_leaf"
    return (
        f"SELECT plan_id, lead_unit_id, standing, {sign} * ({leaf})::int AS n, {sign} * (parent_id IS NULL)::int AS roots, "
        f"{sign} * ({leaf} AND confirmation = 'pending')::int AS pending, "
        f"{sign} * ({leaf} AND extended_due IS NOT NULL)::int AS extended "
        f"FROM {table} WHERE standing IS NOT NULL AND (is_leaf OR parent_id IS NULL)"
    )


def _postgres_function(name: str, sides: list[str], taken_away: bool) -> str:
    """A statement-level trigger function: the statement's rows summed per key, one upsert per key (a
    row trigger would update the same few rows once per task: an import of 10,000 tasks into one plan
    rewrote one row 10,000 times in a transaction, 40 s), then the rows left at zero deleted."""
    delete = (
        "DELETE FROM plan_tally AS t WHERE t.n = 0 AND t.roots = 0 AND (t.plan_id, t.lead_unit_id, t.standing) IN "
        "(SELECT plan_id, lead_unit_id, standing FROM old_rows);"
        if taken_away
        else ""
    )
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO plan_tally AS t (plan_id, lead_unit_id, standing, n, roots, pending, extended)
        SELECT plan_id, lead_unit_id, standing, sum(n), sum(roots), sum(pending), sum(extended)
        FROM ({" UNION ALL ".join(sides)}) AS d
        GROUP BY plan_id, lead_unit_id, standing
        HAVING sum(n) <> 0 OR sum(roots) <> 0 OR sum(pending) <> 0 OR sum(extended) <> 0
        ON CONFLICT (plan_id, lead_unit_id, standing) DO UPDATE
        SET n = t.n + EXCLUDED.n, roots = t.roots + EXCLUDED.roots, pending = t.pending + EXCLUDED.pending,
            extended = t.extended + EXCLUDED.extended;
        {delete}
        RETURN NULL;
    END $$"""


POSTGRES_FUNCTIONS = ("plan_tally_inserted", "plan_tally_updated", "plan_tally_deleted")
POSTGRES_TRIGGERS = [
    _postgres_function("plan_tally_inserted", [_postgres_side("new_rows", 1)], False),
    _postgres_function("plan_tally_updated", [_postgres_side("old_rows", -1), _postgres_side("new_rows", 1)], True),
    _postgres_function("plan_tally_deleted", [_postgres_side("old_rows", -1)], True),
    """CREATE TRIGGER plan_tally_insert AFTER INSERT ON task REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION plan_tally_inserted()""",
    """CREATE TRIGGER plan_tally_update AFTER UPDATE ON task REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION plan_tally_updated()""",
    """CREATE TRIGGER plan_tally_delete AFTER DELETE ON task REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION plan_tally_deleted()""",
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
        for name in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_index("uq_plan_tally_key", table_name="plan_tally")
    op.drop_table("plan_tally")
