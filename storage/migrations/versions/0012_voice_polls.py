"""voice: polls (one native poll per group, totals per group), their answers, and meetings

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('buurt', sa.String(length=60), nullable=False),
    sa.Column('starts_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('called_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_buurt'), ['buurt'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_starts_at'), ['starts_at'], unique=False)

    op.create_table('polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('multiple', sa.Boolean(), nullable=False),
    sa.Column('closes_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polls'))
    )
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_polls_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_polls_status'), ['status'], unique=False)

    op.create_table('poll_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=True),
    sa.Column('group_title', sa.String(length=255), nullable=True),
    sa.Column('telegram_poll_id', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('option_counts', sa.JSON(), nullable=False),
    sa.Column('voters', sa.Integer(), nullable=False),
    sa.Column('sent_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('stopped_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_poll_messages_network_id_networks'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_messages_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_messages')),
    sa.UniqueConstraint('poll_id', 'chat_id', name='uq_poll_messages_poll_chat'),
    sa.UniqueConstraint('telegram_poll_id', name=op.f('uq_poll_messages_telegram_poll_id'))
    )
    with op.batch_alter_table('poll_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_messages_poll_id'), ['poll_id'], unique=False)

    op.create_table('poll_options',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('text', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_options_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'position', name=op.f('pk_poll_options'))
    )
    op.create_table('poll_answers',
    sa.Column('poll_message_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('answered_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['poll_message_id'], ['poll_messages.id'], name=op.f('fk_poll_answers_poll_message_id_poll_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_message_id', 'user_id', name=op.f('pk_poll_answers'))
    )


def downgrade() -> None:
    op.drop_table('poll_answers')
    op.drop_table('poll_options')
    with op.batch_alter_table('poll_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_messages_poll_id'))

    op.drop_table('poll_messages')
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_polls_status'))
        batch_op.drop_index(batch_op.f('ix_polls_closes_at'))

    op.drop_table('polls')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_meetings_buurt'))

    op.drop_table('meetings')
