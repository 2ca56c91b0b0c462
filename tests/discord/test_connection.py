"""Connecting the real discord.py client to the fake: handshake, intents, shards."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.discord import endpoints
from bot.adapters.discord.client import TrellisClient
from bot.app import lifespan
from bot.core.ports import SimulatedClock
from tests.discord.conftest import connect, settings_for
from tests.fakes.discord_server import FakeDiscord


async def test_handshake_identifies_with_the_fewest_intents(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    assert fake.heartbeats >= 1
    assert len(fake.identifies) == 1
    intents = fake.identifies[0]["intents"]
    wanted = (1 << 0) | (1 << 1) | (1 << 9) | (1 << 10) | (1 << 12) | (1 << 15)
    assert intents == wanted
    assert [g.id for g in bot.guilds] == [910000000000000001]


async def test_without_privileged_intents_it_still_connects_and_says_what_is_missing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = await FakeDiscord(app_flags=0).start()
    try:
        settings = settings_for(tmp_path, fake)
        endpoints.configure(settings)
        async with lifespan(settings, SimulatedClock()) as trellis:
            client, task = await connect(trellis)
            await client.close()
            await task
    finally:
        await fake.stop()
    intents = fake.identifies[0]["intents"]
    assert not intents & (1 << 15) and not intents & (1 << 1)  # no content, no members
    assert "cannot read the text of channel messages" in caplog.text
    assert "does not see members join or leave" in caplog.text
