"""list_orders: indexes for the task list's "Tìm" by number and its orders by title and by last change,
so none reads or sorts every task at a million

Revision ID: 0024_list_orders
Revises: 0023_report_figures
Create Date: 2026-12-01 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024_list_orders"
down_revision = "0023_report_figures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_task_ordinal", "task", ["ordinal"], unique=False)
    op.create_index("ix_task_title_order", "task", [sa.text("substr(title, 1, 100)"), "id"])
    op.create_index("ix_task_updated_order", "task", [sa.text("updated_at DESC"), "id"])


def downgrade():
    for name in ("ix_task_updated_order", "ix_task_title_order", "ix_task_ordinal"):
        op.drop_index(name, table_name="task")
