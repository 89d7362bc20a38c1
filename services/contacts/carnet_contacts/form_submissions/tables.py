"""The ``form_submission_contacts`` table (migration 0015_form_submissions), declared on the service's metadata: one
row per submission applied, so that a redelivered or republished ``submission_accepted`` answers the contact it made
the first time instead of making a second (F-3: exactly once per submission)."""
import sqlalchemy as sa

from carnet_contacts.models import metadata

form_submission_contacts = sa.Table(
    "form_submission_contacts", metadata,
    sa.Column("submission_id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("contact_id", sa.Text, nullable=False),
    sa.Column("created", sa.Boolean, nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)
