"""case file and mediation: audit hash chain, referrals, remedy sought, raw inbound emails

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 06:30:00

- audit_event gets content_hash, prev_hash and chain_hash; every existing complaint's events
  are chained here, in id order, with helpdesk.domain.audit_chain (the same code that chains
  new events), then the columns become NOT NULL.
- referral: a referral to a dispute body is a record of its own. The audit events
  "referred_to_mediation" written before become referral rows (their reply deadline is
  unknown, so it is set 28 days after the referral; staff can correct it).
- complaint.preferred_solution, outbox_email.attachments, inbound_email.
"""
import warnings
from datetime import date, timedelta
from itertools import groupby

from alembic import op
import sqlalchemy as sa

import helpdesk.models.types
from helpdesk.domain.audit_chain import EventContent, build_chain

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

UTC_DATETIME = helpdesk.models.types.UTCDateTime(timezone=True)
#: Events hashed and written per round trip while chaining existing rows.
BATCH = 5000
#: Complaints whose events are read at once (bounded memory on a large database).
COMPLAINTS_PER_ROUND = 5000


def upgrade():
    op.add_column('complaint', sa.Column('preferred_solution', sa.String(length=30), nullable=True))
    op.add_column('outbox_email', sa.Column('attachments', sa.JSON(), nullable=True))
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('body_reference', sa.String(length=100), nullable=False),
    sa.Column('reply_due_on', sa.Date(), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('complied', sa.Boolean(), nullable=True),
    sa.Column('complied_on', sa.Date(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_decision'), ['decision'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_reply_due_on'), ['reply_due_on'], unique=False)
    op.create_table('inbound_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('received_at', UTC_DATETIME, nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_name')
    )
    with op.batch_alter_table('inbound_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_email_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_email_message_id'), ['message_id'], unique=False)

    for name in ('content_hash', 'prev_hash', 'chain_hash'):
        op.add_column('audit_event', sa.Column(name, sa.String(length=64), nullable=True))
    conn = op.get_bind()
    _referrals_from_events(conn)
    _chain_existing_events(conn)
    with warnings.catch_warnings():
        # SQLite's copy-and-move reflects complaint (a foreign key) and its expression index.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        with op.batch_alter_table('audit_event', schema=None) as batch_op:
            for name in ('content_hash', 'prev_hash', 'chain_hash'):
                batch_op.alter_column(name, existing_type=sa.String(length=64), nullable=False)


EVENTS = sa.table(
    'audit_event',
    sa.column('id', sa.Integer),
    sa.column('complaint_id', sa.Integer),
    sa.column('at', UTC_DATETIME),
    sa.column('actor', sa.String),
    sa.column('staff_id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('from_status', sa.String),
    sa.column('to_status', sa.String),
    sa.column('detail', sa.JSON),
    sa.column('content_hash', sa.String),
    sa.column('prev_hash', sa.String),
    sa.column('chain_hash', sa.String),
)
COMPLAINTS = sa.table('complaint', sa.column('id', sa.Integer), sa.column('reference', sa.String))


def _chain_existing_events(conn):
    """Chain every complaint's events in id order (streamed, written in batches)."""
    low, high = conn.execute(sa.select(sa.func.min(COMPLAINTS.c.id), sa.func.max(COMPLAINTS.c.id))).one()
    if low is None:
        return
    for start in range(low, high + 1, COMPLAINTS_PER_ROUND):
        query = (
            sa.select(EVENTS, COMPLAINTS.c.reference)
            .join(COMPLAINTS, COMPLAINTS.c.id == EVENTS.c.complaint_id)
            .where(EVENTS.c.complaint_id.between(start, start + COMPLAINTS_PER_ROUND - 1))
            .order_by(EVENTS.c.complaint_id, EVENTS.c.id)
        )
        _chain_rows(conn, conn.execute(query).fetchall())


def _chain_rows(conn, rows):
    """Hash and write the chains of whole complaints' events (rows in complaint, id order)."""
    update = (
        EVENTS.update()
        .where(EVENTS.c.id == sa.bindparam('event_id'))
        .values(
            content_hash=sa.bindparam('c'), prev_hash=sa.bindparam('p'), chain_hash=sa.bindparam('h')
        )
    )
    pending = []
    for _complaint_id, group in groupby(rows, key=lambda row: row.complaint_id):
        events = list(group)
        contents = [
            EventContent(
                reference=row.reference,
                at=row.at,
                actor=row.actor,
                staff_id=row.staff_id,
                action=row.action,
                from_status=row.from_status,
                to_status=row.to_status,
                detail=row.detail or {},
            )
            for row in events
        ]
        for row, made in zip(events, build_chain(contents)):
            pending.append(
                {'event_id': row.id, 'c': made.content_hash, 'p': made.prev_hash,
                 'h': made.chain_hash}
            )
        if len(pending) >= BATCH:
            conn.execute(update, pending)
            pending = []
    if pending:
        conn.execute(update, pending)


def _referrals_from_events(conn):
    """Referrals recorded as audit events only (before this revision) become referral rows."""
    referrals = sa.table(
        'referral',
        sa.column('complaint_id', sa.Integer),
        sa.column('body', sa.String),
        sa.column('referred_on', sa.Date),
        sa.column('body_reference', sa.String),
        sa.column('reply_due_on', sa.Date),
        sa.column('note', sa.Text),
        sa.column('decision_note', sa.Text),
        sa.column('staff_id', sa.Integer),
        sa.column('created_at', UTC_DATETIME),
        sa.column('version', sa.Integer),
    )
    rows = conn.execute(
        sa.select(EVENTS).where(EVENTS.c.action == 'referred_to_mediation').order_by(EVENTS.c.id)
    ).fetchall()
    values = []
    for row in rows:
        detail = row.detail or {}
        try:
            referred_on = date.fromisoformat(str(detail.get('referred_on')))
        except ValueError:
            referred_on = row.at.date()
        values.append(
            {
                'complaint_id': row.complaint_id,
                'body': str(detail.get('body', ''))[:200] or '?',
                'referred_on': referred_on,
                'body_reference': '',
                'reply_due_on': referred_on + timedelta(days=28),
                'note': str(detail.get('note', '')),
                'decision_note': '',
                'staff_id': row.staff_id,
                'created_at': row.at,
                'version': 1,
            }
        )
    if values:
        conn.execute(referrals.insert(), values)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        for name in ('chain_hash', 'prev_hash', 'content_hash'):
            batch_op.drop_column(name)
    with op.batch_alter_table('inbound_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_email_message_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_email_complaint_id'))
    op.drop_table('inbound_email')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_reply_due_on'))
        batch_op.drop_index(batch_op.f('ix_referral_decision'))
        batch_op.drop_index(batch_op.f('ix_referral_complaint_id'))
    op.drop_table('referral')
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('attachments')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('preferred_solution')
