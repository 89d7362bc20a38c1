"""opportunities: background jobs (N-4) and the files they produce (O-6 exports above EXPORT_SYNC_MAX_ROWS)

The tables every service with jobs has (the shape of ``carnet_common.jobs.job_tables`` and contacts' 0003_jobs,
written out): a finished export is stored in PostgreSQL (``job_files``, 1 MiB chunks) so the gateway can stream it
over RPC from any pod, whichever replica ran the job; rows expire after a day.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("result_name", sa.Text),
        sa.Column("result_size", sa.BigInteger),
        sa.Column("result_chunks", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="jobs_status"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="jobs_progress"),
        schema=SCHEMA,
    )
    op.create_index("jobs_queued", "jobs", ["created_at"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'queued'"))
    op.create_index("jobs_owner", "jobs", ["org_id", "user_id"], schema=SCHEMA)
    op.create_table(
        "job_files",
        sa.Column("job_id", sa.Text, sa.ForeignKey("opportunities.jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        schema=SCHEMA,
    )


def downgrade():
    op.drop_table("job_files", schema=SCHEMA)
    op.drop_table("jobs", schema=SCHEMA)
