"""issuers: the issuing bodies as a list, plan numbers unique per body

A plan's ``issuer`` was free text, so "Sở Nội vụ" and "Sở Nội vụ tỉnh Bắc Giang" were two bodies and
the number's uniqueness meant little. ``issuer`` is now a table the administrator keeps; each plan
points to one row and (issuer_id, year, number) is unique. The upgrade makes one issuer per distinct
text already in use (spaces collapsed, so it cannot make two plans clash) and points every plan to it:
no plan is lost or changed. Texts that differ otherwise ("Sở Nội vụ", "Sở Nội vụ tỉnh Bắc Giang") stay
two rows, for the administrator to review: move the plans of one to the other and delete it. The
downgrade writes the names back into the text column.

``app_state`` gets ``updated_by_id``: office-wide settings the administrator changes (the back-dating
limit for completions) record who changed them.

SQLite: dropping ``plan.issuer`` and its unique constraint means rebuilding ``plan`` (a batch
migration). With foreign keys enforced, dropping the old ``plan`` would fail on the tasks that refer
to it, so enforcement is switched off for the rebuild (outside a transaction, the only place where the
pragma takes effect), checked with ``foreign_key_check`` and switched on again. ``task`` itself is not
rebuilt, so its triggers (0005, 0006) stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:30:00

"""

import re
import unicodedata

from alembic import op
import sqlalchemy as sa
import tracker.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _tidy(name):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "")).strip()


def _foreign_keys(enabled):
    """SQLite: the pragma is ignored inside a transaction, and the app hands transactions to SQLAlchemy
    (BEGIN IMMEDIATE on its "begin" event), so commit what ran before, switch, and begin again: the
    transaction SQLAlchemy commits at the end of the run is then this new one."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    raw = bind.connection.dbapi_connection
    if enabled:
        bad = raw.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise RuntimeError(f"foreign key violations in migration 0008: {bad[:5]}")
    if raw.in_transaction:
        raw.execute("COMMIT")
    raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    raw.execute("BEGIN IMMEDIATE")


def upgrade():
    _foreign_keys(False)
    issuer = op.create_table(
        "issuer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], name=op.f("fk_issuer_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuer")),
        sa.UniqueConstraint("name", name=op.f("uq_issuer_name")),
    )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuer_id", sa.Integer(), nullable=True))

    bind = op.get_bind()
    plan = sa.table("plan", sa.column("id", sa.Integer), sa.column("issuer", sa.String), sa.column("issuer_id", sa.Integer))
    texts = bind.execute(sa.select(plan.c.issuer).distinct()).scalars().all()
    names = {text: _tidy(text) or "(chưa rõ cơ quan ban hành)" for text in texts}
    for name in sorted(set(names.values())):
        bind.execute(sa.insert(issuer).values(name=name, code="", active=True, updated_at=sa.func.current_timestamp()))
    ids = dict(bind.execute(sa.select(issuer.c.name, issuer.c.id)).all())
    for text, name in names.items():
        bind.execute(sa.update(plan).where(plan.c.issuer == text).values(issuer_id=ids[name]))

    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.alter_column("issuer_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_plan_issuer_year_number", type_="unique")
        batch_op.drop_column("issuer")
        batch_op.create_foreign_key(batch_op.f("fk_plan_issuer_id_issuer"), "issuer", ["issuer_id"], ["id"])
        batch_op.create_unique_constraint(batch_op.f("uq_plan_issuer_id_year_number"), ["issuer_id", "year", "number"])
        batch_op.create_index(batch_op.f("ix_plan_issuer_id"), ["issuer_id"], unique=False)

    with op.batch_alter_table("app_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_app_state_updated_by_id_user_account"), "user_account", ["updated_by_id"], ["id"]
        )
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table("app_state", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_app_state_updated_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("updated_by_id")

    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuer", sa.String(length=200), nullable=True))
    op.execute("UPDATE plan SET issuer = (SELECT name FROM issuer WHERE issuer.id = plan.issuer_id)")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_issuer_id"))
        batch_op.drop_constraint(batch_op.f("uq_plan_issuer_id_year_number"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_plan_issuer_id_issuer"), type_="foreignkey")
        batch_op.drop_column("issuer_id")
        batch_op.alter_column("issuer", existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint("uq_plan_issuer_year_number", ["issuer", "year", "number"])

    op.drop_table("issuer")
    _foreign_keys(True)
