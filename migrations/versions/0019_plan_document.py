"""plan_document: the plan's own signed document (PDF, Word), several versions, stored like task evidence

Revision ID: 0019_plan_document
Revises: 0018_versions
Create Date: 2026-12-01 15:30:00

"""

from alembic import op
import sqlalchemy as sa
import tracker.database  # noqa: F401  (custom column types)


revision = "0019_plan_document"
down_revision = "0018_versions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_document_plan_id_plan"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"], name=op.f("fk_plan_document_uploaded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_document")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_plan_document_stored_name")),
    )
    op.create_index(op.f("ix_plan_document_plan_id"), "plan_document", ["plan_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_plan_document_plan_id"), table_name="plan_document")
    op.drop_table("plan_document")
