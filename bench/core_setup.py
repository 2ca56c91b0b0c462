"""A Trellis on a fresh SQLite file with one container and its members, for the core
benchmarks (commands, ingestion, outbox). Every event goes through `Trellis.handle`: the
router, the handlers, the database, exactly as an adapter would send it."""

from __future__ import annotations

import statistics
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from bot.app import Trellis, lifespan
from bot.config import load_settings
from bot.core.events import Actor, CommandInvoked, MessagePosted
from bot.core.ports import SimulatedClock
from bot.core.refs import ChannelRef, CommunityRef, MemberRef

COMMUNITY = CommunityRef("bench", "net")
CHANNEL = ChannelRef("bench", "maths", "maths")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def actor(n: int) -> Actor:
    return Actor(MemberRef("bench", f"m{n}"), f"Member {n}", platform_admin=n == 0)


def command(n: int, text: str) -> CommandInvoked:
    return CommandInvoked(community=COMMUNITY, actor=actor(n), channel=CHANNEL, text=text)


def message(n: int, seq: int, members: int) -> MessagePosted:
    return MessagePosted(
        community=COMMUNITY,
        actor=actor(n),
        channel=CHANNEL,
        text=f"We tried something new with year {seq % 9 + 1}",
        message_id=f"msg{seq}",
        event_id=f"ev{seq}",
        reply_to=MemberRef("bench", f"m{(n + 1 + seq) % members}"),
    )


@asynccontextmanager
async def network(folder: str, members: int) -> AsyncIterator[Trellis]:
    async with network_at(f"sqlite+aiosqlite:///{folder}/bench.db", members) as trellis:
        yield trellis


@asynccontextmanager
async def network_at(url: str, members: int) -> AsyncIterator[Trellis]:
    settings = load_settings({"DATABASE_URL": url})
    async with lifespan(settings, SimulatedClock(NOW)) as trellis:
        await trellis.handle(command(0, 'container create Maths --purpose "Fractions for all"'))
        for n in range(1, members):
            await trellis.handle(command(n, "join"))
        yield trellis


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary_ms(values: list[float]) -> str:
    return (
        f"p50 {1000 * statistics.median(values):.0f} ms, p95 {1000 * percentile(values, 0.95):.0f} "
        f"ms, p99 {1000 * percentile(values, 0.99):.0f} ms"
    )
