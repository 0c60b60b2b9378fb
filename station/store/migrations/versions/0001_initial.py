"""Initial station cache: campuses, students, encrypted blobs, audit, outbox, settings.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("campuses", sa.Column("code", sa.String(16), primary_key=True),
                    sa.Column("name", sa.String(200), nullable=False))
    op.create_table(
        "students",
        sa.Column("matricula", sa.String(16), primary_key=True),
        sa.Column("curp", sa.String(18), nullable=False),
        sa.Column("first_names", sa.String(120), nullable=False),
        sa.Column("first_surname", sa.String(120), nullable=False),
        sa.Column("second_surname", sa.String(120), nullable=False),
        sa.Column("prematricula", sa.String(16), nullable=False),
        sa.Column("folio", sa.String(32), nullable=False),
        sa.Column("campus_code", sa.String(16), nullable=False),
        sa.Column("campus_name", sa.String(200), nullable=False),
        sa.Column("group_code", sa.String(32), nullable=False),
        sa.Column("career", sa.String(200), nullable=False),
        sa.Column("semester", sa.Integer, nullable=True),
        sa.Column("institutional_email", sa.String(200), nullable=False),
        sa.Column("health_institution", sa.String(200), nullable=False),
        sa.Column("affiliation_number", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("print_order", sa.Integer, nullable=True),
        sa.Column("reprint_count", sa.Integer, nullable=False),
        sa.Column("biometrics_at", sa.String(32), nullable=True),
        sa.Column("status_updated_at", sa.String(32), nullable=True),
        sa.Column("delivered_at", sa.String(32), nullable=True),
        sa.Column("sae_updated_at", sa.String(32), nullable=True),
        sa.Column("photo_sha256", sa.String(64), nullable=True),
        sa.Column("signature_sha256", sa.String(64), nullable=True),
        sa.Column("delivery_signature_sha256", sa.String(64), nullable=True),
        sa.Column("temporary_returned", sa.Boolean, nullable=True),
    )
    op.create_index("ix_students_curp", "students", ["curp"])
    op.create_index("ix_students_campus_status", "students", ["campus_code", "status"])
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("matricula", sa.String(16), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("uploaded", sa.Boolean, nullable=False),
    )
    op.create_index("ix_blobs_matricula", "blobs", ["matricula"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(32), nullable=False, unique=True),
        sa.Column("matricula", sa.String(16), nullable=False),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=True),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_events_matricula", "audit_events", ["matricula"])
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("op_id", sa.String(32), nullable=False, unique=True),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("matricula", sa.String(16), nullable=False),
        sa.Column("expected_status", sa.String(16), nullable=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("blob_sha256s", sa.JSON, nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("server_reason", sa.Text, nullable=False),
        sa.Column("resolved_at", sa.String(32), nullable=True),
    )
    op.create_index("ix_outbox_matricula", "outbox", ["matricula"])
    op.create_index("ix_outbox_state", "outbox", ["state"])
    op.create_table("settings", sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("value", sa.JSON, nullable=True))


def downgrade() -> None:
    for table in ("settings", "outbox", "audit_events", "blobs", "students", "campuses"):
        op.drop_table(table)
