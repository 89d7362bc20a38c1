"""The tables of the content area, on the schema's one ``MetaData`` (``carnet_campaigns.models``); its migration
(0004_content) writes the same shape out.

``templates``: the organization's own e-mail templates (E-2); the built-in ones live in code (``builtins.py``). The
HTML is stored sanitised (``render.sanitize``); ``source_campaign_id`` is the sent e-mail a template was made from."""
import sqlalchemy as sa

from carnet_campaigns.models import metadata

templates = sa.Table(
    "templates", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False, server_default=""),
    sa.Column("html", sa.Text, nullable=False, server_default=""),
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    sa.Column("source_campaign_id", sa.Text),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Index("templates_org", "org_id", "name"),
)
