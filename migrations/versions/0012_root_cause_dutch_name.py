"""root cause dutch name: managers name the root causes they keep in English and Dutch

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:00:00

Issue 13, item 3: the list of root causes staff pick from is kept by managers on a page of
its own, in both languages the helpdesk speaks. root_cause.name stays the English name (a
manager's own, else the seeded words); root_cause.name_nl is the Dutch one (None: the seeded
entry's translated words, or for an entry added before this revision, its English name).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('root_cause', sa.Column('name_nl', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('root_cause', schema=None) as batch_op:
        batch_op.drop_column('name_nl')
