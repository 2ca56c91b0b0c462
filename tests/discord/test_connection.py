"""Connecting the real discord.py client to the fake: handshake, intents, shards."""

from __future__ import annotations

from bot.adapters.discord.client import TrellisClient
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
