"""outcome sent index: first outcomes by moment of sending and root cause

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:40:00

Issue 13 item 7: the reports page checks rising root causes as it opens
(services.trends.rising_now), counting the first outcomes of nine weeks per root cause by
week of sending. Without an index that read every outcome row (bodies inline): 110 ms of
CPU at 100,000 complaints, after every change to any complaint. This index answers it
alone.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_outcome_sent_root_cause', 'outcome',
                    ['is_final', 'sent_at', 'root_cause_id'], unique=False)


def downgrade():
    op.drop_index('ix_outcome_sent_root_cause', table_name='outcome')
