"""What the response needs from the case-system roster: per affected person the name to address
a notice to, language, custody, facility, removal date; attorneys of record.

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
    op.create_table(
        "attorney",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incident.id"), nullable=False, index=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("email", sa.String(300), nullable=True),
        sa.Column("address", sa.Text, nullable=True),
    )
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("name", sa.String(300), nullable=True))
        batch.add_column(sa.Column("language", sa.String(20), nullable=True))
        batch.add_column(sa.Column("custody", sa.String(60), nullable=True))
        batch.add_column(sa.Column("facility", sa.String(300), nullable=True))
        batch.add_column(sa.Column("removal_date", sa.Date, nullable=True))
        batch.add_column(sa.Column("attorney_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("match", sa.String(20), nullable=True))
        batch.add_column(sa.Column("roster_key", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        for column in ("roster_key", "match", "attorney_id", "removal_date", "facility", "custody", "language", "name"):
            batch.drop_column(column)
    op.drop_table("attorney")
