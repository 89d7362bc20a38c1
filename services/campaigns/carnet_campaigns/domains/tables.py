"""The tables of the domains area, on the schema's one ``MetaData`` (``carnet_campaigns.models``); its migration
(0005_domains) writes the same shape out.

``sending_domains``: one row per domain an organization added (E-5, E-6). A domain belongs to one organization
(unique). The DKIM private key is stored encrypted (``keys.py``: Fernet, ``CAMPAIGNS_KEY_SECRET``): the column never
holds the PEM. ``checks`` holds the last check's result per record (``{"spf"|"dkim"|"tracking": {"state", "reason",
"found"}}``); ``verified_at`` is set when all three were ok at the last check, cleared when one no longer is.
``approval``: pending → approved | refused, by an administrator of the installation (operator CLI)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_campaigns.models import metadata

sending_domains = sa.Table(
    "sending_domains", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("domain", sa.Text, nullable=False, unique=True),  # IDNA ASCII, lower case
    sa.Column("selector", sa.Text, nullable=False),
    sa.Column("private_key", sa.Text, nullable=False),  # Fernet token of the PEM (keys.py)
    sa.Column("public_key", sa.Text, nullable=False),  # base64 DER SubjectPublicKeyInfo: the DKIM record's p=
    sa.Column("checks", JSONB),
    sa.Column("checked_at", sa.DateTime(timezone=True)),
    sa.Column("verified_at", sa.DateTime(timezone=True)),
    sa.Column("approval", sa.Text, nullable=False, server_default="pending"),
    sa.Column("approved_at", sa.DateTime(timezone=True)),
    sa.Column("approved_by", sa.Text),
    sa.Column("refusal_reason", sa.Text),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("approval IN ('pending', 'approved', 'refused')", name="sending_domains_approval"),
    sa.Index("sending_domains_org", "org_id", "domain"),
)
