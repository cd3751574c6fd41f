"""search: tasks found by folded words (case, diacritics and tone placement ignored) through a trigram index

The fold is ``tracker.rules.search.search_fold`` written in each database's SQL (a test checks the
twins on every character of its table), so the database keeps the index current by itself, whatever
writes the tasks (the operations, the importer, the benchmark's COPY), as it keeps the tally:

* PostgreSQL: an IMMUTABLE SQL function ``tracker_fold`` (``translate``); a table ``task_search`` (id,
  folded title, description and result) kept by a trigger on ``task`` (a row deleted goes by its
  foreign key's cascade), with a GIN trigram index (pg_trgm); ``LIKE '%…%'`` uses it.
* SQLite: a contentless FTS5 table ``task_search`` with the trigram tokenizer (rowid = task id) holding
  the same folded text, kept by three triggers on ``task`` (no batch operation: ``task``'s own
  triggers stay). SQLite has no ``translate`` and its parser refuses the ~140 nested ``replace`` calls
  the fold would take, so the triggers call ``tracker_fold``, the Python function itself, which the
  app registers on every SQLite connection (tracker/__init__.py). A client that writes tasks without
  it (the bare ``sqlite3`` shell) gets "no such function: tracker_fold": write through the app.

Plans and units are few (hundreds): they are searched through the same fold without an index.

Also ``calendar_feed``: each person's secret iCalendar address (its hash), revocable.

Revision ID: 0016_search
Revises: 0015_indicators
Create Date: 2026-12-01 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.database

from tracker.rules.search import postgres_translate_args, task_body_sql

revision = "0016_search"
down_revision = "0015_indicators"
branch_labels = None
depends_on = None

def sqlite_body(row: str) -> str:
    return task_body_sql(f"{row}.", sqlite=True)


def upgrade():
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_calendar_feed_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feed_user_id")),
    )
    if op.get_bind().dialect.name == "postgresql":
        source, target = postgres_translate_args()
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE FUNCTION tracker_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
            f"AS $$ SELECT translate($1, '{source}', '{target}') $$"
        )
        # The folded text is stored (in its own table, ``task`` unchanged): a trigram match is lossy and
        # PostgreSQL rechecks every candidate row, which on the expression itself ran translate() again
        # per row (~200 µs on this machine: 1,3 s for a word in 6,000 tasks); on a stored column the
        # recheck is a plain LIKE.
        op.execute(
            "CREATE TABLE task_search (id integer PRIMARY KEY REFERENCES task (id) ON DELETE CASCADE, body text NOT NULL)"
        )
        op.execute(f"INSERT INTO task_search (id, body) SELECT id, {task_body_sql()} FROM task")
        op.execute("CREATE INDEX ix_task_search ON task_search USING gin (body gin_trgm_ops)")
        op.execute(
            f"""CREATE FUNCTION task_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO task_search (id, body) VALUES (NEW.id, {task_body_sql("NEW.")})
                ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body;
                RETURN NULL;
            END $$"""
        )
        op.execute(
            "CREATE TRIGGER task_search_sync AFTER INSERT OR UPDATE OF title, description, result ON task "
            "FOR EACH ROW EXECUTE FUNCTION task_search_sync()"
        )
        return
    op.execute("CREATE VIRTUAL TABLE task_search USING fts5(body, content='', tokenize='trigram')")
    op.execute(f"INSERT INTO task_search (rowid, body) SELECT id, {sqlite_body('task')} FROM task")
    op.execute(
        f"""CREATE TRIGGER task_search_insert AFTER INSERT ON task BEGIN
        INSERT INTO task_search (rowid, body) VALUES (NEW.id, {sqlite_body('NEW')});
    END"""
    )
    op.execute(
        f"""CREATE TRIGGER task_search_update AFTER UPDATE OF title, description, result ON task BEGIN
        INSERT INTO task_search (task_search, rowid, body) VALUES ('delete', OLD.id, {sqlite_body('OLD')});
        INSERT INTO task_search (rowid, body) VALUES (NEW.id, {sqlite_body('NEW')});
    END"""
    )
    op.execute(
        f"""CREATE TRIGGER task_search_delete AFTER DELETE ON task BEGIN
        INSERT INTO task_search (task_search, rowid, body) VALUES ('delete', OLD.id, {sqlite_body('OLD')});
    END"""
    )


def downgrade():
    op.drop_table("calendar_feed")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS task_search_sync ON task")
        op.execute("DROP FUNCTION IF EXISTS task_search_sync()")
        op.execute("DROP TABLE IF EXISTS task_search")
        op.execute("DROP FUNCTION IF EXISTS tracker_fold(text)")
        op.execute("DROP EXTENSION IF EXISTS pg_trgm")
        return
    for name in ("task_search_insert", "task_search_update", "task_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS task_search")
