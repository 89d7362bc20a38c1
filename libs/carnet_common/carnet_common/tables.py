"""Kit tables each service keeps in its own schema: outbox, inbox (handled event ids), dead letters.

``kit_tables(metadata)`` declares them on a service's ``MetaData(schema=...)`` for its models. Each service's first
Alembic migration writes the same tables out literally (a migration never imports live code, so editing the kit
cannot rewrite history); tests/contract checks that models and migrations agree.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID


def kit_tables(metadata):
    outbox = sa.Table(
        "outbox", metadata,
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("headers", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("unroutable", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Index("outbox_pending", "created_at", postgresql_where=sa.text("published_at IS NULL")),
    )
    inbox = sa.Table(
        "inbox", metadata,
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("handler", sa.Text, primary_key=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    failures = sa.Table(
        "inbox_failures", metadata,
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("handler", sa.Text, primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("parked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    return outbox, inbox, failures
