"""reports: root causes, corrective actions, trend alerts, handling rating, report figures

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:30:00

Issue 13 (policy clause 7, learning from complaints):
- root_cause: the list managers keep, seeded with eight entries (their words are translated
  in helpdesk.words.labels); outcome.root_cause_id and root_cause_note say why it happened.
- corrective_action (+ corrective_action_complaint) and trend_alert (each alert sent once).
- rating.handling_score: the second question, satisfaction with the handling.
- complaint.received_on, days_to_acknowledge, acknowledged_on_time, days_to_respond,
  responded_on_time: what the reports count in SQL, kept by domain.clocks.transition from
  now on and computed here for existing complaints with the same rules and the shop's
  calendar (the first response's due date of a reviewed complaint is read from its
  "review_requested" audit event, as the review replaced the column).
"""
import warnings
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import helpdesk.models.types

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

UTC_DATETIME = helpdesk.models.types.UTCDateTime(timezone=True)
ROOT_CAUSES = (
    'carrier_damage', 'packing', 'wrong_item', 'download_server', 'payment_provider',
    'unclear_product_page', 'customer_error', 'other',
)
#: Complaints computed and written per round trip.
BATCH = 5000


def upgrade():
    root_cause = op.create_table('root_cause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    now = datetime.now(UTC)
    op.bulk_insert(root_cause, [
        {'key': key, 'name': None, 'active': True, 'position': (n + 1) * 10, 'created_at': now}
        for n, key in enumerate(ROOT_CAUSES)
    ])
    op.create_table('corrective_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('root_cause_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('check_after_days', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=True),
    sa.Column('result_note', sa.Text(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['root_cause_id'], ['root_cause.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_action_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_action_root_cause_id'), ['root_cause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_action_status'), ['status'], unique=False)
    op.create_table('corrective_action_complaint',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['corrective_action.id'], ),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.PrimaryKeyConstraint('action_id', 'complaint_id')
    )
    with op.batch_alter_table('corrective_action_complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_action_complaint_complaint_id'), ['complaint_id'], unique=False)
    op.create_table('trend_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('mean', sa.Float(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dimension', 'key', 'week_start', name='uq_trend_alert')
    )
    with warnings.catch_warnings():
        # SQLite's copy-and-move reflects complaint (a foreign key) and its expression index.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        with op.batch_alter_table('outcome', schema=None) as batch_op:
            batch_op.add_column(sa.Column('root_cause_id', sa.Integer(), nullable=True))
            batch_op.add_column(
                sa.Column('root_cause_note', sa.Text(), nullable=False, server_default=''))
            batch_op.create_index(
                batch_op.f('ix_outcome_root_cause_id'), ['root_cause_id'], unique=False)
            batch_op.create_foreign_key(
                'fk_outcome_root_cause_id', 'root_cause', ['root_cause_id'], ['id'])
    op.add_column('rating', sa.Column('handling_score', sa.Integer(), nullable=True))
    for column in (
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('days_to_acknowledge', sa.Integer(), nullable=True),
        sa.Column('acknowledged_on_time', sa.Boolean(), nullable=True),
        sa.Column('days_to_respond', sa.Integer(), nullable=True),
        sa.Column('responded_on_time', sa.Boolean(), nullable=True),
    ):
        op.add_column('complaint', column)
    _backfill(op.get_bind())
    op.create_index('ix_complaint_received_on', 'complaint', ['received_on', 'category'], unique=False)


# --- the report figures of existing complaints -------------------------------------------------

COMPLAINT = sa.table(
    'complaint',
    sa.column('id', sa.Integer),
    sa.column('received_at', UTC_DATETIME),
    sa.column('ack_due_on', sa.Date),
    sa.column('acknowledged_at', UTC_DATETIME),
    sa.column('response_due_on', sa.Date),
    sa.column('responded_at', UTC_DATETIME),
    sa.column('review_requested_at', UTC_DATETIME),
    sa.column('received_on', sa.Date),
    sa.column('days_to_acknowledge', sa.Integer),
    sa.column('acknowledged_on_time', sa.Boolean),
    sa.column('days_to_respond', sa.Integer),
    sa.column('responded_on_time', sa.Boolean),
)
EVENT = sa.table(
    'audit_event',
    sa.column('complaint_id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('detail', sa.JSON),
)
FIGURES = ('received_on', 'days_to_acknowledge', 'acknowledged_on_time', 'days_to_respond',
           'responded_on_time')


def _backfill(conn):
    """Every complaint's report figures, in batches of BATCH (bounded memory)."""
    from datetime import date

    from helpdesk.runtime.clock import business_calendar, shop_timezone
    from helpdesk.domain.reports import business_days_taken
    from helpdesk.domain.sla import ACK_DAYS, RESPONSE_DAYS, due_date, is_on_time, local_date

    cal, tz = business_calendar(), shop_timezone()
    first_due = {}
    for complaint_id, detail in conn.execute(
        sa.select(EVENT.c.complaint_id, EVENT.c.detail).where(EVENT.c.action == 'review_requested')
    ):
        if isinstance(detail, dict) and detail.get('first_response_due_on'):
            first_due[complaint_id] = date.fromisoformat(detail['first_response_due_on'])
    update = (
        sa.update(COMPLAINT)
        .where(COMPLAINT.c.id == sa.bindparam('_id'))
        .values({name: sa.bindparam(name) for name in FIGURES})
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(COMPLAINT).where(COMPLAINT.c.id > last).order_by(COMPLAINT.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        changes = []
        for row in rows:
            figures = {'_id': row.id, 'received_on': local_date(row.received_at, tz),
                       'days_to_acknowledge': None, 'acknowledged_on_time': None,
                       'days_to_respond': None, 'responded_on_time': None}
            if row.acknowledged_at is not None:
                done = row.acknowledged_at
                figures['days_to_acknowledge'] = business_days_taken(
                    row.ack_due_on, local_date(done, tz), ACK_DAYS, cal)
                figures['acknowledged_on_time'] = is_on_time(row.ack_due_on, done, tz)
            if row.responded_at is not None:
                due = row.response_due_on
                if row.review_requested_at is not None:
                    # Without the event the pauses are unknown: the due date without them.
                    due = first_due.get(row.id) or due_date(row.received_at, RESPONSE_DAYS, cal, tz)
                done = row.responded_at
                figures['days_to_respond'] = business_days_taken(
                    due, local_date(done, tz), RESPONSE_DAYS, cal)
                figures['responded_on_time'] = is_on_time(due, done, tz)
            changes.append(figures)
        conn.execute(update, changes)
        last = rows[-1].id


def downgrade():
    op.drop_index('ix_complaint_received_on', table_name='complaint')
    # Not batch mode: SQLite's copy-and-move would lose ix_complaint_open_due (an expression
    # index it cannot reflect); SQLite 3.35+ drops a column in place.
    for name in reversed(FIGURES):
        op.drop_column('complaint', name)
    op.drop_column('rating', 'handling_score')
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        with op.batch_alter_table('outcome', schema=None) as batch_op:
            batch_op.drop_constraint('fk_outcome_root_cause_id', type_='foreignkey')
            batch_op.drop_index(batch_op.f('ix_outcome_root_cause_id'))
            batch_op.drop_column('root_cause_note')
            batch_op.drop_column('root_cause_id')
    op.drop_table('trend_alert')
    with op.batch_alter_table('corrective_action_complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_action_complaint_complaint_id'))
    op.drop_table('corrective_action_complaint')
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_action_status'))
        batch_op.drop_index(batch_op.f('ix_corrective_action_root_cause_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_action_owner_id'))
    op.drop_table('corrective_action')
    op.drop_table('root_cause')
