"""inbox changes at commit: PostgreSQL raises the inbox's counter when a transaction commits

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 22:20:00

0015's triggers raised the counter (one row) during each statement, and 0013's raise a
report month's row: a transaction held the counter's row lock from its first such change
to its commit, and one that took a month's row first and the counter's second could wait
on one that took them the other way round. PostgreSQL found the deadlock after a second
and ended one of them (answered 503, nothing stored). As constraint triggers deferred to
commit, the counter's row is taken last and held only while committing; the counts see
the same changes, since a change and its raise still commit together. SQLite, with one
writer at a time, keeps its triggers.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

#: 0015's triggers: (name, table, event, WHEN condition or None).
_FAILED = "({row}.failed_at IS NOT NULL AND {row}.sent_at IS NULL)"
TRIGGERS = (
    ('complaint_insert', 'complaint', 'INSERT', None),
    ('complaint_delete', 'complaint', 'DELETE', None),
    ('complaint_update', 'complaint', 'UPDATE OF status, assignee_id, sla_due_on', None),
    ('referral_insert', 'referral', 'INSERT', None),
    ('referral_delete', 'referral', 'DELETE', None),
    ('referral_update', 'referral', 'UPDATE', None),
    ('outbox_insert', 'outbox_email', 'INSERT', _FAILED.format(row='NEW')),
    ('outbox_delete', 'outbox_email', 'DELETE', _FAILED.format(row='OLD')),
    ('outbox_update', 'outbox_email', 'UPDATE',
     f"{_FAILED.format(row='OLD')} OR {_FAILED.format(row='NEW')}"),
)


def _recreate(deferred: bool) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    for name, table, event, when in TRIGGERS:
        condition = f" WHEN ({when})" if when else ""
        kind = "CONSTRAINT TRIGGER" if deferred else "TRIGGER"
        timing = " DEFERRABLE INITIALLY DEFERRED" if deferred else ""
        op.execute(f"DROP TRIGGER IF EXISTS inbox_changes_{name} ON {table}")
        op.execute(f"CREATE {kind} inbox_changes_{name} AFTER {event} ON {table}{timing} "
                   f"FOR EACH ROW{condition} EXECUTE FUNCTION inbox_changes_bump()")


def upgrade():
    _recreate(deferred=True)


def downgrade():
    _recreate(deferred=False)
