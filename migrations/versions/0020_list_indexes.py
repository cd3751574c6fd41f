"""list_indexes: what keeps the office board, the plan list and an unfiltered task list fast at a
million tasks (each read only its own rows or walks an index in its order)

Revision ID: 0020_list_indexes
Revises: 0019_plan_document
Create Date: 2026-12-01 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020_list_indexes"
down_revision = "0019_plan_document"
branch_labels = None
depends_on = None

AWAITING = "confirmation = 'pending'"
UNREAD = "deadline_kind = 'undetermined' AND status != 'cancelled'"


def _where(condition: str) -> dict:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade():
    leaf = {"sqlite_where": sa.text("is_leaf = 1"), "postgresql_where": sa.text("is_leaf")}
    op.create_index("ix_task_leaf_plan", "task", ["plan_id", "standing", "effective_due", "is_leaf"], **leaf)
    op.create_index("ix_task_awaiting", "task", ["updated_at", "id"], **_where(AWAITING))
    op.create_index("ix_task_unread", "task", ["plan_id", "position", "id"], **_where(UNREAD))
    op.create_index("ix_task_due_order", "task", [sa.text("(effective_due IS NULL)"), "effective_due", "id"])
    op.create_index("ix_task_due_order_desc", "task", [sa.text("(effective_due IS NULL)"), sa.text("effective_due DESC"), "id"])


def downgrade():
    for name in ("ix_task_due_order_desc", "ix_task_due_order", "ix_task_unread", "ix_task_awaiting", "ix_task_leaf_plan"):
        op.drop_index(name, table_name="task")
