"""a party of more than one organisation: a city district in two police areas (issue 22)

Revision ID: 0019_party_organisations
Revises: 0018_promise_status

Each sign-off names the organisation that signed; the sign-offs made before this revision
were made by the party's one organisation, which the upgrade fills in.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_party_organisations"
down_revision: str | None = "0018_promise_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partyorganisation",
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["promise_id"], ["promise.id"]),
        sa.PrimaryKeyConstraint("promise_id", "organisation_id"),
    )
    op.create_index(
        "ix_partyorganisation_organisation_id", "partyorganisation", ["organisation_id"]
    )
    with op.batch_alter_table("signoff") as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_signoff_organisation_id", "organisation", ["organisation_id"], ["id"]
        )
    op.execute(
        "UPDATE signoff SET organisation_id = (SELECT CASE WHEN signoff.party = 'police' "
        "THEN promise.police_area_id ELSE promise.municipality_id END FROM promise "
        "WHERE promise.id = signoff.promise_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("signoff") as batch_op:
        batch_op.drop_constraint("fk_signoff_organisation_id", type_="foreignkey")
        batch_op.drop_column("organisation_id")
    op.drop_index("ix_partyorganisation_organisation_id", table_name="partyorganisation")
    op.drop_table("partyorganisation")
