"""search queue: complaints to (re)index, written in the request's transaction

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:10:00

The background indexer reads this table in batches (issue 11): a submission no longer waits
for the search index, and a killed process loses nothing queued. No foreign key: a row for
a complaint that is gone means "remove it from the index".
"""
import sqlalchemy as sa
from alembic import op

import helpdesk.models.types

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_queue',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('queued_at', helpdesk.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_queue')),
    )
    op.create_index(op.f('ix_search_queue_complaint_id'), 'search_queue', ['complaint_id'])
    op.create_index(op.f('ix_search_queue_queued_at'), 'search_queue', ['queued_at'])


def downgrade():
    op.drop_index(op.f('ix_search_queue_queued_at'), table_name='search_queue')
    op.drop_index(op.f('ix_search_queue_complaint_id'), table_name='search_queue')
    op.drop_table('search_queue')
