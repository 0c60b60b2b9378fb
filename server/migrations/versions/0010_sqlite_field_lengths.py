"""SQLite's declared column lengths reach the field table too (issue 12 item 1).

0003_field_lengths widened plantel names, career, institutional e-mail and health
institution (120/160 → 200) on PostgreSQL only; an embedded SQLite server kept declaring the
old lengths, so its schema disagreed with the models and with PostgreSQL's. SQLite cannot
alter a column's type in place: each of ``campuses``, ``students`` and ``sae_records`` is
rebuilt by ``batch_alter_table`` (new table, rows copied, old one dropped, new one renamed,
indexes re-created) inside the migration's one transaction. ``print_order_items`` refers to
``students``; SQLite's own procedure for such rebuilds turns foreign-key enforcement off for
the duration and checks ``PRAGMA foreign_key_check`` before committing, which
``server/migrations/env.py`` does around every SQLite migration. None of the three tables
carries a trigger (the append-only triggers are on ``audit_events`` and ``access_log``, which
are not touched). PostgreSQL: nothing to do (0003 already altered it).

Revision ID: 0010_sqlite_field_lengths
Revises: 0009_audit_chain
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_sqlite_field_lengths"
down_revision = "0009_audit_chain"
branch_labels = None
depends_on = None

#: table → ((column, old length, new length), …): the same changes as 0003_field_lengths.
CHANGES = {
    "campuses": (("name", 120, 200),),
    "students": (("campus_name", 120, 200), ("career", 160, 200), ("institutional_email", 160, 200),
                 ("health_institution", 160, 200)),
    "sae_records": (("campus_name", 120, 200), ("career", 160, 200), ("institutional_email", 160, 200),
                    ("health_institution", 160, 200)),
}


def _alter(old_index: int, new_index: int) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, changes in CHANGES.items():
        with op.batch_alter_table(table) as batch:
            for change in changes:
                batch.alter_column(change[0], existing_type=sa.String(change[old_index]),
                                   type_=sa.String(change[new_index]), existing_nullable=False)


def upgrade() -> None:
    _alter(1, 2)


def downgrade() -> None:
    _alter(2, 1)
