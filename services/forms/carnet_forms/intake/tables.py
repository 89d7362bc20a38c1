"""Tables of the intake area (on carnet_forms.models.metadata; migration 0003 writes the same shape out).

- ``submissions``: every submission the service acknowledged (F-5: stored before the answer), accepted or
  quarantined (F-4: never silently dropped; a discarded one keeps its data for the audit). ``data`` holds only the
  clean values of the form's fields (``definition.validate_values``), never the unknown ones (their names are in
  ``reasons``). ``contact_id``/``applied_at`` are set by the effects area once contacts applied it.
- ``form_views``: the views ``render_form`` counted, per form and quarter of an hour (UTC). Statistics are by day in
  the caller's time zone (N-6): a quarter of an hour falls in one day of every zone (Newfoundland's is -3:30), where
  a UTC day would not.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from carnet_forms.models import metadata

CHANNELS = ("embed", "html", "webhook")
STATUSES = ("accepted", "quarantined", "discarded")

submissions = sa.Table(
    "submissions", metadata,
    sa.Column("id", UUID(as_uuid=False), primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("form_id", UUID(as_uuid=False), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("reasons", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("data", JSONB, nullable=False),
    sa.Column("meta", JSONB, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("contact_id", sa.Text),
    sa.Column("applied_at", sa.DateTime(timezone=True)),
    sa.Column("consent", JSONB),
    sa.Column("released_by", sa.Text),
    sa.Column("released_at", sa.DateTime(timezone=True)),
    sa.Column("discarded_by", sa.Text),
    sa.Column("discarded_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("channel IN ('embed', 'html', 'webhook')", name="submissions_channel"),
    sa.CheckConstraint("status IN ('accepted', 'quarantined', 'discarded')", name="submissions_status"),
    sa.Index("submissions_form_received", "form_id", sa.text("received_at DESC"), sa.text("id DESC")),
    sa.Index("submissions_org_status", "org_id", "status"),
)

form_views = sa.Table(
    "form_views", metadata,
    sa.Column("form_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("period", sa.DateTime(timezone=True), primary_key=True),  # the quarter of an hour's start (UTC)
    sa.Column("views", sa.Integer, nullable=False),
)
