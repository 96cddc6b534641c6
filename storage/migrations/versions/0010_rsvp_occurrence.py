"""activity_rsvps.occurrence_at: an RSVP belongs to one date of an activity (one of a weekly series)

Existing rows get the activity's first start: for a one-off that is its date; for a series it is
the first date, which has passed, so the old series-wide answer is no longer counted for new
dates (retention removes it). The primary key becomes (activity_id, user_id, occurrence_at).

Revision ID: 0010
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa

import storage.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity_rsvps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurrence_at", storage.models.UTCDateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE activity_rsvps SET occurrence_at = "
        "(SELECT activities.starts_at FROM activities WHERE activities.id = activity_rsvps.activity_id)"
    )
    with op.batch_alter_table("activity_rsvps", schema=None) as batch_op:
        batch_op.alter_column("occurrence_at", existing_type=storage.models.UTCDateTime(timezone=True), nullable=False)
        batch_op.drop_constraint("pk_activity_rsvps", type_="primary")
        batch_op.create_primary_key("pk_activity_rsvps", ["activity_id", "user_id", "occurrence_at"])


def downgrade() -> None:
    with op.batch_alter_table("activity_rsvps", schema=None) as batch_op:
        batch_op.drop_constraint("pk_activity_rsvps", type_="primary")
    op.execute(
        "DELETE FROM activity_rsvps WHERE EXISTS (SELECT 1 FROM activity_rsvps later WHERE later.activity_id = "
        "activity_rsvps.activity_id AND later.user_id = activity_rsvps.user_id AND later.occurrence_at > activity_rsvps.occurrence_at)"
    )
    with op.batch_alter_table("activity_rsvps", schema=None) as batch_op:
        batch_op.drop_column("occurrence_at")
        batch_op.create_primary_key("pk_activity_rsvps", ["activity_id", "user_id"])
