"""regional: one status snapshot per region and day, with its summary; next-deadline index

Revision ID: 0004_regional
Revises: 0003_deadlines
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_regional"
down_revision: str | None = "0003_deadlines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The regional overview finds each promise's next open deadline with one seek; without
    # it SQLite reads every open future deadline of the database once per promise.
    op.create_index("ix_deadline_promise_open_due", "deadline", ["promise_id", "done", "due"], unique=False)
    with op.batch_alter_table("statussnapshot", schema=None) as batch_op:
        # The summary alone, so a trend reads a few numbers per snapshot, not every row.
        batch_op.add_column(sa.Column("summary", sa.JSON(), nullable=True))
        # One snapshot per region and day: the status run inserts if absent on it.
        batch_op.drop_index("ix_statussnapshot_region_taken")
        batch_op.create_index("ix_statussnapshot_region_taken", ["region_id", "taken_on"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("statussnapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_statussnapshot_region_taken")
        batch_op.create_index("ix_statussnapshot_region_taken", ["region_id", "taken_on"], unique=False)
        batch_op.drop_column("summary")
    op.drop_index("ix_deadline_promise_open_due", table_name="deadline")
