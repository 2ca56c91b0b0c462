"""Fixtures: a loopback fake Discord, a Trellis on a temp SQLite file, and the real
discord.py client connected to the fake."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.adapters.discord import endpoints
from bot.adapters.discord.client import TrellisClient
from bot.app import Trellis, lifespan
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p

OWNER = p.member(p.user(p.OWNER_ID, "olive"))
MEMBER = p.member(p.user(p.MEMBER_ID, "mo"))
OTHER = p.member(p.user(p.OTHER_ID, "sam"))
GENERAL = p.text_channel(p.CHANNEL_ID, "general")


@pytest.fixture(autouse=True)
def restore_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py keeps its endpoints as class attributes: put them back after each test."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord([p.guild(members=[OWNER, MEMBER, OTHER], channels=[GENERAL])])
    await server.start()
    yield server
    await server.stop()


def settings_for(tmp_path: Path, fake: FakeDiscord, **extra: str) -> Any:
    return load_settings(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/t.db",
            "DISCORD_TOKEN": "test",
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            **extra,
        }
    )


@pytest.fixture
async def trellis(tmp_path: Path, fake: FakeDiscord) -> AsyncIterator[Trellis]:
    settings = settings_for(tmp_path, fake)
    endpoints.configure(settings)
    async with lifespan(settings, SimulatedClock()) as app:
        yield app


async def connect(trellis: Trellis) -> tuple[TrellisClient, asyncio.Task[None]]:
    client = TrellisClient(trellis, guild_ready_timeout=0.1, identify_pause=0)
    task = asyncio.create_task(client.start("test"))
    done, _ = await asyncio.wait(
        {task, asyncio.create_task(client.wait_until_ready())},
        timeout=10,
        return_when=asyncio.FIRST_COMPLETED,
    )
    if task in done:
        task.result()
    assert client.is_ready(), "the client did not get READY from the fake"
    return client, task


@pytest.fixture
async def bot(trellis: Trellis) -> AsyncIterator[TrellisClient]:
    client, task = await connect(trellis)
    yield client
    await client.close()
    await asyncio.wait_for(task, 5)


class Harness:
    """Sends what a Discord user does through the fake and reads what Trellis answered."""

    ids = itertools.count(970000000000000001)

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def new_id(self) -> str:
        return str(next(self.ids))

    async def command(
        self,
        path: tuple[str, ...],
        options: list[dict[str, Any]] | None = None,
        *,
        invoker: Any = OWNER,
        resolved: dict[str, Any] | None = None,
        **base: Any,
    ) -> str:
        """Dispatch `/trellis <path> options…` as INTERACTION_CREATE; returns its token."""
        inner: list[dict[str, Any]] = options or []
        if len(path) == 1:
            tree = [{"type": 1, "name": path[0], "options": inner}]
        else:
            tree = [
                {
                    "type": 2,
                    "name": path[0],
                    "options": [{"type": 1, "name": "-".join(path[1:]), "options": inner}],
                }
            ]
        token = f"token-{self.new_id()}"
        payload = p.command_interaction(
            self.new_id(), token, invoker, tree, resolved=resolved, **base
        )
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return token

    async def answers(self, token: str, count: int = 1) -> list[dict[str, Any]]:
        """The first `count` messages Trellis sent for an interaction (response or follow-up)."""

        def sent() -> list[dict[str, Any]] | None:
            found = [
                c.get("data") or {}
                for c in self.fake.callbacks.get(token, [])
                if c["type"] in (4, 9)
            ]
            found += self.fake.followups.get(token, []) + self.fake.edits.get(token, [])
            return found if len(found) >= count else None

        result: list[dict[str, Any]] = await self.fake.wait_for(sent)
        return result


def text_of(answer: dict[str, Any]) -> str:
    parts = [answer.get("content") or ""]
    parts += [e.get("description") or "" for e in answer.get("embeds") or []]
    return "\n".join(parts)


def ephemeral(answer: dict[str, Any]) -> bool:
    return bool(int(answer.get("flags") or 0) & 64)


@pytest.fixture
def harness(fake: FakeDiscord) -> Harness:
    return Harness(fake)
