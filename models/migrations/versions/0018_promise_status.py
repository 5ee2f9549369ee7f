"""the stored status of each promise, kept in step with every change (issue 24)

Revision ID: 0018_promise_status
Revises: 0016_activity_goals

The table starts empty; ``lofte init`` (application/setup.initialise) fills in every promise
that has no row yet, with the same function each change calls.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_promise_status"
down_revision: str | None = "0017_analysis_update"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A coordinator's promises are found by their organisation (Mina uppgifter).
    op.create_index("ix_promise_municipality", "promise", ["municipality_id"])
    op.create_index("ix_promise_police_area", "promise", ["police_area_id"])
    op.create_table(
        "promisestatus",
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.String(length=40), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("cycle_year", sa.Integer(), nullable=False),
        sa.Column("current_year", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("first_open_due", sa.Date(), nullable=True),
        sa.Column("open_deadlines", sa.Text(), nullable=False),
        sa.Column("open_dues", sa.Text(), nullable=False),
        sa.Column("not_done", sa.Text(), nullable=False),
        sa.Column("public_reports", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["promise_id"], ["promise.id"]),
        sa.PrimaryKeyConstraint("promise_id"),
    )
    op.create_index(
        "ix_promisestatus_region", "promisestatus", ["region_id", "closed", "current_year"]
    )
    op.create_index(
        "ix_promisestatus_region_published",
        "promisestatus",
        ["region_id", "published", "current_year"],
    )


def downgrade() -> None:
    op.drop_index("ix_promisestatus_region_published", table_name="promisestatus")
    op.drop_index("ix_promisestatus_region", table_name="promisestatus")
    op.drop_table("promisestatus")
    op.drop_index("ix_promise_police_area", table_name="promise")
    op.drop_index("ix_promise_municipality", table_name="promise")
