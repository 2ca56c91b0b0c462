"""command use: the per-member command rate limit, in the database

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commanduse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commanduse", schema=None) as batch_op:
        batch_op.create_index("ix_commanduse_member_at", ["member_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("commanduse", schema=None) as batch_op:
        batch_op.drop_index("ix_commanduse_member_at")
    op.drop_table("commanduse")
