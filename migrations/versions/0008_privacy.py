"""privacy: when a complaint's personal data was erased, and a manual legal hold

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:30:00

Issue 10 (GDPR): `flask privacy erase` and `privacy purge` anonymise a case and stamp
complaint.erased_at (so a second run finds nothing to do); complaint.legal_hold holds the
reason of a manager's hold (`privacy hold REF --reason ...`), which erase and purge respect.
"""
import sqlalchemy as sa
from alembic import op

import helpdesk.models.types

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint') as batch:
        batch.add_column(
            sa.Column('erased_at', helpdesk.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column('legal_hold', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('complaint') as batch:
        batch.drop_column('legal_hold')
        batch.drop_column('erased_at')
