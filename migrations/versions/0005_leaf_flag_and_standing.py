"""leaf flag and standing: what the roll-ups count from indexes

Two columns the database keeps right by itself with triggers, whatever writes the rows:
* ``is_leaf``: false while a task has sub-tasks (on insert, delete and re-parenting). The roll-ups
  count leaves only; before this they asked "has no child" of every row.
* ``standing``: the part of a task's box that does not change with the date, from its own fields
  (``tracker.rules.status.standing`` is its Python twin; a test checks they agree on every
  combination). Not a generated column: SQLite never reads an index alone when the query touches a
  generated column, and the roll-ups are fast because they read indexes alone.

Careful in later migrations: a SQLite batch migration that recreates ``task`` drops its triggers;
recreate them (the tests of the leaf flag and of the standing fail if they are gone).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:10:00

"""
import re

from alembic import op
import sqlalchemy as sa
import tracker.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

STANDING = """CASE
    WHEN status = 'cancelled' THEN NULL
    WHEN status = 'done' AND confirmation <> 'returned' AND completed_on IS NOT NULL THEN
        CASE
            WHEN deadline_kind <> 'fixed' OR effective_due IS NULL THEN 'undated_done'
            WHEN completed_on <= effective_due THEN 'on_time'
            ELSE 'late'
        END
    WHEN deadline_kind <> 'fixed' OR effective_due IS NULL THEN 'undated_open'
    ELSE 'open'
END"""

STANDING_FIELDS = ("status", "confirmation", "completed_on", "deadline_kind", "effective_due")

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER task_standing_insert AFTER INSERT ON task
    BEGIN
        UPDATE task SET standing = {STANDING} WHERE id = NEW.id;
    END""",
    f"""CREATE TRIGGER task_standing_update AFTER UPDATE OF {", ".join(STANDING_FIELDS)} ON task
    BEGIN
        UPDATE task SET standing = {STANDING} WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER task_leaf_insert AFTER INSERT ON task WHEN NEW.parent_id IS NOT NULL
    BEGIN
        UPDATE task SET is_leaf = 0 WHERE id = NEW.parent_id AND is_leaf = 1;
    END""",
    """CREATE TRIGGER task_leaf_delete AFTER DELETE ON task WHEN OLD.parent_id IS NOT NULL
    BEGIN
        UPDATE task SET is_leaf = NOT EXISTS (SELECT 1 FROM task AS c WHERE c.parent_id = OLD.parent_id)
        WHERE id = OLD.parent_id;
    END""",
    """CREATE TRIGGER task_leaf_move AFTER UPDATE OF parent_id ON task
    WHEN OLD.parent_id IS NOT NEW.parent_id
    BEGIN
        UPDATE task SET is_leaf = 0 WHERE id = NEW.parent_id AND is_leaf = 1;
        UPDATE task SET is_leaf = NOT EXISTS (SELECT 1 FROM task AS c WHERE c.parent_id = OLD.parent_id)
        WHERE id = OLD.parent_id;
    END""",
]

NEW_STANDING = re.sub(r"\b(" + "|".join(STANDING_FIELDS) + r")\b", r"NEW.\1", STANDING)

POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION task_standing_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.standing := {NEW_STANDING};
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER task_standing BEFORE INSERT OR UPDATE ON task FOR EACH ROW EXECUTE FUNCTION task_standing_sync()""",
    """CREATE FUNCTION task_leaf_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.parent_id IS NOT NULL THEN
            UPDATE task SET is_leaf = false WHERE id = NEW.parent_id AND is_leaf;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.parent_id IS NOT NULL THEN
            UPDATE task SET is_leaf = NOT EXISTS (SELECT 1 FROM task AS c WHERE c.parent_id = OLD.parent_id)
            WHERE id = OLD.parent_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER task_leaf_insert AFTER INSERT ON task FOR EACH ROW
    WHEN (NEW.parent_id IS NOT NULL) EXECUTE FUNCTION task_leaf_sync()""",
    """CREATE TRIGGER task_leaf_delete AFTER DELETE ON task FOR EACH ROW
    WHEN (OLD.parent_id IS NOT NULL) EXECUTE FUNCTION task_leaf_sync()""",
    """CREATE TRIGGER task_leaf_move AFTER UPDATE OF parent_id ON task FOR EACH ROW
    WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) EXECUTE FUNCTION task_leaf_sync()""",
]

LEAF = {"sqlite_where": sa.text("is_leaf = 1"), "postgresql_where": sa.text("is_leaf")}
FLAGGED = {
    "sqlite_where": sa.text("is_leaf = 1 AND (confirmation = 'pending' OR extended_due IS NOT NULL)"),
    "postgresql_where": sa.text("is_leaf AND (confirmation = 'pending' OR extended_due IS NOT NULL)"),
}
OPEN = {"sqlite_where": sa.text("standing = 'open'"), "postgresql_where": sa.text("standing = 'open'")}


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column('task', sa.Column('is_leaf', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute("UPDATE task SET is_leaf = false WHERE id IN (SELECT parent_id FROM task WHERE parent_id IS NOT NULL)")
    op.add_column('task', sa.Column('standing', sa.String(length=12), nullable=True))
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute(f"UPDATE task SET standing = {STANDING}")
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_open_due', sqlite_where=sa.text("status NOT IN ('done', 'cancelled')"), postgresql_where=sa.text("status NOT IN ('done', 'cancelled')"))
        # SQLite reads a partial index alone only if it also holds the columns of its condition.
        batch_op.create_index('ix_task_open', ['effective_due', 'id', 'is_leaf', 'lead_unit_id', 'plan_id', 'standing'], unique=False, **OPEN)
        batch_op.create_index('ix_task_leaf_unit', ['lead_unit_id', 'standing', 'plan_id', 'effective_due', 'is_leaf'], unique=False, **LEAF)
        batch_op.create_index('ix_task_leaf_due', ['effective_due', 'standing', 'lead_unit_id', 'plan_id', 'is_leaf'], unique=False, **LEAF)
        batch_op.create_index('ix_task_leaf_done', ['completed_on', 'standing', 'lead_unit_id', 'plan_id', 'effective_due', 'confirmation', 'is_leaf'], unique=False, **LEAF)
        # Completions awaiting confirmation and extended deadlines, counted apart: few rows.
        batch_op.create_index('ix_task_leaf_flagged', ['lead_unit_id', 'standing', 'plan_id', 'effective_due', 'confirmation', 'extended_due', 'is_leaf'], unique=False, **FLAGGED)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_leaf_flagged', **FLAGGED)
        batch_op.drop_index('ix_task_leaf_done', **LEAF)
        batch_op.drop_index('ix_task_leaf_due', **LEAF)
        batch_op.drop_index('ix_task_leaf_unit', **LEAF)
        batch_op.drop_index('ix_task_open', **OPEN)
        batch_op.create_index('ix_task_open_due', ['effective_due'], unique=False, sqlite_where=sa.text("status NOT IN ('done', 'cancelled')"), postgresql_where=sa.text("status NOT IN ('done', 'cancelled')"))
    triggers = ["task_leaf_insert", "task_leaf_delete", "task_leaf_move"]
    triggers += ["task_standing"] if postgres else ["task_standing_insert", "task_standing_update"]
    for name in triggers:
        op.execute(f"DROP TRIGGER {name} ON task" if postgres else f"DROP TRIGGER {name}")
    if postgres:
        op.execute("DROP FUNCTION task_leaf_sync()")
        op.execute("DROP FUNCTION task_standing_sync()")
    op.drop_column('task', 'standing')
    op.drop_column('task', 'is_leaf')
