"""together: vraag & aanbod between initiatives (items, their networks, their group messages, responses) and co-organisers of activities

Revision ID: 0013
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa
import storage.models

revision = "0013"
down_revision = "0011"  # the lead re-chains this after the migrations merged before it (0011: voice signals)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "together_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("expires_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], name=op.f("fk_together_items_initiative_id_initiatives"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_together_items")),
    )
    op.create_index(op.f("ix_together_items_initiative_id"), "together_items", ["initiative_id"], unique=False)
    op.create_index("ix_together_items_status_expires_at", "together_items", ["status", "expires_at"], unique=False)
    op.create_table(
        "together_item_networks",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["together_items.id"], name=op.f("fk_together_item_networks_item_id_together_items"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["network_id"], ["networks.id"], name=op.f("fk_together_item_networks_network_id_networks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "network_id", name=op.f("pk_together_item_networks")),
    )
    op.create_index(op.f("ix_together_item_networks_network_id"), "together_item_networks", ["network_id"], unique=False)
    op.create_table(
        "together_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["together_items.id"], name=op.f("fk_together_responses_item_id_together_items"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], name=op.f("fk_together_responses_initiative_id_initiatives"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_together_responses")),
        sa.UniqueConstraint("item_id", "user_id", name="uq_together_responses_item_user"),
    )
    op.create_index(op.f("ix_together_responses_item_id"), "together_responses", ["item_id"], unique=False)
    op.create_index(op.f("ix_together_responses_initiative_id"), "together_responses", ["initiative_id"], unique=False)
    op.create_index(op.f("ix_together_responses_user_id"), "together_responses", ["user_id"], unique=False)
    op.create_table(
        "together_group_messages",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["together_items.id"], name=op.f("fk_together_group_messages_item_id_together_items"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "chat_id", name=op.f("pk_together_group_messages")),
    )
    op.create_table(
        "activity_coorganisers",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], name=op.f("fk_activity_coorganisers_activity_id_activities"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], name=op.f("fk_activity_coorganisers_initiative_id_initiatives"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("activity_id", "initiative_id", name=op.f("pk_activity_coorganisers")),
    )
    op.create_index(op.f("ix_activity_coorganisers_initiative_id"), "activity_coorganisers", ["initiative_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_activity_coorganisers_initiative_id"), table_name="activity_coorganisers")
    op.drop_table("activity_coorganisers")
    op.drop_table("together_group_messages")
    op.drop_index(op.f("ix_together_responses_user_id"), table_name="together_responses")
    op.drop_index(op.f("ix_together_responses_initiative_id"), table_name="together_responses")
    op.drop_index(op.f("ix_together_responses_item_id"), table_name="together_responses")
    op.drop_table("together_responses")
    op.drop_index(op.f("ix_together_item_networks_network_id"), table_name="together_item_networks")
    op.drop_table("together_item_networks")
    op.drop_index("ix_together_items_status_expires_at", table_name="together_items")
    op.drop_index(op.f("ix_together_items_initiative_id"), table_name="together_items")
    op.drop_table("together_items")
