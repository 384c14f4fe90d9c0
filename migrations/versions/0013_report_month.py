"""report month: a change counter per month of receipt, raised by triggers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:00:00

Issue 13, item 7: a year's report at 100,000 complaints took 0.9 s, counting every
complaint of the year and the year before again on each view. services.report_counts keeps
the counts of each month in memory and counts again only a month that changed. report_month
says which did: per month of receipt ('YYYY-MM'), a counter that triggers raise in the same
transaction as every insert or delete of a complaint, every change to one of its report
columns (ix_complaint_report's, received_on among them: both months count when it moves),
and every insert, change or delete of a rating or a referral (the complaint's month). The
counter is raised by triggers, not by the app, so no way of writing (the services, a bulk
load, a migration, psql) can change a figure without it.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

#: The complaint columns a report reads (models.complaint.REPORT_COLUMNS, as of 0011).
REPORT_COLUMNS = (
    'received_on', 'category', 'channel', 'language', 'status', 'ack_due_on',
    'acknowledged_on_time', 'response_due_on', 'responded_on_time', 'review_requested_at',
    'days_to_acknowledge', 'days_to_respond', 'preferred_solution', 'outcome_kind',
    'review_changed', 'outcome_refund_cents', 'outcome_root_cause_id',
)
LINKED = ('rating', 'referral')

#: Raise the counter of the month of {day}; {source} says where the day is read from.
_SQLITE_BUMP = (
    "INSERT INTO report_month (month, changes) SELECT substr({day}, 1, 7), 1 {source} "
    "{day} IS NOT NULL ON CONFLICT (month) DO UPDATE SET changes = changes + 1;"
)


def _sqlite_triggers():
    """SQLite: one trigger per table and event; the month is the date's first 7 characters
    (SQLAlchemy keeps a Date as 'YYYY-MM-DD')."""
    columns = ", ".join(REPORT_COLUMNS)
    own = {"old": _SQLITE_BUMP.format(day="OLD.received_on", source="WHERE"),
           "new": _SQLITE_BUMP.format(day="NEW.received_on", source="WHERE")}
    yield (f"CREATE TRIGGER report_month_complaint_insert AFTER INSERT ON complaint "
           f"BEGIN {own['new']} END")
    yield (f"CREATE TRIGGER report_month_complaint_delete AFTER DELETE ON complaint "
           f"BEGIN {own['old']} END")
    yield (f"CREATE TRIGGER report_month_complaint_update AFTER UPDATE OF {columns} "
           f"ON complaint BEGIN {own['old']} {own['new']} END")
    for table in LINKED:
        linked = {
            side: _SQLITE_BUMP.format(
                day="received_on", source=f"FROM complaint WHERE id = {side}.complaint_id AND"
            )
            for side in ("OLD", "NEW")
        }
        yield (f"CREATE TRIGGER report_month_{table}_insert AFTER INSERT ON {table} "
               f"BEGIN {linked['NEW']} END")
        yield (f"CREATE TRIGGER report_month_{table}_delete AFTER DELETE ON {table} "
               f"BEGIN {linked['OLD']} END")
        yield (f"CREATE TRIGGER report_month_{table}_update AFTER UPDATE ON {table} "
               f"BEGIN {linked['OLD']} {linked['NEW']} END")


_POSTGRES = [
    """CREATE FUNCTION report_month_bump(day date) RETURNS void LANGUAGE sql AS $$
        INSERT INTO report_month (month, changes) VALUES (to_char(day, 'YYYY-MM'), 1)
        ON CONFLICT (month) DO UPDATE SET changes = report_month.changes + 1
    $$""",
    """CREATE FUNCTION report_month_complaint() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' AND OLD.received_on IS NOT NULL THEN
            PERFORM report_month_bump(OLD.received_on);
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.received_on IS NOT NULL THEN
            PERFORM report_month_bump(NEW.received_on);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION report_month_linked() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM report_month_bump(received_on) FROM complaint
            WHERE id = OLD.complaint_id AND received_on IS NOT NULL;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM report_month_bump(received_on) FROM complaint
            WHERE id = NEW.complaint_id AND received_on IS NOT NULL;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER report_month_complaint AFTER INSERT OR DELETE OR UPDATE OF "
    + ", ".join(REPORT_COLUMNS)
    + " ON complaint FOR EACH ROW EXECUTE FUNCTION report_month_complaint()",
    *(
        f"CREATE TRIGGER report_month_{table} AFTER INSERT OR DELETE OR UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION report_month_linked()"
        for table in LINKED
    ),
]


def upgrade():
    op.create_table(
        'report_month',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('changes', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('month'),
    )
    if op.get_bind().dialect.name == 'sqlite':
        for statement in _sqlite_triggers():
            op.execute(statement)
    else:
        for statement in _POSTGRES:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for table in ('complaint', *LINKED):
            for event in ('insert', 'delete', 'update'):
                op.execute(f"DROP TRIGGER IF EXISTS report_month_{table}_{event}")
    else:
        for table in ('complaint', *LINKED):
            op.execute(f"DROP TRIGGER IF EXISTS report_month_{table} ON {table}")
        for function in ('report_month_linked()', 'report_month_complaint()',
                         'report_month_bump(date)'):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_table('report_month')
