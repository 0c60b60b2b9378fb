"""mail: saved notice templates per plantel scope («Avisos por correo», issue #18)

Revision ID: 0008_mail_templates
Revises: 0007_requests
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_mail_templates"
down_revision = "0007_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_templates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "name", name="uq_mail_templates_scope_name"),
    )


def downgrade() -> None:
    op.drop_table("mail_templates")
