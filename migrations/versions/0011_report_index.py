"""report index: the outcome a complaint ended with on the complaint, one covering index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00

Issue 13, measured on the 100,000-complaint bench data after 0009: a year's report took
1.6 s on SQLite, nearly all of it reading whole complaint rows (the description is inline)
and joining each complaint's two outcome rows. So (0010 already followed 0009, hence a
second migration):
- complaint.outcome_kind, outcome_refund_cents, outcome_root_cause_id and review_changed:
  the outcome the complaint ended with (the final response, else the first outcome), kept
  by services.outcomes from now on (domain.reports.ended_with) and filled here from the
  outcome rows by the same rule;
- ix_complaint_report: every column the reports count, after the period and the filters,
  so the reports read only this index (it replaces 0009's ix_complaint_received_on, its
  prefix); rating.created_at indexed for the newest comments.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

REPORT_COLUMNS = (
    'received_on', 'category', 'channel', 'language', 'status', 'ack_due_on',
    'acknowledged_on_time', 'response_due_on', 'responded_on_time', 'review_requested_at',
    'days_to_acknowledge', 'days_to_respond', 'preferred_solution', 'outcome_kind',
    'review_changed', 'outcome_refund_cents', 'outcome_root_cause_id',
)

#: The outcome a complaint ended with: its final response if it has one, else its first.
_ENDED = (
    "(SELECT o.{column} FROM outcome o WHERE o.complaint_id = complaint.id "
    "ORDER BY o.is_final DESC LIMIT 1)"
)
#: Whether the final response changed the first outcome's kind or refund (NULL: no final).
_CHANGED = (
    "(SELECT CASE WHEN f.kind <> o.kind "
    "OR COALESCE(f.amount_cents, -1) <> COALESCE(o.amount_cents, -1) THEN {yes} ELSE {no} END "
    "FROM outcome o JOIN outcome f ON f.complaint_id = o.complaint_id AND f.is_final = {yes} "
    "WHERE o.complaint_id = complaint.id AND o.is_final = {no})"
)


def upgrade():
    op.add_column('complaint', sa.Column('outcome_kind', sa.String(length=30), nullable=True))
    op.add_column('complaint', sa.Column('outcome_refund_cents', sa.Integer(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # ADD COLUMN with the foreign key inline: a batch copy-and-move of complaint would
        # lose ix_complaint_open_due, an expression index SQLite cannot reflect.
        op.execute('ALTER TABLE complaint ADD COLUMN outcome_root_cause_id INTEGER '
                   'REFERENCES root_cause (id)')
    else:
        op.add_column('complaint', sa.Column('outcome_root_cause_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_complaint_outcome_root_cause_id', 'complaint', 'root_cause',
                              ['outcome_root_cause_id'], ['id'])
    op.add_column('complaint', sa.Column('review_changed', sa.Boolean(), nullable=True))
    yes, no = ('true', 'false') if bind.dialect.name == 'postgresql' else ('1', '0')
    op.execute(
        "UPDATE complaint SET "
        + ", ".join(
            f"{target} = {_ENDED.format(column=column)}"
            for target, column in (
                ('outcome_kind', 'kind'),
                ('outcome_refund_cents', 'amount_cents'),
                ('outcome_root_cause_id', 'root_cause_id'),
            )
        )
        + f", review_changed = {_CHANGED.format(yes=yes, no=no)}"
        + " WHERE EXISTS (SELECT 1 FROM outcome o WHERE o.complaint_id = complaint.id)"
    )
    op.drop_index('ix_complaint_received_on', table_name='complaint')
    op.create_index('ix_complaint_report', 'complaint', list(REPORT_COLUMNS), unique=False)
    op.create_index(op.f('ix_rating_created_at'), 'rating', ['created_at'], unique=False)
    op.execute("ANALYZE")


def downgrade():
    op.drop_index(op.f('ix_rating_created_at'), table_name='rating')
    op.drop_index('ix_complaint_report', table_name='complaint')
    op.create_index('ix_complaint_received_on', 'complaint', ['received_on', 'category'],
                    unique=False)
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops it with the column
        op.drop_constraint('fk_complaint_outcome_root_cause_id', 'complaint', type_='foreignkey')
    for name in ('review_changed', 'outcome_root_cause_id', 'outcome_refund_cents',
                 'outcome_kind'):
        op.drop_column('complaint', name)
