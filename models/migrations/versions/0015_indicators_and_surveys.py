"""indicators with their source, baseline date and frequency; safety survey results as a
series (source, year, area, question, value) compared year on year (issue 22, seed 000)

Revision ID: 0015_indicators_and_surveys
Revises: 0014_round_analysis

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_indicators_and_surveys"
down_revision: str | None = "0014_round_analysis"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("indicator_source", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("baseline_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("frequency", sa.String(length=80), nullable=False, server_default="")
        )
    op.create_table(
        "surveyresult",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_id", "source", "year", "area", "question"),
    )
    with op.batch_alter_table("surveyresult", schema=None) as batch_op:
        batch_op.create_index("ix_surveyresult_region_id", ["region_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("surveyresult", schema=None) as batch_op:
        batch_op.drop_index("ix_surveyresult_region_id")
    op.drop_table("surveyresult")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_column("frequency")
        batch_op.drop_column("baseline_date")
        batch_op.drop_column("indicator_source")
