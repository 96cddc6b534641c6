"""outbox: one table for every message the bot sends on its own; handled update ids; unreachable users

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa
import storage.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo", sa.String(length=255), nullable=True),
        sa.Column("reply_markup", sa.JSON(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("sent_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"], unique=False)
    op.create_index("ix_outbox_chat_order", "outbox", ["chat_id", "status", "id"], unique=False)
    op.create_table(
        "handled_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_handled_updates")),
    )
    op.create_index(op.f("ix_handled_updates_handled_at"), "handled_updates", ["handled_at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unreachable_since", storage.models.UTCDateTime(timezone=True), nullable=True))
    # Digests interrupted under the old in-process sender: the parts not yet sent move to the
    # outbox (a part that was in flight counted as sent, as the old code did at start-up).
    connection = op.get_bind()
    deliveries = sa.table(
        "digest_deliveries", sa.column("id"), sa.column("kind"), sa.column("target_id"), sa.column("period"),
        sa.column("status"), sa.column("parts", sa.JSON()), sa.column("parts_sent"), sa.column("in_flight"),
    )
    outbox = sa.table(
        "outbox", sa.column("chat_id"), sa.column("kind"), sa.column("method"), sa.column("text"),
        sa.column("idempotency_key"), sa.column("status"), sa.column("attempts"),
        sa.column("next_attempt_at", storage.models.UTCDateTime()), sa.column("created_at", storage.models.UTCDateTime()),
    )
    now = storage.models.utcnow()
    rows = connection.execute(sa.select(deliveries).where(deliveries.c.status == "sending")).mappings().all()
    for row in rows:
        first = (row["parts_sent"] or 0) + (1 if row["in_flight"] else 0)
        for index, part in enumerate(list(row["parts"] or [])[first:], start=first):
            connection.execute(outbox.insert().values(
                chat_id=row["target_id"], kind="digest", method="message", text=part,
                idempotency_key=f"digest:{row['kind']}:{row['target_id']}:{row['period']}:{index}",
                status="pending", attempts=0, next_attempt_at=now, created_at=now,
            ))
        connection.execute(deliveries.update().where(deliveries.c.id == row["id"]).values(status="sent", in_flight=False))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("unreachable_since")
    op.drop_index(op.f("ix_handled_updates_handled_at"), table_name="handled_updates")
    op.drop_table("handled_updates")
    op.drop_index("ix_outbox_chat_order", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
