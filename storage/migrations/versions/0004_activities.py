"""activities tables: RSVPs, sent reminders, announcements and their target networks

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa
import storage.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('photo_file_id', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.BigInteger(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_announcements_initiative_id_initiatives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index('ix_announcements_initiative_created', ['initiative_id', 'created_at'], unique=False)

    op.create_table('activity_reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('occurrence_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_reminders_sent_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_reminders_sent')),
    sa.UniqueConstraint('activity_id', 'user_id', 'occurrence_at', name=op.f('uq_activity_reminders_sent_activity_id'))
    )
    with op.batch_alter_table('activity_reminders_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_reminders_sent_activity_id'), ['activity_id'], unique=False)

    op.create_table('activity_rsvps',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_rsvps_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'user_id', name=op.f('pk_activity_rsvps'))
    )
    with op.batch_alter_table('activity_rsvps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_rsvps_user_id'), ['user_id'], unique=False)

    op.create_table('announcement_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_targets_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_announcement_targets_network_id_networks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_targets')),
    sa.UniqueConstraint('announcement_id', 'network_id', name=op.f('uq_announcement_targets_announcement_id'))
    )
    with op.batch_alter_table('announcement_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_targets_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_targets_network_id'), ['network_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('announcement_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_targets_network_id'))
        batch_op.drop_index(batch_op.f('ix_announcement_targets_announcement_id'))

    op.drop_table('announcement_targets')
    with op.batch_alter_table('activity_rsvps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_rsvps_user_id'))

    op.drop_table('activity_rsvps')
    with op.batch_alter_table('activity_reminders_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_reminders_sent_activity_id'))

    op.drop_table('activity_reminders_sent')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index('ix_announcements_initiative_created')

    op.drop_table('announcements')
