"""inbox: a person's complaints of a status in received order

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00

(assignee_id, status, received_at) replaces (assignee_id, status): the quick-filter counts
seek the same prefix, and "Assigned to: someone" with a status, newest or oldest first,
reads its page from it in order instead of sorting every such complaint (42 ms for an
agent's 22,797 closed complaints at 100,000).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_complaint_assignee_status', table_name='complaint')
    op.create_index(
        'ix_complaint_assignee_status',
        'complaint',
        ['assignee_id', 'status', 'received_at'],
        unique=False,
    )
    op.execute("ANALYZE")


def downgrade():
    op.drop_index('ix_complaint_assignee_status', table_name='complaint')
    op.create_index(
        'ix_complaint_assignee_status', 'complaint', ['assignee_id', 'status'], unique=False
    )
