"""`trellis discord sync` and `invite` against the fake; start-up backoff; pacing."""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import discord
import pytest

from bot.adapters.discord import cli as discord_cli
from bot.adapters.discord.client import shard_ids
from bot.adapters.discord.startup import Backoff, run_client
from bot.config import ConfigError
from tests.discord.conftest import settings_for
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p


async def test_sync_registers_typed_commands_for_one_guild(
    tmp_path: Path, fake: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path, fake)
    args = argparse.Namespace(discord_command="sync", guild=int(p.GUILD_ID))
    assert await discord_cli.main(settings, args) == 0
    (command,) = fake.commands[p.GUILD_ID]
    assert command["name"] == "trellis"
    groups = {o["name"]: o for o in command["options"]}
    assert groups["help"]["type"] == 1
    create = next(o for o in groups["container"]["options"] if o["name"] == "create")
    assert [(o["name"], o["type"], o["required"]) for o in create["options"]] == [
        ("name", 3, True),
        ("purpose", 3, True),
    ]
    member = groups["facilitator"]["options"][0]["options"][0]
    assert member["type"] == 6 and member["description"]
    assert "registered /trellis" in capsys.readouterr().out


async def test_invite_asks_discord_for_the_application_id(
    tmp_path: Path, fake: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path, fake)
    assert await discord_cli.invite(settings) == 0
    url = urlparse(capsys.readouterr().out.strip())
    query = parse_qs(url.query)
    assert url.netloc == "discord.com" and url.path == "/oauth2/authorize"
    assert query["client_id"] == [p.APPLICATION_ID]
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted.send_messages and granted.create_private_threads and granted.embed_links
    assert not granted.administrator and not granted.manage_guild and not granted.mention_everyone


async def test_invite_uses_the_configured_application_id(
    tmp_path: Path, fake: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path, fake, DISCORD_APPLICATION_ID="123456789012345678")
    assert await discord_cli.invite(settings) == 0
    assert "client_id=123456789012345678" in capsys.readouterr().out
    assert not fake.requests


def test_shard_settings_are_checked(tmp_path: Path) -> None:
    assert shard_ids("0, 2") == [0, 2] and shard_ids(None) is None
    with pytest.raises(ValueError, match="DISCORD_SHARD_IDS"):
        shard_ids("zero")
    fake = FakeDiscord()
    fake.port = 1
    settings = settings_for(tmp_path, fake, DISCORD_SHARD_IDS="3")
    with pytest.raises(ConfigError, match="DISCORD_SHARD_COUNT"):
        discord_cli.make_client(None, settings)  # type: ignore[arg-type]


async def test_failed_starts_back_off_exponentially() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    class Unreachable:
        """A client whose login fails as if Discord were down."""

        async def __aenter__(self) -> Unreachable:
            return self

        async def __aexit__(self, *exc: object) -> None:
            return None

        async def login(self, token: str) -> None:
            raise OSError("connection refused")

    code = await run_client(Unreachable, "t", sleep=sleep, attempts=5)  # type: ignore[arg-type]
    assert code == 1
    assert slept == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert Backoff(most=600).next_delay() == 1.0


async def test_a_bad_token_stops_without_retrying() -> None:
    class Refused:
        async def __aenter__(self) -> Refused:
            return self

        async def __aexit__(self, *exc: object) -> None:
            return None

        async def login(self, token: str) -> None:
            raise discord.LoginFailure("Improper token has been passed.")

    async def never(seconds: float) -> None:
        raise AssertionError("must not sleep")

    assert await run_client(Refused, "t", sleep=never) == 2  # type: ignore[arg-type]


async def test_serve_connects_with_the_configured_endpoints(
    tmp_path: Path, fake: FakeDiscord
) -> None:
    import asyncio
    import contextlib

    from bot.app import lifespan
    from bot.core.ports import SimulatedClock

    settings = settings_for(tmp_path, fake)
    async with lifespan(settings, SimulatedClock()) as trellis:
        task = asyncio.create_task(discord_cli.serve(trellis, settings))
        await fake.wait_for(lambda: fake.ready_sockets)
        assert any(r.path == "/gateway/bot" for r in fake.requests)  # budget checked
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
