"""documents: an activity's resources (hours, kronor, funding source), the year-end
compilation's responsible official and its decision record (paragraph, date)

Revision ID: 0010_documents
Revises: 0009_public

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_documents"
down_revision: str | None = "0009_public"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("kronor", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("funding_source", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("yearendcompilation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("official", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("decision_paragraph", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("yearendcompilation", schema=None) as batch_op:
        batch_op.drop_column("decided_on")
        batch_op.drop_column("decision_paragraph")
        batch_op.drop_column("official")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("funding_source")
        batch_op.drop_column("kronor")
        batch_op.drop_column("hours")
