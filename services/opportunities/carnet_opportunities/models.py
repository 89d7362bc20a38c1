"""Tables of the ``opportunities`` schema (SQLAlchemy Core). Each feature area appends its own block."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from carnet_common.jobs import job_tables
from carnet_common.tables import kit_tables
from carnet_custom_fields.admin import custom_field_table

metadata = sa.MetaData(schema="opportunities")
outbox, inbox, inbox_failures = kit_tables(metadata)

# Read model of the contacts service (fed by its events; never read from its schema) -----------------
# What visibility and display need: ids, account, lists, reps, names. Kept for deleted records too
# (``deleted_at``) so a restore brings them back.
account_refs = sa.Table(
    "account_refs", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("rep1_id", sa.Text),
    sa.Column("rep2_id", sa.Text),
    sa.Column("list_ids", ARRAY(sa.Text), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("version", sa.BigInteger, nullable=False),
)
contact_refs = sa.Table(
    "contact_refs", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("account_id", sa.Text),
    sa.Column("first_name", sa.Text),
    sa.Column("last_name", sa.Text),
    sa.Column("email", sa.Text),
    sa.Column("rep1_id", sa.Text),
    sa.Column("rep2_id", sa.Text),
    sa.Column("list_ids", ARRAY(sa.Text), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("version", sa.BigInteger, nullable=False),
)

# Tasks (T-1, T-2, C-22) and their calendar invitations (T-3): migration 0002_tasks ------------------
# ``version`` starts at 1 and moves with every change: it is the SEQUENCE of the task's calendar event.
tasks = sa.Table(
    "tasks", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("due_at", sa.DateTime(timezone=True)),
    sa.Column("assignee_id", sa.Text, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("contact_id", sa.Text),
    sa.Column("account_id", sa.Text),
    sa.Column("opportunity_id", sa.Text),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # A task deleted with a contact or an account (its id): hidden until that record is restored (both
    # cleared) or purged (the task removed), C-10.
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("deleted_with", sa.Text),
    # Covering, live tasks only (migration 0008): a board's totals and one user's dashboard read the index alone.
    sa.Index("tasks_board", "org_id", "assignee_id", "status", "due_at",
             postgresql_include=["created_at", "type", "created_by", "contact_id", "account_id", "opportunity_id"],
             postgresql_where=sa.text("deleted_at IS NULL")),
    sa.Index("tasks_created", "org_id", "created_at"),
    # Live tasks by creation date with their type (migration 0009): the dashboard's activities read the index alone.
    sa.Index("tasks_dashboard", "org_id", "created_at", postgresql_include=["type"],
             postgresql_where=sa.text("deleted_at IS NULL")),
    sa.Index("tasks_contact", "contact_id"),
    sa.Index("tasks_account", "account_id"),
    sa.Index("tasks_opportunity", "opportunity_id"),
)
# One row per requested email; ``status``: pending → sending → sent, or back to pending (temporary
# failure, ``next_attempt_at``), failed (permanent, too many attempts) or unknown (interrupted mid-send).
task_invitations = sa.Table(
    "task_invitations", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("task_id", sa.Text, nullable=False),
    sa.Column("idempotency_key", sa.Text, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("timezone", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_at", sa.DateTime(timezone=True)),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    # REQUEST or CANCEL (T-3); a CANCEL carries the calendar event it names, copied when it is queued
    # because the task may be gone when it is sent.
    sa.Column("method", sa.Text, nullable=False, server_default="REQUEST"),
    sa.Column("event", JSONB),
    sa.UniqueConstraint("task_id", "idempotency_key", name="task_invitations_key"),
    sa.Index("task_invitations_due", "status", "next_attempt_at"),
    # The quotas per organization and user over the last day (issue 10 §2).
    sa.Index("task_invitations_recent", "org_id", "created_at"),
)

# --- opportunities block (stages O-3, opportunities O-1/O-2/O-7, product lines O-5) ----------------------
# Read model: when the last delete/restore applied happened (events may be handled out of order).
for _refs in (account_refs, contact_refs):
    _refs.append_column(sa.Column("lifecycle_at", sa.DateTime(timezone=True)))
    # The records in the trash only (migration 0009): the dashboard leaves out what hangs on them (D-1).
    sa.Index(f"{_refs.name}_trash", _refs.c.org_id, postgresql_where=sa.text("deleted_at IS NOT NULL"))

stages = sa.Table(
    "stages", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("probability", sa.Integer, nullable=False),
    sa.Column("color", sa.Text, nullable=False),
    sa.Column("label_fr", sa.Text, nullable=False),
    sa.Column("label_en", sa.Text, nullable=False),
    sa.UniqueConstraint("org_id", "probability", name="stages_org_probability"),
)
substages = sa.Table(
    "substages", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("stage_id", sa.Text, sa.ForeignKey("opportunities.stages.id", ondelete="CASCADE"), nullable=False),
    sa.Column("label_fr", sa.Text, nullable=False),
    sa.Column("label_en", sa.Text, nullable=False),
    sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("substages_stage", "stage_id"),
)
opportunities = sa.Table(
    "opportunities", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("account_id", sa.Text, nullable=False),
    sa.Column("contact_id", sa.Text),
    sa.Column("stage_id", sa.Text, sa.ForeignKey("opportunities.stages.id"), nullable=False),
    sa.Column("substage_id", sa.Text, sa.ForeignKey("opportunities.substages.id", ondelete="SET NULL")),
    sa.Column("probability", sa.Integer, nullable=False),
    sa.Column("rep1_id", sa.Text),
    sa.Column("rep2_id", sa.Text),
    sa.Column("close_date", sa.Date),
    sa.Column("total", sa.Numeric(16, 2), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("external_ref", sa.Text),
    sa.Column("custom", JSONB, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("deleted_with", sa.Text),
    sa.Index("opportunities_account", "org_id", "account_id"),
    sa.Index("opportunities_contact", "contact_id"),
    sa.Index("opportunities_stage", "org_id", "stage_id"),
    # Live ones by stage and close date with what the dashboard sums (migration 0009): its won/lost read the index.
    sa.Index("opportunities_dashboard", "org_id", "stage_id", "close_date",
             postgresql_include=["total", "account_id", "rep1_id", "rep2_id"],
             postgresql_where=sa.text("deleted_at IS NULL")),
    # Also opportunities_o4 and opportunities_o4_stage (O-4 order, migration 0007): expression indexes, declared
    # there only, as Alembic cannot compare them with what PostgreSQL reflects (opportunities.repository.o4_order).
)
opportunity_lines = sa.Table(
    "opportunity_lines", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("opportunity_id", sa.Text, sa.ForeignKey("opportunities.opportunities.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("product_group", sa.Text),
    sa.Column("product_code", sa.Text),
    sa.Column("description", sa.Text),
    sa.Column("quantity", sa.Numeric(16, 4), nullable=False),
    sa.Column("unit_price", sa.Numeric(16, 2), nullable=False),
    sa.Column("shipping", sa.Numeric(16, 2), nullable=False),
    sa.Column("discount", sa.Numeric(16, 2), nullable=False),
    sa.Column("total", sa.Numeric(16, 2), nullable=False),
    sa.Index("opportunity_lines_opportunity", "opportunity_id", "position"),
)
# --- end of the opportunities block ------------------------------------------------------------------------

# Custom fields of opportunities (C-14, O-2): migration 0004_custom_fields --------------------------------------
# The columns of contacts' ``custom_fields`` (one service owns each module's definitions) plus ``product_type``:
# a field tied to a product type (a line's ``product_group``) shows only on opportunities with such a line.
custom_fields = custom_field_table(metadata, sa.Column("product_type", sa.Text))

# Background jobs (N-4: exports of O-6 above EXPORT_SYNC_MAX_ROWS) and their files: migration 0006_jobs ---------
jobs, job_files = job_tables(metadata)

# Merges of contacts and accounts (C-20): what each merge moved from the merged-away record to the one that stayed
# (a task's or an opportunity's contact or account), so that its undo moves exactly those back; an ``undone`` row
# (item_type) marks a merge undone before its own event arrived, which then moves nothing. Migration 0011.
merge_moves = sa.Table(
    "merge_moves", metadata,
    sa.Column("merge_id", sa.Text, primary_key=True),
    sa.Column("item_type", sa.Text, primary_key=True),
    sa.Column("item_id", sa.Text, primary_key=True),
    sa.Column("link", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("from_id", sa.Text, nullable=False),
    sa.Column("to_id", sa.Text, nullable=False),
)
