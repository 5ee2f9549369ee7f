"""the public face tells the truth (issue 21): the signed version of each promise frozen for
residents, "publiceras inte" with a reason on problems, goals and activities, the signatory's
function, and each organisation's public contact route

Revision ID: 0009_public
Revises: 0008_security

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_public'
down_revision: str | None = '0008_security'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_PUBLIC = ('problem', 'goal', 'activity')


def upgrade() -> None:
    op.create_table('publicversion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=False),
    sa.Column('cycle_year', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('revised_since', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['promise_id'], ['promise.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('publicversion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publicversion_promise_id'), ['promise_id'], unique=False)
    for table in NOT_PUBLIC:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('not_public_reason', sa.String(length=300), nullable=False, server_default=''))
    with op.batch_alter_table('signoff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_as', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_contact', sa.String(length=300), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('public_contact')
    with op.batch_alter_table('signoff', schema=None) as batch_op:
        batch_op.drop_column('signed_as')
    for table in NOT_PUBLIC:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('not_public_reason')
    with op.batch_alter_table('publicversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publicversion_promise_id'))
    op.drop_table('publicversion')
