"""delivery_queue: the sender's queue apart from the outbox (delivery_unsent, kept by triggers), so that
marking a tick's rows sent re-indexes nothing; the outbox's pages half free on PostgreSQL

Revision ID: 0021_delivery_queue
Revises: 0020_list_indexes
Create Date: 2026-12-01 19:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0021_delivery_queue"
down_revision = "0020_list_indexes"
branch_labels = None
depends_on = None

UNSENT = "('pending', 'sending')"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER delivery_unsent_insert AFTER INSERT ON delivery WHEN NEW.status IN {UNSENT}
    BEGIN INSERT INTO delivery_unsent (delivery_id, recipient_id) VALUES (NEW.id, NEW.recipient_id); END""",
    f"""CREATE TRIGGER delivery_unsent_update AFTER UPDATE OF status ON delivery
    WHEN (OLD.status IN {UNSENT}) != (NEW.status IN {UNSENT})
    BEGIN
      DELETE FROM delivery_unsent WHERE delivery_id = NEW.id AND NEW.status NOT IN {UNSENT};
      INSERT INTO delivery_unsent (delivery_id, recipient_id)
        SELECT NEW.id, NEW.recipient_id WHERE NEW.status IN {UNSENT};
    END""",
    """CREATE TRIGGER delivery_unsent_delete AFTER DELETE ON delivery
    BEGIN DELETE FROM delivery_unsent WHERE delivery_id = OLD.id; END""",
]

# Statement triggers with transition tables: one set-based write per statement, whatever the number of
# rows (a tick inserts and marks tens of thousands at once).
POSTGRES_FUNCTIONS = [
    f"""CREATE FUNCTION delivery_unsent_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO delivery_unsent (delivery_id, recipient_id)
        SELECT id, recipient_id FROM new_rows WHERE status IN {UNSENT};
      RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION delivery_unsent_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM delivery_unsent q USING old_rows o, new_rows n
        WHERE q.delivery_id = o.id AND n.id = o.id AND o.status IN {UNSENT} AND n.status NOT IN {UNSENT};
      INSERT INTO delivery_unsent (delivery_id, recipient_id)
        SELECT n.id, n.recipient_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.status IN {UNSENT} AND o.status NOT IN {UNSENT};
      RETURN NULL;
    END $$""",
    """CREATE FUNCTION delivery_unsent_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM delivery_unsent q USING old_rows o WHERE q.delivery_id = o.id;
      RETURN NULL;
    END $$""",
]
POSTGRES_TRIGGERS = [
    """CREATE TRIGGER delivery_unsent_insert AFTER INSERT ON delivery REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION delivery_unsent_insert()""",
    """CREATE TRIGGER delivery_unsent_update AFTER UPDATE ON delivery
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION delivery_unsent_update()""",
    """CREATE TRIGGER delivery_unsent_delete AFTER DELETE ON delivery REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION delivery_unsent_delete()""",
]
NAMES = ("delivery_unsent_insert", "delivery_unsent_update", "delivery_unsent_delete")


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "delivery_unsent",
        sa.Column("delivery_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("delivery_id", name=op.f("pk_delivery_unsent")),
    )
    op.create_index(op.f("ix_delivery_unsent_recipient_id"), "delivery_unsent", ["recipient_id"])
    op.execute(
        f"INSERT INTO delivery_unsent (delivery_id, recipient_id) SELECT id, recipient_id FROM delivery WHERE status IN {UNSENT}"
    )
    for statement in (POSTGRES_FUNCTIONS + POSTGRES_TRIGGERS) if postgres else SQLITE_TRIGGERS:
        op.execute(statement)
    op.drop_index("ix_delivery_unsent", table_name="delivery")
    if postgres:
        op.execute("ALTER TABLE delivery SET (fillfactor = 50)")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE delivery RESET (fillfactor)")
    where = sa.text(f"status IN {UNSENT}")
    op.create_index("ix_delivery_unsent", "delivery", ["next_attempt_at"], sqlite_where=where, postgresql_where=where)
    for name in NAMES:
        op.execute(f"DROP TRIGGER {name} ON delivery" if postgres else f"DROP TRIGGER {name}")
        if postgres:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_index(op.f("ix_delivery_unsent_recipient_id"), table_name="delivery_unsent")
    op.drop_table("delivery_unsent")
