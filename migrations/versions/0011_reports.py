"""reports: issued Báo cáo with their snapshot and files; issuers above the Sở

* ``report``: a draft văn phòng edits, then issued with its number, cut-off, who issued it and when,
  a JSON snapshot of every figure and the names of its three stored files.
* ``issuer.higher_level``: the bodies above the Sở (UBND tỉnh, ministries, the Government), whose
  documents' tasks a report counts as "nhiệm vụ cấp trên giao". False for every existing body: the
  administrator ticks them on the issuer page.

Plain ``add_column`` (no batch): ``issuer`` is not rebuilt, and ``task`` is not touched.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01 10:00:00

"""

from alembic import op
import sqlalchemy as sa
import tracker.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("issuer", sa.Column("higher_level", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Enum("plan", "year", "higher", name="reportscope", native_enum=False, create_constraint=False, length=20), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("period_kind", sa.String(length=10), nullable=True),
        sa.Column("period_scheme", sa.String(length=10), nullable=True),
        sa.Column("period_year", sa.Integer(), nullable=True),
        sa.Column("period_index", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("sections", sa.Text(), nullable=False),
        sa.Column("office_override", sa.Text(), nullable=False),
        sa.Column("state", sa.Enum("draft", "issued", name="reportstate", native_enum=False, create_constraint=False, length=20), nullable=False),
        sa.Column("serial", sa.String(length=10), nullable=True),
        sa.Column("office_code", sa.String(length=40), nullable=True),
        sa.Column("issued_year", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("issued_at", tracker.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("created_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], name=op.f("fk_report_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["user_account.id"], name=op.f("fk_report_issued_by_id_user_account")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_report_plan_id_plan")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], name=op.f("fk_report_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("office_code", "issued_year", "serial", name=op.f("uq_report_office_code_issued_year_serial")),
    )
    op.create_index(op.f("ix_report_plan_id"), "report", ["plan_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_report_plan_id"), table_name="report")
    op.drop_table("report")
    # Not a batch: rebuilding ``issuer`` would fail on the plans that refer to it (SQLite 3.35 and
    # later drop a column in place).
    op.drop_column("issuer", "higher_level")
