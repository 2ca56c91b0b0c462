"""Settings: the only reader of the environment (and of `.env`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Platform = Literal["console", "slack", "discord"]


class ConfigError(Exception):
    """A setting is invalid; the message is one line naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = Field(
        default="sqlite+aiosqlite:///./trellis.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///FILE or postgresql+asyncpg://…",
    )
    trellis_timezone: str = Field(default="UTC", description="IANA zone, e.g. Europe/Lisbon")
    trellis_locale: str = Field(default="en", description="locale of prompts and messages")
    trellis_log_level: str | None = Field(
        default=None, description="DEBUG, INFO, WARNING…; default WARNING on the console, else INFO"
    )
    trellis_outcome_emoji: str = Field(
        default="white_check_mark:worked,construction:partly,x:didnt",
        description="reaction emoji that tag a member's own message as worked/partly/didnt",
    )
    trellis_log_format: Literal["text", "json"] = Field(
        default="text", description="text, or json: one JSON object per line (log collectors)"
    )
    trellis_health_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="serve GET /healthz and /readyz on this port when no Slack HTTP server "
        "does (trellis work, Discord only)",
    )
    slack_client_id: str | None = Field(
        default=None, description="OAuth: with SLACK_CLIENT_SECRET, install into many workspaces"
    )
    slack_client_secret: str | None = None
    slack_oauth_url: str = Field(
        default="https://slack.com/oauth/v2/authorize",
        description="where the install page sends a workspace admin (tests point it elsewhere)",
    )
    trellis_min_aggregate: int = Field(
        default=5, ge=3, description="fewest answers before an aggregate is shown (>= 3)"
    )
    trellis_command_rate: int = Field(
        default=20, ge=0, description="most commands one member may run per minute (0: no limit)"
    )
    trellis_retention_days: int = Field(
        default=365, ge=1, description="raw answers older than this many days are removed"
    )
    trellis_console_start: datetime | None = Field(
        default=None,
        description="console only: start its simulated clock here (ISO 8601; UTC if no zone), "
        "so a scripted run reads the same every time",
    )
    trellis_tick_seconds: float = Field(
        default=15, gt=0, description="how often a serving process runs due work and the outbox"
    )
    trellis_outbox_give_up_hours: float = Field(
        default=24, gt=0, description="a message not delivered after this long is given up"
    )
    # Test-only wiring (reliability suite): the real live loop, moved by a test.
    trellis_clock_file: str | None = Field(
        default=None,
        description="TEST ONLY: read the current time (ISO 8601) from this file on every tick",
    )
    trellis_loopback_url: str | None = Field(
        default=None,
        description="TEST ONLY: deliver outbox messages by HTTP POST to this URL (a test sink)",
    )
    trellis_loopback_platform: str = Field(
        default="memory", description="TEST ONLY: the platform whose messages go to the loopback"
    )

    # Slack (issue 3 fills these in).
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_http_port: int = Field(default=3000, ge=0, le=65535)
    slack_api_url: str = "https://slack.com/api/"
    # The user who installed the app: a facilitator from the start (a single-token app
    # cannot ask Slack who installed it).
    slack_installer_user_id: str | None = None

    # Discord (issue 4 fills these in).
    discord_token: str | None = None
    discord_application_id: int | None = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    discord_shard_count: int | None = Field(default=None, ge=1)
    discord_shard_ids: str | None = None

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "expected sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST/DB"
            )
        return value

    @field_validator("trellis_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
            raise ValueError("expected an IANA time zone such as UTC or Europe/Lisbon") from None
        return value

    @field_validator("trellis_console_start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value

    def platforms(self) -> list[Platform]:
        """The platforms whose credentials are configured; the console when none are."""
        chosen: list[Platform] = []
        if self.slack_bot_token or self.slack_client_id:
            chosen.append("slack")
        if self.discord_token:
            chosen.append("discord")
        return chosen or ["console"]


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | None = ".env"
) -> Settings:
    """Build settings from `environ` (tests inject one) or the process environment."""
    try:
        if environ is None:
            return Settings(_env_file=env_file)
        values = {k.lower(): v for k, v in environ.items() if k.lower() in Settings.model_fields}
        # Validate only what was injected: no process environment, no .env file.
        return Settings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message} (got {first.get('input')!r})") from None
