"""trust: station planteles, one-use sign-in challenges, audit sender, blob bindings, encrypted blobs

Revision ID: 0004_trust
Revises: 0003_field_lengths
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_trust"
down_revision = "0003_field_lengths"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.add_column(sa.Column("campuses", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("sender", sa.String(80), nullable=False, server_default=""))
    op.create_table(
        "used_challenges",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_used_challenges_used_at", "used_challenges", ["used_at"])
    with op.batch_alter_table("sync_blobs") as batch:
        batch.add_column(sa.Column("key_id", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("wrapped_key", sa.LargeBinary(), nullable=True))
    op.create_table(
        "blob_bindings",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("matricula", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("uploaded_by", sa.String(80), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_blob_bindings_matricula", "blob_bindings", ["matricula"])


def downgrade() -> None:
    op.drop_index("ix_blob_bindings_matricula", table_name="blob_bindings")
    op.drop_table("blob_bindings")
    with op.batch_alter_table("sync_blobs") as batch:
        batch.drop_column("wrapped_key")
        batch.drop_column("key_id")
    op.drop_index("ix_used_challenges_used_at", table_name="used_challenges")
    op.drop_table("used_challenges")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("sender")
    with op.batch_alter_table("stations") as batch:
        batch.drop_column("campuses")
