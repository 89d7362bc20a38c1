"""opportunities: merge the opportunities and tasks branches into one head

Revision ID: 0003
Revises: 0002_opportunities, 0002_tasks
"""
revision = "0003"
down_revision = ("0002_opportunities", "0002_tasks")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
