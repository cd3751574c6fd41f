"""imports: drafts being previewed (the parse and the source file), unit aliases

New tables only; ``task`` and ``plan`` are not altered (no batch operation, their triggers stay).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:10:00

"""

from alembic import op
import sqlalchemy as sa
import tracker.database  # noqa: F401  (custom column types)


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], name=op.f("fk_import_draft_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_import_draft_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_draft")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_import_draft_plan_id")),
    )
    op.create_index(op.f("ix_import_draft_created_by_id"), "import_draft", ["created_by_id"], unique=False)
    op.create_table(
        "unit_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], name=op.f("fk_unit_alias_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_unit_alias_unit_id_unit"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_alias")),
        sa.UniqueConstraint("key", name=op.f("uq_unit_alias_key")),
    )
    op.create_index(op.f("ix_unit_alias_unit_id"), "unit_alias", ["unit_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_unit_alias_unit_id"), table_name="unit_alias")
    op.drop_table("unit_alias")
    op.drop_index(op.f("ix_import_draft_created_by_id"), table_name="import_draft")
    op.drop_table("import_draft")
