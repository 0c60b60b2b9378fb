"""Requests (solicitudes, issue #19): requests, their encrypted attachments and the bitácora.

Revision ID: 0007_requests
Revises: 0006_station_keys
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_requests"
down_revision = "0006_station_keys"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "service_requests",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("folio", sa.String(20), nullable=False, unique=True),
        sa.Column("type_code", sa.String(32), nullable=False, index=True),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("requester", sa.String(80), nullable=False, index=True),
        sa.Column("requester_name", sa.String(160), nullable=False, server_default=""),
        sa.Column("campus_code", sa.String(16), nullable=False, server_default="", index=True),
        sa.Column("contact_email", sa.String(254), nullable=False, server_default=""),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True, index=True),
        sa.Column("response", sa.Text(), nullable=False, server_default=""),
        sa.Column("cancel_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("handled_by", sa.String(80), nullable=False, server_default=""),
    )
    op.create_table(
        "request_attachments",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("request_id", BigId, sa.ForeignKey("service_requests.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("uploaded_by", sa.String(80), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "request_log",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("request_id", BigId, sa.ForeignKey("service_requests.id", ondelete="SET NULL"), nullable=True,
                  index=True),
        sa.Column("folio", sa.String(20), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("role", sa.String(20), nullable=False, server_default=""),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_request_log_folio_at", "request_log", ["folio", "at"])


def downgrade() -> None:
    op.drop_index("ix_request_log_folio_at", table_name="request_log")
    op.drop_table("request_log")
    op.drop_table("request_attachments")
    op.drop_table("service_requests")
