"""opportunities: background jobs (N-4) and the files they produce (O-6 exports above EXPORT_SYNC_MAX_ROWS)

The tables every service with jobs has (``carnet_common.jobs.job_tables``, the shape of contacts' 0003_jobs): a
finished export is stored in PostgreSQL (``job_files``, 1 MiB chunks) so the gateway can stream it over RPC from
any pod, whichever replica ran the job; rows expire after a day.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

from carnet_common.jobs import create_job_tables

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    create_job_tables(op, SCHEMA)


def downgrade():
    op.drop_table("job_files", schema=SCHEMA)
    op.drop_table("jobs", schema=SCHEMA)
