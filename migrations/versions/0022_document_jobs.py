"""document_jobs: documents built in the background by the scheduler (Tệp đã xuất)

Revision ID: 0022_document_jobs
Revises: 0021_delivery_queue
Create Date: 2026-12-01 22:30:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.database

revision = "0022_document_jobs"
down_revision = "0021_delivery_queue"
branch_labels = None
depends_on = None

STATES = ("queued", "running", "done", "failed")


def upgrade():
    op.create_table(
        "document_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="documentstate", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("stored_name", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", tracker.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", tracker.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user_account.id"], name=op.f("fk_document_job_requested_by_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_job")),
    )
    op.create_index("ix_document_job_state", "document_job", ["state", "id"], unique=False)
    op.create_index("ix_document_job_owner", "document_job", ["requested_by_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_document_job_owner", table_name="document_job")
    op.drop_index("ix_document_job_state", table_name="document_job")
    op.drop_table("document_job")
