"""governance tables (owned by the governance capability; empty until it needs schema changes)

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import storage.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
