"""an agreement's whole life: each party's decision, its organisation (steering group,
preparation group, meeting rhythm) and the agreement it renews (issue 22, seed 003)

Revision ID: 0013_agreement_life
Revises: 0012_city_frame

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_agreement_life"
down_revision: str | None = "0012_city_frame"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decisions", sa.JSON(), nullable=False, server_default="[]"))
        for name in ("steering_group", "preparation_group", "meeting_rhythm"):
            batch_op.add_column(
                sa.Column(name, sa.String(length=300), nullable=False, server_default="")
            )
        batch_op.add_column(sa.Column("previous_agreement_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_agreement_previous_agreement_id_agreement",
            "agreement",
            ["previous_agreement_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_constraint("fk_agreement_previous_agreement_id_agreement", type_="foreignkey")
        batch_op.drop_column("previous_agreement_id")
        for name in ("meeting_rhythm", "preparation_group", "steering_group"):
            batch_op.drop_column(name)
        batch_op.drop_column("decisions")
