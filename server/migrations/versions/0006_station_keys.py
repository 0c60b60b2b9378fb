"""Station key history (issue 14 §5): every key a station has had, with its validity window,
so re-keying a station keeps the credentials it printed verifiable. Existing stations' keys
are copied in, valid from their registration.

Revision ID: 0006_station_keys
Revises: 0003_mail
"""
import hashlib
import base64

import sqlalchemy as sa
from alembic import op

revision = "0006_station_keys"
down_revision = "0003_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "station_keys",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("station_id", sa.String(64), nullable=False, index=True),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT station_id, public_key, registered_at, revoked_at FROM stations")).all()
    for station_id, public_key, registered_at, revoked_at in rows:
        try:
            raw = base64.b64decode(public_key, validate=True)
        except ValueError:
            continue
        op.bulk_insert(table, [{"key_id": hashlib.sha256(raw).hexdigest()[:16], "station_id": station_id,
                                "public_key": public_key, "valid_from": registered_at, "valid_until": revoked_at,
                                "revoked_at": None}])


def downgrade() -> None:
    op.drop_table("station_keys")
