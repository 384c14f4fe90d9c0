"""staff sessions: tokens stored as their SHA-256; the sessions from before end

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:35:00

staff_session.token now holds the SHA-256 of the cookie's token (the column is 64
characters, as before). A stored plain token could log anyone in who read the table, and it
can no longer match anything, so every session from before is deleted: staff log in again.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM staff_session")


def downgrade():
    op.execute("DELETE FROM staff_session")
