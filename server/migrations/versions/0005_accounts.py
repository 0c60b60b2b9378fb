"""accounts: naming rules, proposal batches, proposals, tenant directory

Revision ID: 0003_accounts
Revises: 0004_trust
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_accounts"
down_revision = "0004_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_rules",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("campus_code", sa.String(16), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("template", sa.String(200), nullable=False),
        sa.Column("org_unit", sa.String(200), nullable=False),
        sa.Column("sign_in_url", sa.String(200), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "campus_code", name="uq_account_rules_kind_campus"),
    )
    op.create_table(
        "account_batches",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("campus_code", sa.String(16), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("request_ref", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_account_batches_campus_code", "account_batches", ["campus_code"])
    op.create_table(
        "account_proposals",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("account_batches.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("campus_code", sa.String(16), nullable=False),
        sa.Column("given_names", sa.String(120), nullable=False),
        sa.Column("first_surname", sa.String(120), nullable=False),
        sa.Column("second_surname", sa.String(120), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("address", sa.String(254), nullable=False, unique=True),
        sa.Column("base", sa.String(64), nullable=False),
        sa.Column("collided", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("password_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(80), nullable=False),
        sa.Column("slip_printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slip_printed_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("kind", "person_key", name="uq_account_proposals_person"),
    )
    op.create_index("ix_account_proposals_batch_id", "account_proposals", ["batch_id"])
    op.create_index("ix_account_proposals_campus_code", "account_proposals", ["campus_code"])
    op.create_index("ix_account_proposals_status", "account_proposals", ["status"])
    op.create_table(
        "directory_addresses",
        sa.Column("address", sa.String(254), primary_key=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("directory_addresses")
    op.drop_index("ix_account_proposals_status", "account_proposals")
    op.drop_index("ix_account_proposals_campus_code", "account_proposals")
    op.drop_index("ix_account_proposals_batch_id", "account_proposals")
    op.drop_table("account_proposals")
    op.drop_index("ix_account_batches_campus_code", "account_batches")
    op.drop_table("account_batches")
    op.drop_table("account_rules")
