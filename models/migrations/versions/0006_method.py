"""method fidelity: agreement content and parties, activity owners, joint promise text,
several priority areas per problem, late starts, findings linked into the next cycle,
organisation names unique per region and kind

Revision ID: 0006_method
Revises: 0005_identity

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = "0006_method"
down_revision: str | None = "0005_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreementparty",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("agreement_id", "organisation_id"),
    )
    # Every existing agreement has exactly its one municipality as a party.
    op.execute(
        "INSERT INTO agreementparty (agreement_id, organisation_id) "
        "SELECT id, municipality_id FROM agreement"
    )
    op.create_table(
        "problempriorityarea",
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("priority_area_id", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["priority_area_id"], ["priorityarea.id"]),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"]),
        sa.PrimaryKeyConstraint("problem_id", "priority_area_id"),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "owner_other",
                sa.String(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("owner_kind", sa.String(length=40), nullable=True))

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("focus_areas", sa.JSON(), nullable=False, server_default="[]")
        )
        for name in ("goals", "follow_up"):
            batch_op.add_column(
                sa.Column(
                    name, sa.String(), nullable=False, server_default=""
                )
            )
        batch_op.add_column(
            sa.Column(
                "decided_by",
                sa.String(length=300),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "diarienummer",
                sa.String(length=80),
                nullable=False,
                server_default="",
            )
        )

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "has_vulnerable_areas", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.create_unique_constraint(
            "uq_organisation_region_kind_name", ["region_id", "kind", "name"]
        )

    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "late_start_reason", sa.String(length=300), nullable=True
            )
        )
        batch_op.add_column(sa.Column("previous_compilation_id", sa.Integer(), nullable=True))

    with op.batch_alter_table("promisetext", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "joint_promises",
                sa.String(),
                nullable=False,
                server_default="",
            )
        )

    with op.batch_alter_table("yearendcompilation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("diarienummer", sa.String(length=80), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("yearendcompilation", schema=None) as batch_op:
        batch_op.drop_column("diarienummer")
    with op.batch_alter_table("promisetext", schema=None) as batch_op:
        batch_op.drop_column("joint_promises")
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.drop_column("previous_compilation_id")
        batch_op.drop_column("late_start_reason")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_organisation_region_kind_name", type_="unique")
        batch_op.drop_column("has_vulnerable_areas")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        for name in ("diarienummer", "decided_on", "decided_by", "follow_up", "goals", "focus_areas"):
            batch_op.drop_column(name)
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("owner_kind")
        batch_op.drop_column("owner_other")
    op.drop_table("problempriorityarea")
    op.drop_table("agreementparty")
