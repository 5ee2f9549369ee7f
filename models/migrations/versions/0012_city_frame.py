"""a situation picture speaks to each area of the city's frame, or records that one is not
relevant here with a reason (issue 22: "Den lokala nivån ska beröra dessa områden", seed 001)

Revision ID: 0012_city_frame
Revises: 0011_local_focus

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_city_frame"
down_revision: str | None = "0011_local_focus"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("situationpicture", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("frame_areas", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("situationpicture", schema=None) as batch_op:
        batch_op.drop_column("frame_areas")
