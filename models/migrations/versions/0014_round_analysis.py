"""each evaluation round gets a short analysis: what deviated from the plan, and what was
decided (issue 22; "Resultaten följs upp och erfarenheterna ligger till grund när analysen och
prioriteringarna uppdateras", seed 004)

Revision ID: 0014_round_analysis
Revises: 0013_agreement_life

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_round_analysis"
down_revision: str | None = "0013_agreement_life"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evaluationround", schema=None) as batch_op:
        for name in ("deviations", "decisions"):
            batch_op.add_column(sa.Column(name, sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("evaluationround", schema=None) as batch_op:
        batch_op.drop_column("decisions")
        batch_op.drop_column("deviations")
