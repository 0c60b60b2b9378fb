"""mail: campaigns, recipients, suppressions, bounce reports

Revision ID: 0003_mail
Revises: 0003_accounts
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_mail'
down_revision = '0003_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_bounce_reports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('bounce_class', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('diagnostic', sa.Text(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mail_bounce_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_bounce_reports_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('mail_campaigns',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('subject_template', sa.Text(), nullable=False),
    sa.Column('text_template', sa.Text(), nullable=False),
    sa.Column('html_template', sa.Text(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('campuses', sa.JSON(), nullable=False),
    sa.Column('sender_ids', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('creator_role', sa.String(length=20), nullable=False),
    sa.Column('requester_email', sa.String(length=254), nullable=False),
    sa.Column('secret', sa.String(length=32), nullable=False),
    sa.Column('bounce_wait_s', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_send_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report_state', sa.String(length=12), nullable=False),
    sa.Column('report_message_id', sa.String(length=255), nullable=False),
    sa.Column('report_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mail_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_campaigns_status'), ['status'], unique=False)

    op.create_table('mail_column_maps',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('saved_by', sa.String(length=80), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('mail_mailbox_state',
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('last_uid', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('polled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('mail_senders',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('from_address', sa.String(length=254), nullable=False),
    sa.Column('from_name', sa.String(length=120), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.String(length=10), nullable=False),
    sa.Column('auth', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=254), nullable=False),
    sa.Column('secret_env', sa.String(length=80), nullable=False),
    sa.Column('ca_file', sa.String(length=500), nullable=False),
    sa.Column('tenant_id', sa.String(length=80), nullable=False),
    sa.Column('client_id', sa.String(length=80), nullable=False),
    sa.Column('per_minute', sa.Integer(), nullable=False),
    sa.Column('per_day', sa.Integer(), nullable=False),
    sa.Column('burst', sa.Integer(), nullable=False),
    sa.Column('imap_host', sa.String(length=255), nullable=False),
    sa.Column('imap_port', sa.Integer(), nullable=False),
    sa.Column('imap_security', sa.String(length=10), nullable=False),
    sa.Column('imap_username', sa.String(length=254), nullable=False),
    sa.Column('imap_folder', sa.String(length=120), nullable=False),
    sa.Column('imap_processed_folder', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('mail_suppressions',
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('address')
    )
    op.create_table('mail_workers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('hostname', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('mail_recipients',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('matricula', sa.String(length=16), nullable=False),
    sa.Column('campus_code', sa.String(length=16), nullable=False),
    sa.Column('row_label', sa.String(length=80), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('soft_bounces', sa.Integer(), nullable=False),
    sa.Column('possible_duplicates', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('smtp_code', sa.Integer(), nullable=True),
    sa.Column('smtp_text', sa.Text(), nullable=False),
    sa.Column('bounce_class', sa.String(length=10), nullable=False),
    sa.Column('dsn_status', sa.String(length=12), nullable=False),
    sa.Column('dsn_diagnostic', sa.Text(), nullable=False),
    sa.Column('bounce_report_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['mail_campaigns.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'address', name='uq_mail_recipient_campaign_address')
    )
    with op.batch_alter_table('mail_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_mail_recipients_campaign_state', ['campaign_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_recipients_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_mail_recipients_queue', ['state', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mail_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_recipients_queue')
        batch_op.drop_index(batch_op.f('ix_mail_recipients_message_id'))
        batch_op.drop_index('ix_mail_recipients_campaign_state')

    op.drop_table('mail_recipients')
    op.drop_table('mail_workers')
    op.drop_table('mail_suppressions')
    op.drop_table('mail_senders')
    op.drop_table('mail_mailbox_state')
    op.drop_table('mail_column_maps')
    with op.batch_alter_table('mail_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_campaigns_status'))

    op.drop_table('mail_campaigns')
    with op.batch_alter_table('mail_bounce_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_bounce_reports_recipient_id'))

    op.drop_table('mail_bounce_reports')
