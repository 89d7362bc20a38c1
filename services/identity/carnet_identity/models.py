"""Tables of the ``identity`` schema (SQLAlchemy Core)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_common.tables import kit_tables

metadata = sa.MetaData(schema="identity")


def _timestamps():
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


organizations = sa.Table(
    "organizations", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False, server_default="fr"),
    sa.Column("timezone", sa.Text, nullable=False, server_default="America/Toronto"),
    sa.Column("logo_url", sa.Text),
    sa.Column("street", sa.Text),
    sa.Column("city", sa.Text),
    sa.Column("province", sa.Text),
    sa.Column("postal_code", sa.Text),
    sa.Column("country", sa.Text),
    sa.Column("phone", sa.Text),
    sa.Column("website", sa.Text),
    sa.Column("sender_name", sa.Text),
    sa.Column("legal_text", sa.Text),
    *_timestamps(),
    # S-10: every user must have a second factor; one without is enrolled at their next login.
    sa.Column("require_totp", sa.Boolean, nullable=False, server_default=sa.false()),
)

roles = sa.Table(
    "roles", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, sa.ForeignKey("identity.organizations.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("permissions", JSONB, nullable=False),
    *_timestamps(),
    sa.Index("roles_org_name", "org_id", sa.text("lower(name)"), unique=True),
)

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, sa.ForeignKey("identity.organizations.id"), nullable=False),
    sa.Column("username", sa.Text, nullable=False),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("language", sa.Text),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("role_id", sa.Text, sa.ForeignKey("identity.roles.id")),
    sa.Column("manager_id", sa.Text, sa.ForeignKey("identity.users.id")),
    sa.Column("all_contacts", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("hierarchy_contacts", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("own_records_only", sa.Boolean, nullable=False, server_default=sa.false()),
    *_timestamps(),
    # S-10: the confirmed TOTP secret, the one shown at enrolment until a code confirms it, and the last time
    # step accepted (a code is never accepted twice).
    sa.Column("totp_secret", sa.Text),
    sa.Column("totp_pending_secret", sa.Text),
    sa.Column("totp_last_step", sa.BigInteger),
    sa.Index("users_username", sa.text("lower(username)"), unique=True),
    sa.Index("users_org", "org_id"),
    sa.Index("users_manager", "manager_id"),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("actor_id", sa.Text),
    sa.Column("subject_id", sa.Text),
    sa.Column("details", JSONB, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("audit_org_time", "org_id", "occurred_at"),
)

# S-10: single-use recovery codes of a user's second factor, stored as hashes (totp.recovery_code_hash).
recovery_codes = sa.Table(
    "recovery_codes", metadata,
    sa.Column("user_id", sa.Text, sa.ForeignKey("identity.users.id"), primary_key=True),
    sa.Column("code_hash", sa.Text, primary_key=True),
    sa.Column("used_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

outbox, inbox, inbox_failures = kit_tables(metadata)
