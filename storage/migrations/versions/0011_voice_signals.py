"""voice: signals (/idee), supports (/stem) and their progress ("wat is ermee gedaan")

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa
import storage.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("theme", sa.String(length=30), nullable=False),
        sa.Column("buurt", sa.String(length=60), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("show_first_name", sa.Boolean(), nullable=False),
        sa.Column("author_first_name", sa.String(length=128), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.String(length=300), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["voice_signals.id"], name=op.f("fk_voice_signals_merged_into_id_voice_signals"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_signals")),
    )
    op.create_index("ix_voice_signals_created_by_created_at", "voice_signals", ["created_by", "created_at"], unique=False)
    op.create_index(op.f("ix_voice_signals_published_at"), "voice_signals", ["published_at"], unique=False)
    op.create_index("ix_voice_signals_status_buurt", "voice_signals", ["status", "buurt"], unique=False)
    op.create_index(op.f("ix_voice_signals_theme"), "voice_signals", ["theme"], unique=False)
    op.create_table(
        "voice_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("meeting_name", sa.String(length=120), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["voice_signals.id"], name=op.f("fk_voice_progress_signal_id_voice_signals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_progress")),
    )
    op.create_index(op.f("ix_voice_progress_created_at"), "voice_progress", ["created_at"], unique=False)
    op.create_index(op.f("ix_voice_progress_signal_id"), "voice_progress", ["signal_id"], unique=False)
    op.create_table(
        "voice_supports",
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["voice_signals.id"], name=op.f("fk_voice_supports_signal_id_voice_signals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("signal_id", "user_id", name=op.f("pk_voice_supports")),
    )
    op.create_index(op.f("ix_voice_supports_user_id"), "voice_supports", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_voice_supports_user_id"), table_name="voice_supports")
    op.drop_table("voice_supports")
    op.drop_index(op.f("ix_voice_progress_signal_id"), table_name="voice_progress")
    op.drop_index(op.f("ix_voice_progress_created_at"), table_name="voice_progress")
    op.drop_table("voice_progress")
    op.drop_index(op.f("ix_voice_signals_theme"), table_name="voice_signals")
    op.drop_index("ix_voice_signals_status_buurt", table_name="voice_signals")
    op.drop_index(op.f("ix_voice_signals_published_at"), table_name="voice_signals")
    op.drop_index("ix_voice_signals_created_by_created_at", table_name="voice_signals")
    op.drop_table("voice_signals")
