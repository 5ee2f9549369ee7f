"""a focus area may answer to one of its agreement's own focus areas, or be a local problem with
its reason (issue 22: "Förutom de aktiviteter som tar avstamp i lokala problembilder", seed 000)

Revision ID: 0011_local_focus
Revises: 0010_documents

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_local_focus"
down_revision: str | None = "0010_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreement_focus_area", sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column("local_reason", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_column("local_reason")
        batch_op.drop_column("agreement_focus_area")
