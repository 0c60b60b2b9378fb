"""Column lengths from the student field table (station.domain.fields), which the station
cache already used: plantel names 120 → 200, career 160 → 200, institutional e-mail
160 → 200, health institution 160 → 200 (students, sae_records; campuses.name).

Widening a VARCHAR is a catalogue-only change on PostgreSQL (no table rewrite, no data
check). SQLite does not enforce VARCHAR lengths and recreating ``students`` there would
fight the print-order foreign keys, so the embedded database keeps its declared types.

Revision ID: 0003_field_lengths
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_field_lengths"
down_revision = "0002"
branch_labels = None
depends_on = None

#: (table, column, old length, new length)
CHANGES = (
    ("campuses", "name", 120, 200),
    ("students", "campus_name", 120, 200),
    ("students", "career", 160, 200),
    ("students", "institutional_email", 160, 200),
    ("students", "health_institution", 160, 200),
    ("sae_records", "campus_name", 120, 200),
    ("sae_records", "career", 160, 200),
    ("sae_records", "institutional_email", 160, 200),
    ("sae_records", "health_institution", 160, 200),
)


def _alter(old_index: int, new_index: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for change in CHANGES:
        table, column = change[0], change[1]
        op.alter_column(table, column, existing_type=sa.String(change[old_index]),
                        type_=sa.String(change[new_index]))


def upgrade() -> None:
    _alter(2, 3)


def downgrade() -> None:
    _alter(3, 2)
