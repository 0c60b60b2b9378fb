"""Student column lengths from the field table (station.domain.fields): group_code 32 → 40,
as on the server. SQLite does not enforce VARCHAR lengths; the declared schema is brought
into agreement so the cache, the server and the field table say the same.

Revision ID: 0003_field_lengths
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_field_lengths"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("students") as batch:
        batch.alter_column("group_code", existing_type=sa.String(32), type_=sa.String(40),
                           existing_nullable=False, existing_server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("students") as batch:
        batch.alter_column("group_code", existing_type=sa.String(40), type_=sa.String(32),
                           existing_nullable=False, existing_server_default=None)
