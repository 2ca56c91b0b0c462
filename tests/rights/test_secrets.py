"""Credentials never appear in logs, and Slack over HTTP never runs without a real secret."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.memory import MemoryCommunity
from bot.adapters.slack.app import SlackAdapter
from bot.adapters.slack.run import SlackSetupError, check_settings
from bot.app import lifespan
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import fake, serve

__all__ = ["fake"]

BOT_TOKEN = "xoxb-SECRETBOTTOKEN-4242"
SIGNING = "SECRETSIGNING0123456789abcdef"
DISCORD = "SECRETDISCORD.TOKEN.4242zz"
SECRETS = (BOT_TOKEN, SIGNING, DISCORD)


def leaked(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = []
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        found += [s for s in SECRETS if s in text]
    return found


async def test_slack_paths_never_log_tokens(
    tmp_path: Path, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with serve(
        tmp_path,
        fake,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING,
        DISCORD_TOKEN=DISCORD,
    ) as slack:
        slack.secret = SIGNING
        await slack.command("help")
        await slack.command("container create Maths")
        await slack.command("no such command at all")
        slack.secret = "wrong"
        await slack.command("help")
        # A log line that carries a secret by accident is still redacted.
        logging.getLogger("bot.test").debug("token is %s and %s", BOT_TOKEN, DISCORD)
        try:
            raise RuntimeError(f"failed with {SIGNING}")
        except RuntimeError:
            logging.getLogger("bot.test").exception("boom")
    assert any("Authorization" in r.getMessage() for r in caplog.records), "nothing logged?"
    assert leaked(caplog) == []
    assert any("[redacted]" in r.getMessage() for r in caplog.records)


async def test_memory_paths_never_log_tokens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = load_settings(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/t.db",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING,
            "DISCORD_TOKEN": DISCORD,
        }
    )
    async with lifespan(settings, SimulatedClock(datetime(2026, 3, 2, tzinfo=UTC))) as app:
        community = MemoryCommunity(app)
        await community.command("container create Maths", by="ana", admin=True)
        await community.command(f"share {BOT_TOKEN}", by="ana")
    assert leaked(caplog) == []


@pytest.mark.parametrize("secret", ["", " ", "\t\n"])
def test_http_mode_refuses_blank_signing_secret(secret: str, tmp_path: Path) -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": secret})
    with pytest.raises(SlackSetupError, match="SLACK_SIGNING_SECRET"):
        check_settings(settings)


@pytest.mark.parametrize("secret", ["", "  "])
async def test_adapter_will_not_serve_http_with_blank_secret(secret: str, tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/t.db",
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": secret,
        }
    )
    async with lifespan(settings, SimulatedClock(datetime(2026, 3, 2, tzinfo=UTC))) as app:
        # The SDK's verifier refuses a blank secret, so the adapter cannot even be built.
        with pytest.raises(ValueError, match="signing_secret"):
            SlackAdapter(app, settings).web_app()
