"""reliability: reminder deliveries get a status, so a failed send is tried again

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa
import storage.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows written before this revision were recorded before sending: count them as sent.
    with op.batch_alter_table("activity_reminders_sent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=8), server_default="sent", nullable=False))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_try_at", storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("error", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activity_reminders_sent", schema=None) as batch_op:
        batch_op.drop_column("error")
        batch_op.drop_column("next_try_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("status")
