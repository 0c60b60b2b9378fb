"""sync: processed operations, blobs, changes-feed index

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_operations",
        sa.Column("op_id", sa.String(40), primary_key=True),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("matricula", sa.String(32), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sync_operations_station_seq", "sync_operations", ["station_id", "seq"])
    op.create_table(
        "sync_blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_students_campus_change_seq", "students", ["campus_code", "change_seq"])


def downgrade() -> None:
    op.drop_index("ix_students_campus_change_seq", table_name="students")
    op.drop_table("sync_blobs")
    op.drop_index("ix_sync_operations_station_seq", table_name="sync_operations")
    op.drop_table("sync_operations")
