"""groups tables (owned by the groups capability; empty until it needs schema changes)

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa
import storage.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
