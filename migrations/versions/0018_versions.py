"""versions: a counter on tasks and plans, so that an edit based on an older version is refused

``task.version`` and ``plan.version`` (SQLAlchemy's ``version_id_col``: every ORM update sets
``version = version + 1 WHERE version = <the one read>``), and ``task_event.task_version``: the version
of the task a journal line was written against, so a refused edit can say what changed since.

Also ``task.reported_by_id``: who recorded the completion waiting for confirmation, so that the same
person (even văn phòng) cannot confirm it (issue 16.12); an account id without a foreign key, so adding
it never rebuilds ``task``.

Added with ``op.add_column`` (no batch rebuild): ``task`` keeps its triggers (0005–0007, 0014, 0016).

Revision ID: 0018_versions
Revises: 0017_accounts
Create Date: 2026-12-01 15:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_versions"
down_revision = "0017_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("task", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("plan", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("task_event", sa.Column("task_version", sa.Integer(), nullable=True))
    op.add_column("task", sa.Column("reported_by_id", sa.Integer(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place (ALTER TABLE … DROP COLUMN): no rebuild, the triggers stay.
    op.drop_column("task", "reported_by_id")
    op.drop_column("task_event", "task_version")
    op.drop_column("plan", "version")
    op.drop_column("task", "version")
