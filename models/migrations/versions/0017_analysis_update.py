"""a later year's plan starts from an updated analysis: the survey results, the situation
picture and the priorities reviewed; each statement of the promise text names the activities
that back it (issue 22)

Revision ID: 0017_analysis_update
Revises: 0016_activity_goals

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_analysis_update"
down_revision: str | None = "0016_activity_goals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analysisupdate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("cycle_year", sa.Integer(), nullable=False),
        sa.Column("survey_results", sa.String(), nullable=False),
        sa.Column("situation_picture", sa.String(), nullable=False),
        sa.Column("priorities", sa.String(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["promise_id"], ["promise.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("promise_id", "cycle_year"),
    )
    with op.batch_alter_table("analysisupdate", schema=None) as batch_op:
        batch_op.create_index("ix_analysisupdate_promise_id", ["promise_id"], unique=False)
    with op.batch_alter_table("promisetext", schema=None) as batch_op:
        batch_op.add_column(sa.Column("backing", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("promisetext", schema=None) as batch_op:
        batch_op.drop_column("backing")
    with op.batch_alter_table("analysisupdate", schema=None) as batch_op:
        batch_op.drop_index("ix_analysisupdate_promise_id")
    op.drop_table("analysisupdate")
