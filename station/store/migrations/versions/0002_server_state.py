"""Keep the last pulled server version of each student (replay of pending
commands on top of it, DESIGN.md §4) and index groups for Validar datos alumno.

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
    with op.batch_alter_table("students") as batch:
        batch.add_column(sa.Column("server_state", sa.JSON, nullable=True))
    op.create_index("ix_students_campus_group_status", "students", ["campus_code", "group_code", "status"])


def downgrade() -> None:
    op.drop_index("ix_students_campus_group_status", table_name="students")
    with op.batch_alter_table("students") as batch:
        batch.drop_column("server_state")
