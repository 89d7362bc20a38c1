"""identity: organizations, roles, users, audit log, kit tables

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
SCHEMA = "identity"


def _timestamps():
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def upgrade():
    op.create_table(
        "organizations",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False, server_default="fr"),
        sa.Column("timezone", sa.Text, nullable=False, server_default="America/Toronto"),
        *[sa.Column(name, sa.Text) for name in ("logo_url", "street", "city", "province", "postal_code",
                                                "country", "phone", "website", "sender_name", "legal_text")],
        *_timestamps(),
        schema=SCHEMA,
    )
    op.create_table(
        "roles",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, sa.ForeignKey("identity.organizations.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("permissions", JSONB, nullable=False),
        *_timestamps(),
        schema=SCHEMA,
    )
    op.create_index("roles_org_name", "roles", ["org_id", sa.text("lower(name)")], unique=True, schema=SCHEMA)
    op.create_table(
        "users",
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
        schema=SCHEMA,
    )
    op.create_index("users_username", "users", [sa.text("lower(username)")], unique=True, schema=SCHEMA)
    op.create_index("users_org", "users", ["org_id"], schema=SCHEMA)
    op.create_index("users_manager", "users", ["manager_id"], schema=SCHEMA)
    op.create_table(
        "audit_log",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("actor_id", sa.Text),
        sa.Column("subject_id", sa.Text),
        sa.Column("details", JSONB, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("audit_org_time", "audit_log", ["org_id", "occurred_at"], schema=SCHEMA)
    # The kit's tables (outbox, inbox, dead letters: carnet_common.tables), written out: history never changes.
    op.create_table(
        "outbox",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("headers", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("unroutable", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )
    op.create_index("outbox_pending", "outbox", ["created_at"], schema=SCHEMA,
                    postgresql_where=sa.text("published_at IS NULL"))
    op.create_table(
        "inbox",
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("handler", sa.Text, primary_key=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "inbox_failures",
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("handler", sa.Text, primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("parked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )


def downgrade():
    for name in ("outbox", "inbox", "inbox_failures", "audit_log", "users", "roles", "organizations"):
        op.drop_table(name, schema=SCHEMA)
