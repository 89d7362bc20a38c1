"""identity: the optional TOTP second factor (S-10), its per-organization requirement, recovery codes; audit
entries of user events name the user

``user_created`` and ``user_updated`` carry the user (``id``) and its ``role_id``; the audit journal took the first
of ``user_id``, ``role_id``, ``id`` as the subject, so a user holding a role was journaled under the role's id.
The rows already written are corrected here, from the payload they kept.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE identity.organizations ADD COLUMN require_totp boolean NOT NULL DEFAULT false")
    op.execute("ALTER TABLE identity.users ADD COLUMN totp_secret text")
    op.execute("ALTER TABLE identity.users ADD COLUMN totp_pending_secret text")
    op.execute("ALTER TABLE identity.users ADD COLUMN totp_last_step bigint")
    op.execute("""
        CREATE TABLE identity.recovery_codes (
            user_id text NOT NULL REFERENCES identity.users (id),
            code_hash text NOT NULL,
            used_at timestamp with time zone,
            created_at timestamp with time zone NOT NULL DEFAULT now(),
            PRIMARY KEY (user_id, code_hash)
        )""")
    op.execute("""
        UPDATE identity.audit_log SET subject_id = details ->> 'id'
        WHERE event_type IN ('user_created', 'user_updated') AND details ? 'id'""")


def downgrade():
    op.execute("DROP TABLE identity.recovery_codes")
    op.execute("ALTER TABLE identity.users DROP COLUMN totp_last_step, DROP COLUMN totp_pending_secret, "
               "DROP COLUMN totp_secret")
    op.execute("ALTER TABLE identity.organizations DROP COLUMN require_totp")
