"""Tables of the builder area (on carnet_forms.models.metadata; migration 0002 writes the same shape out).

- ``forms``: the organization's forms (F-1). ``key`` is the public name the embed snippet and the public pages use:
  random, unique, never changed (F-2: a snippet keeps working across publishes). ``draft`` is the editable
  definition (``carnet_forms.definition``); ``current_version`` the published version the public side serves (none
  before the first publish). ``webhook_secret`` signs ``POST /f/<key>/webhook`` (F-2).
- ``form_versions``: immutable snapshots of a draft, one per publish, numbered 1, 2, … per form (F-2: a submission
  names the version it was made on).
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from carnet_forms.models import metadata

STATUSES = ("draft", "published", "unpublished")

forms = sa.Table(
    "forms", metadata,
    sa.Column("id", UUID(as_uuid=False), primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("draft", JSONB, nullable=False),
    sa.Column("current_version", sa.Integer),
    sa.Column("webhook_secret", sa.Text, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("published_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("status IN ('draft', 'published', 'unpublished')", name="forms_status"),
    sa.Index("forms_org_updated", "org_id", "updated_at"),
)

form_versions = sa.Table(
    "form_versions", metadata,
    sa.Column("form_id", UUID(as_uuid=False), sa.ForeignKey("forms.forms.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("definition", JSONB, nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_by", sa.Text),
)
