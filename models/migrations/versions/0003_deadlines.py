"""deadlines: reminder bookkeeping, per-promise calendars, reminder scan index

Revision ID: 0003_deadlines
Revises: 0001_initial
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_deadlines"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nominal_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_remind_on", sa.Date(), nullable=True))
        # One row per deadline of a promise, so a sync can upsert on it.
        batch_op.drop_index("ix_deadline_promise")
        batch_op.create_index(
            "ix_deadline_promise",
            ["promise_id", "kind", "stage", "cycle_year", "ref"],
            unique=True,
        )
        # The reminder scan reads open deadlines whose next step has come, nothing else.
        batch_op.create_index("ix_deadline_open_remind", ["done", "next_remind_on"], unique=False)

    op.create_table(
        "remindersent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=60), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("outbox_key", sa.String(length=200), nullable=False),
        sa.Column("run_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadline.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deadline_id", "step", "recipient", name="uq_remindersent_item"),
    )
    op.create_index("ix_remindersent_run_on", "remindersent", ["run_on"], unique=False)

    op.create_table(
        "promisecalendar",
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("override", sa.JSON(), nullable=True),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["promise_id"], ["promise.id"]),
        sa.PrimaryKeyConstraint("promise_id"),
    )


def downgrade() -> None:
    op.drop_table("promisecalendar")
    op.drop_index("ix_remindersent_run_on", table_name="remindersent")
    op.drop_table("remindersent")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_open_remind")
        batch_op.drop_index("ix_deadline_promise")
        batch_op.create_index(
            "ix_deadline_promise",
            ["promise_id", "kind", "stage", "cycle_year", "ref"],
            unique=False,
        )
        batch_op.drop_column("next_remind_on")
        batch_op.drop_column("nominal_due")
