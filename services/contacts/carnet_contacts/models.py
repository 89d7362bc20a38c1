"""Tables of the ``contacts`` schema (SQLAlchemy Core). The migrations declare them on their own.

Normalised columns (``*_norm``, ``phone_digits``) are written by the use cases with ``norms.py`` on every
write, and again for an account's contacts when the account's name, city or street changes: they read the
account row, so they cannot be generated columns (docs/performance.md §1).
Accounts carry their own list memberships (``account_members``): an account is created in chosen lists
(C-4) and has ``list_ids`` of its own (docs/rules/http-api.md), whatever lists its contacts are in.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_common.jobs import job_tables
from carnet_common.tables import kit_tables
from carnet_custom_fields.admin import custom_field_table

SCHEMA = "contacts"
metadata = sa.MetaData(schema=SCHEMA)


def _timestamps():
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


lists = sa.Table(
    "lists", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("access_all_users", sa.Boolean, nullable=False),
    sa.Column("private", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    *_timestamps(),
)

list_grants = sa.Table(
    "list_grants", metadata,
    sa.Column("list_id", sa.Text, sa.ForeignKey("contacts.lists.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.Text, primary_key=True),
)

selected_lists = sa.Table(
    "selected_lists", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("list_id", sa.Text, sa.ForeignKey("contacts.lists.id", ondelete="CASCADE"), primary_key=True),
)

ACCOUNT_FIELDS = ("name", "email", "phone", "fax", "website", "street", "city", "province", "postal_code",
                  "country", "rep1_id", "rep2_id", "status")

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    *(sa.Column(name, sa.Text) for name in ACCOUNT_FIELDS[1:-1]),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("custom", JSONB, nullable=False),
    sa.Column("search_norm", sa.Text, nullable=False),
    sa.Column("phone_digits", sa.Text, nullable=False),
    sa.Column("city_norm", sa.Text, nullable=False),
    sa.Column("street_norm", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    *_timestamps(),
)

CONTACT_FIELDS = ("first_name", "last_name", "title", "email", "language", "phone", "mobile", "fax",
                  "other_phone", "street", "city", "province", "postal_code", "country", "website",
                  "rep1_id", "rep2_id", "subscribed", "account_id", "status")

contacts = sa.Table(
    "contacts", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("account_id", sa.Text, sa.ForeignKey("contacts.accounts.id")),
    *(sa.Column(name, sa.Text) for name in CONTACT_FIELDS[:17]),
    sa.Column("subscribed", sa.Boolean, nullable=False),
    sa.Column("is_primary", sa.Boolean, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("custom", JSONB, nullable=False),
    sa.Column("search_norm", sa.Text, nullable=False),
    sa.Column("title_norm", sa.Text, nullable=False),
    sa.Column("email_norm", sa.Text, nullable=False),
    sa.Column("phone_digits", sa.Text, nullable=False),
    sa.Column("eff_city_norm", sa.Text, nullable=False),
    sa.Column("eff_street_norm", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    *_timestamps(),
)

list_members = sa.Table(
    "list_members", metadata,
    sa.Column("list_id", sa.Text, sa.ForeignKey("contacts.lists.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("contact_id", sa.Text, sa.ForeignKey("contacts.contacts.id", ondelete="CASCADE"),
              primary_key=True),
)

account_members = sa.Table(
    "account_members", metadata,
    sa.Column("list_id", sa.Text, sa.ForeignKey("contacts.lists.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("account_id", sa.Text, sa.ForeignKey("contacts.accounts.id", ondelete="CASCADE"),
              primary_key=True),
)

history = sa.Table(
    "history", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("record_type", sa.Text, nullable=False),
    sa.Column("record_id", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("old", JSONB),
    sa.Column("new", JSONB),
)

# Identity's users as far as search needs them (r1:/r2:, C-11), fed by identity.user_created/_updated.
rep_users = sa.Table(
    "rep_users", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("username", sa.Text, nullable=False),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("name_norm", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

outbox, inbox, inbox_failures = kit_tables(metadata)


# Customization (C-12, C-14, C-15): migration 0003_customization ------------------------------------------

custom_fields = custom_field_table(metadata)

saved_filters = sa.Table(
    "saved_filters", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("module", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("criteria", JSONB, nullable=False),
    *_timestamps(),
)

layouts = sa.Table(
    "layouts", metadata,
    sa.Column("org_id", sa.Text, primary_key=True),
    sa.Column("module", sa.Text, primary_key=True),
    sa.Column("columns", JSONB, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

user_sorts = sa.Table(
    "user_sorts", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("module", sa.Text, primary_key=True),
    sa.Column("sort", sa.Text, nullable=False),
)

# --- Lifecycle (issue 4: relations C-5, trash C-10; migration 0003_lifecycle) -------------------------

# A symmetric relation is one row, its pair ordered (contact_a < contact_b), shown from both sides.
relations = sa.Table(
    "relations", metadata,
    sa.Column("contact_a", sa.Text, sa.ForeignKey("contacts.contacts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("contact_b", sa.Text, sa.ForeignKey("contacts.contacts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("contact_a < contact_b", name="relations_ordered_pair"),
)

# One entry per delete, keyed by the deleted record's id; ``dependants`` ([{type, id}]) went with it.
trash = sa.Table(
    "trash", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("record_type", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("deleted_by", sa.Text),
    sa.Column("dependants", JSONB, nullable=False),
)

# --- Exports and jobs (issue 4: C-18, N-4; migration 0003_jobs) --------------------------------------------
# Background jobs and the files they produce, in chunks: the tables every service with jobs declares
# (``carnet_common.jobs``, which says how they are used).
jobs, job_files = job_tables(metadata)

# --- opportunities area (issue 5): a summary of each opportunity, fed by the opportunities events, for the
# action criteria of C-12 ("has an opportunity at stage …", "… with total > …"); rep 1 and rep 2 for S-4
# (migration 0008). -----------------------------------------------------------------------------------------
opportunity_summaries = sa.Table(
    "opportunity_summaries", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("account_id", sa.Text, nullable=False),
    sa.Column("contact_id", sa.Text),
    sa.Column("stage_id", sa.Text, nullable=False),
    sa.Column("probability", sa.Integer, nullable=False),
    sa.Column("total", sa.Numeric(16, 2), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("rep1_id", sa.Text),
    sa.Column("rep2_id", sa.Text),
    sa.Index("opportunity_summaries_account", "account_id", "stage_id"),
    sa.Index("opportunity_summaries_contact", "contact_id", "stage_id"),
)

# --- opportunities area (issue 5): a summary of each task, fed by the opportunities events (readmodels/),
# for the action criterion of C-12 ("has a task of type … (status …)"). Migration 0006; assignee and author
# for S-4, migration 0008. ------------------------------------------------------------------------------------
task_summaries = sa.Table(
    "task_summaries", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("contact_id", sa.Text),
    sa.Column("account_id", sa.Text),
    sa.Column("opportunity_id", sa.Text),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("assignee_id", sa.Text),
    sa.Column("created_by", sa.Text),
    sa.Index("task_summaries_contact", "org_id", "contact_id", "type", "status"),
    sa.Index("task_summaries_account", "org_id", "account_id", "type", "status"),
)

# The tables of issue 12's areas are declared beside their code, on this ``metadata``; importing them here makes
# ``models`` the whole schema (tests/contract/test_migrations_match_models.py compares it with the migrations).
from carnet_contacts.automations import tables as _automations  # noqa: E402,F401
from carnet_contacts.documents import tables as _documents  # noqa: E402,F401
from carnet_contacts.duplicates import tables as _duplicates  # noqa: E402,F401
from carnet_contacts.form_submissions import tables as _form_submissions  # noqa: E402,F401
from carnet_contacts.imports import tables as _imports  # noqa: E402,F401
from carnet_contacts.merges import tables as _merges  # noqa: E402,F401
