"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 09:15:29.145463
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('station_id', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('command', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)

    op.create_table('campuses',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('counters',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('login_failures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_address_at', ['address', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
        batch_op.create_index('ix_login_failures_username_at', ['username', 'at'], unique=False)

    op.create_table('print_orders',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('campuses', sa.JSON(), nullable=False),
    sa.Column('student_count', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('number')
    )
    op.create_table('sae_records',
    sa.Column('matricula', sa.String(length=16), nullable=False),
    sa.Column('curp', sa.String(length=18), nullable=False),
    sa.Column('folio', sa.String(length=32), nullable=False),
    sa.Column('prematricula', sa.String(length=16), nullable=False),
    sa.Column('first_names', sa.String(length=120), nullable=False),
    sa.Column('first_surname', sa.String(length=120), nullable=False),
    sa.Column('second_surname', sa.String(length=120), nullable=False),
    sa.Column('campus_code', sa.String(length=16), nullable=False),
    sa.Column('campus_name', sa.String(length=120), nullable=False),
    sa.Column('group_code', sa.String(length=40), nullable=False),
    sa.Column('career', sa.String(length=160), nullable=False),
    sa.Column('institutional_email', sa.String(length=160), nullable=False),
    sa.Column('health_institution', sa.String(length=160), nullable=False),
    sa.Column('affiliation_number', sa.String(length=32), nullable=False),
    sa.Column('enrolled', sa.Boolean(), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('matricula')
    )
    op.create_table('stations',
    sa.Column('station_id', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('registered_by', sa.String(length=80), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('station_id')
    )
    op.create_table('students',
    sa.Column('matricula', sa.String(length=16), nullable=False),
    sa.Column('curp', sa.String(length=18), nullable=False),
    sa.Column('first_names', sa.String(length=120), nullable=False),
    sa.Column('first_surname', sa.String(length=120), nullable=False),
    sa.Column('second_surname', sa.String(length=120), nullable=False),
    sa.Column('prematricula', sa.String(length=16), nullable=False),
    sa.Column('folio', sa.String(length=32), nullable=False),
    sa.Column('campus_code', sa.String(length=16), nullable=False),
    sa.Column('campus_name', sa.String(length=120), nullable=False),
    sa.Column('group_code', sa.String(length=40), nullable=False),
    sa.Column('career', sa.String(length=160), nullable=False),
    sa.Column('semester', sa.Integer(), nullable=True),
    sa.Column('institutional_email', sa.String(length=160), nullable=False),
    sa.Column('health_institution', sa.String(length=160), nullable=False),
    sa.Column('affiliation_number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('print_order', sa.Integer(), nullable=True),
    sa.Column('reprint_count', sa.Integer(), nullable=False),
    sa.Column('biometrics_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sae_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('photo_sha256', sa.String(length=64), nullable=True),
    sa.Column('signature_sha256', sa.String(length=64), nullable=True),
    sa.Column('delivery_signature_sha256', sa.String(length=64), nullable=True),
    sa.Column('temporary_returned', sa.Boolean(), nullable=True),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('matricula')
    )
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_students_campus_code'), ['campus_code'], unique=False)
        batch_op.create_index('ix_students_campus_group', ['campus_code', 'group_code'], unique=False)
        batch_op.create_index('ix_students_campus_status', ['campus_code', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_change_seq'), ['change_seq'], unique=True)
        batch_op.create_index(batch_op.f('ix_students_curp'), ['curp'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_print_order'), ['print_order'], unique=False)
        batch_op.create_index(batch_op.f('ix_students_status'), ['status'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=160), nullable=False),
    sa.Column('campuses', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('print_order_items',
    sa.Column('order_number', sa.Integer(), nullable=False),
    sa.Column('matricula', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['matricula'], ['students.matricula'], ),
    sa.ForeignKeyConstraint(['order_number'], ['print_orders.number'], ),
    sa.PrimaryKeyConstraint('order_number', 'matricula')
    )
    with op.batch_alter_table('print_order_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_order_items_matricula'), ['matricula'], unique=False)

    op.create_table('tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tokens_user_id'), ['user_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tokens_user_id'))

    op.drop_table('tokens')
    with op.batch_alter_table('print_order_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_print_order_items_matricula'))

    op.drop_table('print_order_items')
    op.drop_table('users')
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_students_status'))
        batch_op.drop_index(batch_op.f('ix_students_print_order'))
        batch_op.drop_index(batch_op.f('ix_students_curp'))
        batch_op.drop_index(batch_op.f('ix_students_change_seq'))
        batch_op.drop_index('ix_students_campus_status')
        batch_op.drop_index('ix_students_campus_group')
        batch_op.drop_index(batch_op.f('ix_students_campus_code'))

    op.drop_table('students')
    op.drop_table('stations')
    op.drop_table('sae_records')
    op.drop_table('print_orders')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_username_at')
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))
        batch_op.drop_index('ix_login_failures_address_at')

    op.drop_table('login_failures')
    op.drop_table('counters')
    op.drop_table('campuses')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index('ix_audit_entity')

    op.drop_table('audit_events')
    
