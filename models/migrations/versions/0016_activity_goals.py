"""one activity may serve several goals: its further goals besides its main one (issue 22)

Revision ID: 0016_activity_goals
Revises: 0015_indicators_and_surveys

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_activity_goals"
down_revision: str | None = "0015_indicators_and_surveys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activitygoal",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"]),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"]),
        sa.PrimaryKeyConstraint("activity_id", "goal_id"),
    )


def downgrade() -> None:
    op.drop_table("activitygoal")
