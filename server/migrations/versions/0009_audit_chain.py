"""Append-only, hash-chained audit and access log (issue 13 items 4, 5, 7).

- ``audit_events`` gains ``prev_hash`` / ``row_hash``; existing rows are chained in ``id`` order
  (:func:`server.db.chain.row_digest`).
- ``access_log``: reads of personal data, chained the same way.
- Triggers refuse UPDATE and DELETE on both tables (and TRUNCATE on PostgreSQL). A later
  migration that batch-alters either table on SQLite recreates it and must call
  :func:`create_triggers` again.
- ``login_failures.pending``: an attempt whose password is still being checked.

Revision ID: 0009_audit_chain
Revises: 0008_mail_templates
"""
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from server.db.chain import GENESIS, row_digest
from server.db.models import UtcDateTime

revision = "0009_audit_chain"
down_revision = "0008_mail_templates"
branch_labels = None
depends_on = None

CHAINED = ("audit_events", "access_log")
AUDIT_FIELDS = ("at", "username", "role", "station_id", "sender", "entity", "entity_id", "command",
                "from_status", "to_status", "comment", "change_seq", "details")


def create_triggers(table: str) -> None:
    """UPDATE / DELETE (and TRUNCATE on PostgreSQL) on ``table`` raise an error with a Spanish message."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION append_only_refuse()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse()")
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} BEGIN "
                   f"SELECT RAISE(ABORT, 'La tabla {table} solo admite agregar registros ({action} rechazado).'); "
                   f"END")


def drop_triggers(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def _chain_existing_audit() -> None:
    audit = sa.table("audit_events", sa.column("id", sa.BigInteger), sa.column("at", UtcDateTime()),
                     *(sa.column(n, {"details": sa.JSON, "change_seq": sa.BigInteger}.get(n, sa.String))
                       for n in AUDIT_FIELDS[1:]),
                     sa.column("prev_hash", sa.String), sa.column("row_hash", sa.String))
    bind = op.get_bind()
    prev = GENESIS
    for row in bind.execute(sa.select(audit).order_by(audit.c.id)).mappings().all():
        shaped = SimpleNamespace(CHAIN_FIELDS=AUDIT_FIELDS, **{n: row[n] for n in AUDIT_FIELDS})
        digest = row_digest(prev, shaped)
        bind.execute(audit.update().where(audit.c.id == row["id"]).values(prev_hash=prev, row_hash=digest))
        prev = digest


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(64), nullable=True))
    _chain_existing_audit()
    op.create_table(
        "access_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("station_id", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("resource", sa.String(40), nullable=False),
        sa.Column("matriculas", sa.Text(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=True),
        sa.Column("row_hash", sa.String(64), nullable=True),
    )
    op.create_index("ix_access_log_username_at", "access_log", ["username", "at"])
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
CREATE FUNCTION append_only_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'La tabla % solo admite agregar registros (% rechazado).', TG_TABLE_NAME, TG_OP;
END $$""")
    for table in CHAINED:
        create_triggers(table)


def downgrade() -> None:
    for table in CHAINED:
        drop_triggers(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS append_only_refuse()")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_column("pending")
    op.drop_index("ix_access_log_username_at", table_name="access_log")
    op.drop_table("access_log")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
