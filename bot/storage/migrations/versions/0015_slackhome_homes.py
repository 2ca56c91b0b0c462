"""slack homes: who has an App Home, and a hash of the view last published to them

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import bot.storage.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_home",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("view_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("published_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team", "user", name="uq_slack_home"),
    )


def downgrade() -> None:
    op.drop_table("slack_home")
