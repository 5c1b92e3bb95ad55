"""Revocable web sessions, disabled accounts, revoked API tokens; background jobs of the web app;
the verdict of a check kept (masked) so that its page can be seen again.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sid_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "job",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("incident_id", sa.Integer, nullable=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False, index=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("check_history") as batch:
        batch.add_column(sa.Column("verdict", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("check_history") as batch:
        batch.drop_column("verdict")
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("revoked_at")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("disabled")
    op.drop_table("job")
    op.drop_table("web_session")
