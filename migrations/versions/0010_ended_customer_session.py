"""ended customer session: a customer's "Leave" ends the session on the server

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:30:00

Issue 10: a copied customer cookie still opened the case after "Leave" (the session lives in
the signed cookie only). Leave now records the session's random id (as its SHA-256) until
the cookie would expire anyway, and tracking refuses a listed session.
"""
import sqlalchemy as sa
from alembic import op

import helpdesk.models.types

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ended_customer_session',
        sa.Column('session_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', helpdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('session_hash', name=op.f('pk_ended_customer_session')),
    )
    op.create_index(
        op.f('ix_ended_customer_session_expires_at'), 'ended_customer_session', ['expires_at']
    )


def downgrade():
    op.drop_index(
        op.f('ix_ended_customer_session_expires_at'), table_name='ended_customer_session'
    )
    op.drop_table('ended_customer_session')
