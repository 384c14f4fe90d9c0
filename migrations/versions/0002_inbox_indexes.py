"""inbox indexes: open complaints in due order, and seeks for the quick-filter counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 07:55:00

The inbox's first page was a sort of every open complaint (1.3 ms at 100,000 complaints)
and its quick-filter counts read each open complaint (1.5 ms); with these indexes they are
the partial index's first 25 entries and a few index seeks. (status, sla_due_on) and
(assignee_id, status) replace the single-column indexes they begin with.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The open statuses, sorted as the statements list them (helpdesk.models.complaint).
OPEN = ('acknowledged', 'assessing', 'awaiting_customer', 'received', 'review_requested')
IS_OPEN = sa.column('status').in_(OPEN)


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_status')
        batch_op.drop_index('ix_complaint_assignee_id')
        batch_op.create_index('ix_complaint_status_due', ['status', 'sla_due_on'], unique=False)
        batch_op.create_index(
            'ix_complaint_assignee_status', ['assignee_id', 'status'], unique=False
        )
    op.create_index(
        'ix_complaint_open_due',
        'complaint',
        [sa.text('(sla_due_on IS NULL)'), 'sla_due_on', 'received_at', 'id'],
        unique=False,
        sqlite_where=IS_OPEN,
        postgresql_where=IS_OPEN,
    )
    # Statistics, so the planner sees that the partial index answers the inbox's page.
    op.execute("ANALYZE")


def downgrade():
    op.drop_index('ix_complaint_open_due', table_name='complaint')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_assignee_status')
        batch_op.drop_index('ix_complaint_status_due')
        batch_op.create_index('ix_complaint_assignee_id', ['assignee_id'], unique=False)
        batch_op.create_index('ix_complaint_status', ['status'], unique=False)
