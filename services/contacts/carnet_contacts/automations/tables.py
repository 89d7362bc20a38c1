"""The table of automations (AU-1), on the schema's one ``MetaData`` (``carnet_contacts.models``); migration
0013_automations writes the same shape out and says what each column holds."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_contacts.models import metadata

automations = sa.Table(
    "automations", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("source_list_id", sa.Text, sa.ForeignKey("contacts.lists.id", ondelete="CASCADE"), nullable=False),
    sa.Column("target_list_id", sa.Text, sa.ForeignKey("contacts.lists.id", ondelete="CASCADE"), nullable=False),
    sa.Column("criteria", JSONB, nullable=False),
    sa.Column("on_change", sa.Boolean, nullable=False),
    sa.Column("authority", JSONB, nullable=False),
    sa.Column("last_run", JSONB),
    sa.Column("changes_handled", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("source_list_id <> target_list_id", name="automations_two_lists"),
    sa.Index("automations_owner", "org_id", "created_by"),
    sa.Index("automations_on_change", "org_id", "source_list_id", postgresql_where=sa.text("on_change")),
)
