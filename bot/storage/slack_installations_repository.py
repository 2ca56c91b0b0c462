"""Queries of Slack OAuth installations and install states."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models.slack_installations import SlackInstallation, SlackOAuthState


def workspace_key(enterprise_id: str | None, team_id: str | None) -> str:
    return f"{enterprise_id or '-'}:{team_id or '-'}"


class SlackInstallationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, installation: SlackInstallation) -> None:
        """Store it, replacing the workspace's previous installation (a reinstall)."""
        async with self.db.session() as session:
            await session.exec(
                delete(SlackInstallation).where(
                    col(SlackInstallation.workspace) == installation.workspace
                )
            )
            session.add(installation)

    async def find(
        self, enterprise_id: str | None, team_id: str | None
    ) -> SlackInstallation | None:
        """The installation serving this workspace; an org-wide install serves all its teams."""
        async with self.db.session() as session:
            exact = select(SlackInstallation).where(
                SlackInstallation.workspace == workspace_key(enterprise_id, team_id)
            )
            found = (await session.exec(exact)).first()
            if found is not None or enterprise_id is None:
                return found
            org = select(SlackInstallation).where(
                SlackInstallation.workspace == workspace_key(enterprise_id, None),
                col(SlackInstallation.is_enterprise_install),
            )
            return (await session.exec(org)).first()

    async def update_bot_token(
        self,
        enterprise_id: str | None,
        team_id: str | None,
        token: str | None,
        refresh_token: str | None,
        expires_at: datetime | None,
    ) -> None:
        """A rotated bot token (and the refresh token that comes with it)."""
        async with self.db.session() as session:
            await session.exec(
                update(SlackInstallation)
                .where(col(SlackInstallation.workspace) == workspace_key(enterprise_id, team_id))
                .values(
                    bot_token=token,
                    bot_refresh_token=refresh_token,
                    bot_token_expires_at=expires_at,
                )
            )

    async def forget_user_token(
        self, enterprise_id: str | None, team_id: str | None, user_id: str
    ) -> None:
        """A member's own token revoked: only that goes, the bot keeps serving."""
        async with self.db.session() as session:
            await session.exec(
                update(SlackInstallation)
                .where(
                    col(SlackInstallation.workspace) == workspace_key(enterprise_id, team_id),
                    col(SlackInstallation.installer_user_id) == user_id,
                )
                .values(user_token=None)
            )

    async def delete(self, enterprise_id: str | None, team_id: str | None) -> None:
        async with self.db.session() as session:
            await session.exec(
                delete(SlackInstallation).where(
                    col(SlackInstallation.workspace) == workspace_key(enterprise_id, team_id)
                )
            )

    async def count(self) -> int:
        async with self.db.read() as session:
            return len((await session.exec(select(SlackInstallation.id))).all())

    # -- install states -----------------------------------------------------------------

    async def add_state(self, state: str, expires_at: datetime) -> None:
        async with self.db.session() as session:
            session.add(SlackOAuthState(state=state, expires_at=expires_at))

    async def consume_state(self, state: str, now: datetime) -> bool:
        """True once for a state issued and not yet expired; expired ones are swept."""
        async with self.db.session() as session:
            found = await session.get(SlackOAuthState, state)
            await session.exec(
                delete(SlackOAuthState).where(
                    (col(SlackOAuthState.state) == state) | (col(SlackOAuthState.expires_at) < now)
                )
            )
            return found is not None and found.expires_at >= now
