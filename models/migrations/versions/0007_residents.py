"""residents follow published promises by e-mail: subscriptions (double opt-in, consent) and
the subscribe requests that rate-limit them

Revision ID: 0007_residents
Revises: 0006_method

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = '0007_residents'
down_revision: str | None = '0006_method'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('subscriptionrequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_hash', sa.String(length=64), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscriptionrequest', schema=None) as batch_op:
        batch_op.create_index('ix_subscriptionrequest_address', ['address_hash', 'at'], unique=False)
        batch_op.create_index('ix_subscriptionrequest_client', ['client_hash', 'at'], unique=False)

    op.create_table('residentsubscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('confirm_token_hash', sa.String(length=64), nullable=True),
    sa.Column('unsubscribe_token_hash', sa.String(length=64), nullable=False),
    sa.Column('unsubscribe_token', sa.String(length=64), nullable=False),
    sa.Column('consent_version', sa.String(length=40), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmations_sent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['promise_id'], ['promise.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('confirm_token_hash'),
    sa.UniqueConstraint('promise_id', 'email', name='uq_subscription_address'),
    sa.UniqueConstraint('unsubscribe_token_hash')
    )
    with op.batch_alter_table('residentsubscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_residentsubscription_promise_id'), ['promise_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('residentsubscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_residentsubscription_promise_id'))

    op.drop_table('residentsubscription')
    with op.batch_alter_table('subscriptionrequest', schema=None) as batch_op:
        batch_op.drop_index('ix_subscriptionrequest_client')
        batch_op.drop_index('ix_subscriptionrequest_address')

    op.drop_table('subscriptionrequest')

