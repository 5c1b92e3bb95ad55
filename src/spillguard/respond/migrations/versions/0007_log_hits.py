"""Log imports accumulate: every request for an exposed URL that a log gave is kept once (keyed
by an HMAC of its line), so rotated logs ingested one by one add up and a re-run adds nothing;
the downloader list is recomputed from them. Downloaders carry their window (inside the exposure
window, or before / after it). A person's current mailing address from the roster (notices go
there, not to a facility they have left).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "log_hit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incident.id"), nullable=False, index=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("forwarded", sa.Text, nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("range_first", sa.BigInteger, nullable=True),
        sa.Column("range_last", sa.BigInteger, nullable=True),
        sa.Column("agent", sa.Text, nullable=False),
        sa.UniqueConstraint("incident_id", "digest", name="uq_log_hit_incident_digest"),
    )
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("window", sa.String(10), nullable=False, server_default="inside"))
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("address", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("address")
    with op.batch_alter_table("client") as batch:
        batch.drop_column("window")
    op.drop_table("log_hit")
