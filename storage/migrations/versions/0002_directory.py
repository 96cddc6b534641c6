"""directory tables (owned by the directory capability; empty until it needs schema changes)

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa
import storage.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
