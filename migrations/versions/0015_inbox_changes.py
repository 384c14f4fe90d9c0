"""inbox changes: one counter, raised by triggers whenever an inbox count could change

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 18:20:00

Issue 11: the inbox's quick-filter counts (services.inbox_counts) were counted on every
view, about a seventh of the page's CPU at 100,000 complaints. Each process now keeps the
counts with this counter's value, and counts again only when it has moved. Triggers raise
it in the same transaction as every change that can move a count: a complaint inserted or
deleted, or its status, assignee or due date changed; any referral written (the
"in mediation" count); an outbox email that is or was given up on (failed, not sent:
"emails failed"). Raised by the database, not the app, like report_month (0013), so no way
of writing can leave a stale count behind.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

#: The complaint columns the counts read.
COMPLAINT_COLUMNS = ('status', 'assignee_id', 'sla_due_on')
#: An outbox row counted as given up on (services.email_status.FAILED).
_FAILED = "({row}.failed_at IS NOT NULL AND {row}.sent_at IS NULL)"

#: (name, table, event, WHEN condition or None), the same on both databases.
TRIGGERS = (
    ('complaint_insert', 'complaint', 'INSERT', None),
    ('complaint_delete', 'complaint', 'DELETE', None),
    ('complaint_update', 'complaint', 'UPDATE OF ' + ', '.join(COMPLAINT_COLUMNS), None),
    ('referral_insert', 'referral', 'INSERT', None),
    ('referral_delete', 'referral', 'DELETE', None),
    ('referral_update', 'referral', 'UPDATE', None),
    ('outbox_insert', 'outbox_email', 'INSERT', _FAILED.format(row='NEW')),
    ('outbox_delete', 'outbox_email', 'DELETE', _FAILED.format(row='OLD')),
    ('outbox_update', 'outbox_email', 'UPDATE',
     f"{_FAILED.format(row='OLD')} OR {_FAILED.format(row='NEW')}"),
)

_BUMP = "UPDATE inbox_changes SET changes = changes + 1 WHERE id = 1"


def upgrade():
    op.create_table(
        'inbox_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('changes', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.execute("INSERT INTO inbox_changes (id, changes) VALUES (1, 0)")
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if not sqlite:
        op.execute(
            "CREATE FUNCTION inbox_changes_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {_BUMP}; RETURN NULL; END $$"
        )
    for name, table, event, when in TRIGGERS:
        condition = f" WHEN ({when})" if when else ""
        if sqlite:
            op.execute(f"CREATE TRIGGER inbox_changes_{name} AFTER {event} ON {table} "
                       f"FOR EACH ROW{condition} BEGIN {_BUMP}; END")
        else:
            op.execute(f"CREATE TRIGGER inbox_changes_{name} AFTER {event} ON {table} "
                       f"FOR EACH ROW{condition} EXECUTE FUNCTION inbox_changes_bump()")


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, table, _event, _when in TRIGGERS:
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS inbox_changes_{name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS inbox_changes_{name} ON {table}")
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS inbox_changes_bump()")
    op.drop_table('inbox_changes')
