"""contacts: background jobs (N-4) and the files they produce (C-18 exports)

A finished export is stored in PostgreSQL (``job_files``, 1 MiB chunks) so the gateway can stream it over
RPC from any pod, whichever replica of the service ran the job. Rows expire after a day (a timer deletes
them, the chunks go with their job).

Revision ID: 0003_jobs
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_jobs"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "contacts"


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
        schema=S,
    )
    op.create_index("jobs_queued", "jobs", ["created_at"], schema=S,
                    postgresql_where=sa.text("status = 'queued'"))
    op.create_index("jobs_owner", "jobs", ["org_id", "user_id"], schema=S)
    op.create_table(
        "job_files",
        sa.Column("job_id", sa.Text, sa.ForeignKey("contacts.jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        schema=S,
    )


def downgrade():
    op.drop_table("job_files", schema=S)
    op.drop_table("jobs", schema=S)
