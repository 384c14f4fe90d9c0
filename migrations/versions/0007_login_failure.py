"""login failure: failed staff logins per account and address, for the login throttle

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00

Issue 10: about 40 wrong passwords from rotating addresses locked the real staff member out
(a limit per account in each worker's memory). The throttle now delays an (account, address)
pair after repeated failures, counted in this table so every worker and server sees them.
"""
import sqlalchemy as sa
from alembic import op

import helpdesk.models.types

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('account', sa.String(length=64), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('failed_at', helpdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')),
    )
    op.create_index('ix_login_failure_pair', 'login_failure', ['account', 'address', 'failed_at'])
    op.create_index('ix_login_failure_account', 'login_failure', ['account', 'failed_at'])
    op.create_index(op.f('ix_login_failure_failed_at'), 'login_failure', ['failed_at'])


def downgrade():
    op.drop_index(op.f('ix_login_failure_failed_at'), table_name='login_failure')
    op.drop_index('ix_login_failure_account', table_name='login_failure')
    op.drop_index('ix_login_failure_pair', table_name='login_failure')
    op.drop_table('login_failure')
