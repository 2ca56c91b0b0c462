"""slack token rotation: a bot's refresh token and when its token expires

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("slackinstallation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bot_refresh_token", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "bot_token_expires_at",
                bot.storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("slackinstallation", schema=None) as batch_op:
        batch_op.drop_column("bot_token_expires_at")
        batch_op.drop_column("bot_refresh_token")
