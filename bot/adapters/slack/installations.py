"""Slack OAuth: Bolt's installation and state stores, kept in Trellis's own database.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set (HTTP mode), any workspace can install the
app from `/slack/install`; Bolt's OAuth flow stores each installation here, and every request
and every outbound call of a workspace uses that workspace's own bot token. Rows live in the
database, so several processes behind a load balancer share installs and install states."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from logging import Logger, getLogger

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.manifest import BOT_SCOPES
from bot.config import Settings
from bot.core.ports import Clock
from bot.storage.models.slack_installations import SlackInstallation
from bot.storage.slack_installations_repository import SlackInstallationRepository, workspace_key

log = getLogger(__name__)
STATE_SECONDS = 600
# Bolt's default: a token expiring within two hours is renewed before use.
RENEW_MINUTES_BEFORE = 120


def moment(epoch_seconds: int | None) -> datetime | None:
    return None if epoch_seconds is None else datetime.fromtimestamp(epoch_seconds, UTC)


def epoch(at: datetime | None) -> int | None:
    return None if at is None else int(at.timestamp())


def oauth_enabled(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


class DatabaseInstallationStore(AsyncInstallationStore):
    """Bolt's installation store over `SlackInstallationRepository` (bot tokens only)."""

    def __init__(self, repository: SlackInstallationRepository) -> None:
        self.repository = repository

    @property
    def logger(self) -> Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        installed = installation.installed_at
        await self.repository.save(
            SlackInstallation(
                workspace=workspace_key(
                    installation.enterprise_id,
                    None if installation.is_enterprise_install else installation.team_id,
                ),
                enterprise_id=installation.enterprise_id,
                team_id=installation.team_id,
                team_name=installation.team_name,
                app_id=installation.app_id,
                is_enterprise_install=bool(installation.is_enterprise_install),
                bot_token=installation.bot_token,
                bot_refresh_token=installation.bot_refresh_token,
                bot_token_expires_at=moment(installation.bot_token_expires_at),
                bot_id=installation.bot_id,
                bot_user_id=installation.bot_user_id,
                bot_scopes=",".join(installation.bot_scopes or []),
                installer_user_id=installation.user_id,
                user_token=installation.user_token,
                user_scopes=",".join(installation.user_scopes or []),
                installed_at=datetime.fromtimestamp(float(installed), UTC),
            )
        )
        log.info("Slack app installed in workspace %s", installation.team_id or "(org)")

    async def async_save_bot(self, bot: Bot) -> None:
        """Bots are saved with their installation (`async_save`); this is a rotated token."""
        await self.repository.update_bot_token(
            bot.enterprise_id,
            None if bot.is_enterprise_install else bot.team_id,
            bot.bot_token,
            bot.bot_refresh_token,
            moment(bot.bot_token_expires_at),
        )
        log.info("Slack bot token renewed for workspace %s", bot.team_id or "(org)")

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        row = await self.repository.find(enterprise_id, team_id)
        if row is None or (user_id is not None and user_id != row.installer_user_id):
            return None
        return _installation(row)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        row = await self.repository.find(enterprise_id, team_id)
        if row is None or not row.bot_token or not row.bot_id or not row.bot_user_id:
            return None
        return _installation(row).to_bot()  # slack_sdk's own copy of the bot's fields

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is not None:  # one member's token revoked: the bot's installation stays
            await self.repository.forget_user_token(enterprise_id, team_id, user_id)
            return
        await self.repository.delete(enterprise_id, team_id)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.repository.delete(enterprise_id, team_id)


class DatabaseStateStore(AsyncOAuthStateStore):
    """Install states in the database: issued by one process, consumable by any, once."""

    def __init__(self, repository: SlackInstallationRepository, clock: Clock) -> None:
        self.repository = repository
        self.clock = clock

    @property
    def logger(self) -> Logger:
        return log

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(32)
        expires = self.clock.now() + timedelta(seconds=STATE_SECONDS)
        await self.repository.add_state(state, expires)
        return state

    async def async_consume(self, state: str) -> bool:
        return await self.repository.consume_state(state, self.clock.now())


def oauth_flow(
    settings: Settings, repository: SlackInstallationRepository, clock: Clock
) -> AsyncOAuthFlow:
    """Bolt's OAuth flow with our stores; `/slack/install` and `/slack/oauth_redirect`.

    Token rotation (an app with it turned on hands out expiring tokens and refresh tokens)
    is Bolt's: its authorize renews a token about to expire and saves it through our store.
    Its rotator is given our Web API client, so SLACK_API_URL holds for renewals too."""
    client = AsyncWebClient(base_url=settings.slack_api_url, retry_handlers=[])
    flow = AsyncOAuthFlow(
        client=client,
        settings=AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=sorted(BOT_SCOPES),
            authorization_url=settings.slack_oauth_url,
            installation_store=DatabaseInstallationStore(repository),
            installation_store_bot_only=True,
            state_store=DatabaseStateStore(repository, clock),
            state_expiration_seconds=STATE_SECONDS,
        ),
    )
    authorize = flow.settings.authorize
    if isinstance(authorize, AsyncInstallationStoreAuthorize):
        authorize.token_rotator = rotator(settings, client)
    return flow


def rotator(settings: Settings, client: AsyncWebClient) -> AsyncTokenRotator:
    return AsyncTokenRotator(
        client_id=settings.slack_client_id or "",
        client_secret=settings.slack_client_secret or "",
        client=client,
    )


async def current_bot_token(
    store: DatabaseInstallationStore, renew: AsyncTokenRotator, team: str
) -> str | None:
    """A workspace's bot token for sending, renewed first when it is about to expire (sends
    happen outside Slack's requests, so Bolt's authorize is not there to renew it)."""
    bot = await store.async_find_bot(enterprise_id=None, team_id=team)
    if bot is None:
        return None
    if bot.bot_refresh_token:
        try:
            renewed = await renew.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=RENEW_MINUTES_BEFORE
            )
        except SlackTokenRotationError as problem:
            # Often another renewal (a request, another process) used the refresh token
            # first and stored its result: use that; else the old token while it lasts.
            again = await store.async_find_bot(enterprise_id=None, team_id=team)
            if again is not None and again.bot_token != bot.bot_token:
                return again.bot_token
            log.error("could not renew the bot token of workspace %s: %s", team[:20], problem)
            return bot.bot_token
        if renewed is not None:
            await store.async_save_bot(renewed)
            return renewed.bot_token
    return bot.bot_token


def _installation(row: SlackInstallation) -> Installation:
    return Installation(
        app_id=row.app_id,
        enterprise_id=row.enterprise_id,
        team_id=row.team_id,
        team_name=row.team_name,
        bot_token=row.bot_token,
        bot_refresh_token=row.bot_refresh_token,
        bot_token_expires_at=epoch(row.bot_token_expires_at),
        bot_id=row.bot_id,
        bot_user_id=row.bot_user_id,
        bot_scopes=row.bot_scopes,
        user_id=row.installer_user_id,
        user_token=row.user_token,
        user_scopes=row.user_scopes,
        is_enterprise_install=row.is_enterprise_install,
        installed_at=row.installed_at.timestamp(),
    )
