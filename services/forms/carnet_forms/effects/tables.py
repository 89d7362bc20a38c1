"""Tables of the effects area (on carnet_forms.models.metadata; migration 0004 writes the same shape out).

- ``confirmations``: one row per submission whose form asks for double opt-in (F-4), written with the
  ``submission_applied`` event: the confirmation e-mail's state (``pending`` → ``sending`` → ``sent``; back to
  ``pending`` after a refusal that sent nothing, ``failed`` for good, ``unknown`` when the connection broke while the
  relay held it: never sent twice) and when its link was followed (``confirmed_at``).
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from carnet_forms.models import metadata

CONFIRMATION_STATUSES = ("pending", "sending", "sent", "failed", "unknown")

confirmations = sa.Table(
    "confirmations", metadata,
    sa.Column("submission_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("form_id", UUID(as_uuid=False), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("contact_id", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("claimed_at", sa.DateTime(timezone=True)),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.Text),
    sa.Column("confirmed_at", sa.DateTime(timezone=True)),
    sa.Column("confirmed_ip", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'unknown')",
                       name="confirmations_status"),
    sa.Index("confirmations_due", "next_attempt_at", postgresql_where=sa.text("status = 'pending'")),
)
