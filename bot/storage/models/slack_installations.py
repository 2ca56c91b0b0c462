"""Tables of Slack OAuth: one installation per workspace (so one deployment serves many
workspaces, each with its own bot token) and the short-lived `state` of installs in flight
(in the database, so any of several processes can finish an install another one started)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime


class SlackInstallation(SQLModel, table=True):
    """The latest installation of the app in one workspace (or one Enterprise Grid org)."""

    id: int | None = Field(default=None, primary_key=True)
    # "<enterprise or ->:<team or ->": one row per workspace; a reinstall replaces it.
    workspace: str = Field(max_length=64, unique=True)
    enterprise_id: str | None = Field(default=None, max_length=32)
    team_id: str | None = Field(default=None, max_length=32, index=True)
    team_name: str | None = Field(default=None, max_length=200)
    app_id: str | None = Field(default=None, max_length=32)
    is_enterprise_install: bool = False
    bot_token: str | None = Field(default=None, sa_type=Text)
    # With token rotation on, the bot token expires and this refresh token renews it.
    bot_refresh_token: str | None = Field(default=None, sa_type=Text)
    bot_token_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    bot_id: str | None = Field(default=None, max_length=32)
    bot_user_id: str | None = Field(default=None, max_length=32)
    bot_scopes: str = Field(default="", sa_type=Text)
    # The member who installed it: a facilitator of that workspace from the start.
    installer_user_id: str = Field(max_length=32)
    user_token: str | None = Field(default=None, sa_type=Text)
    user_scopes: str = Field(default="", sa_type=Text)
    installed_at: datetime = Field(sa_type=UTCDateTime)


class SlackOAuthState(SQLModel, table=True):
    """An install started (the `state` Slack hands back); used once, then gone."""

    state: str = Field(primary_key=True, max_length=128)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
