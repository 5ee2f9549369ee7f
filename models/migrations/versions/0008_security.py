"""security, second round: token scopes and lineage, one-time passwords, service accounts

Revision ID: 0008_security
Revises: 0007_residents

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_security'
down_revision: str | None = '0007_residents'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('accesstoken', schema=None) as batch_op:
        # Tokens made before scopes existed keep the work they were made for, nothing more.
        batch_op.add_column(
            sa.Column('scopes', sa.String(length=100), nullable=False, server_default='api')
        )
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_accesstoken_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_accesstoken_parent', 'accesstoken', ['parent_id'], ['id']
        )
        batch_op.create_foreign_key(
            'fk_accesstoken_created_by', 'person', ['created_by_id'], ['id']
        )
    with op.batch_alter_table('localpassword', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('must_change', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('service_account', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('service_account')
    with op.batch_alter_table('localpassword', schema=None) as batch_op:
        batch_op.drop_column('must_change')
    with op.batch_alter_table('accesstoken', schema=None) as batch_op:
        batch_op.drop_constraint('fk_accesstoken_created_by', type_='foreignkey')
        batch_op.drop_constraint('fk_accesstoken_parent', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_accesstoken_parent_id'))
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('parent_id')
        batch_op.drop_column('scopes')
