"""Outbox throughput: messages stored then delivered to a transport that only counts
(WALL time, SQLite), so the figure is the outbox's own cost per message. Baseline side by
side: store one, drain it, in turn (what a sender without batching would do)."""

from __future__ import annotations

import asyncio
import tempfile
import time

from bench.core_setup import COMMUNITY, network
from bench.result import Result
from bot.core.messages import Message, Outgoing, Text, ToChannel, ToMember
from bot.core.refs import CommunityRef, MemberRef

MESSAGES = 2_000
BASELINE = 300


class Counting:
    platform = "bench"

    def __init__(self) -> None:
        self.delivered: dict[str, int] = {}

    async def deliver(
        self, community: CommunityRef, target: ToChannel | ToMember, message: Message
    ) -> None:
        first = message.blocks[0]
        key = first.text if isinstance(first, Text) else "?"
        self.delivered[key] = self.delivered.get(key, 0) + 1


def outgoing(n: int, tag: str) -> Outgoing:
    return Outgoing(
        Message((Text(f"{tag} {n}"),)), ToMember(MemberRef("bench", f"m{n}")), f"{tag}:{n}"
    )


async def measure() -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        async with network(folder, 2) as trellis:
            transport = Counting()
            trellis.outbox.attach(transport)
            community = await trellis.directory.community(COMMUNITY)
            started = time.perf_counter()
            for n in range(MESSAGES):
                await trellis.outbox.put(community, outgoing(n, "batch"))
            while await trellis.outbox.drain():
                pass
            batched = MESSAGES / (time.perf_counter() - started)
            started = time.perf_counter()
            for n in range(BASELINE):
                await trellis.outbox.put(community, outgoing(n, "one"))
                await trellis.outbox.drain()
            one_by_one = BASELINE / (time.perf_counter() - started)
            # A second put under a used key stores nothing: no message is sent twice.
            for n in range(10):
                await trellis.outbox.put(community, outgoing(n, "batch"))
            await trellis.outbox.drain()
    # Only ours: the set-up's own welcome messages are delivered too.
    ours = {k: v for k, v in transport.delivered.items() if k.startswith(("batch ", "one "))}
    sent = sum(ours.values())
    twice = sum(1 for count in ours.values() if count > 1)
    return batched, one_by_one, sent, twice


def run() -> list[Result]:
    batched, one_by_one, sent, twice = asyncio.run(measure())
    expected = MESSAGES + BASELINE
    return [
        Result(
            f"outbox throughput: {MESSAGES:,} stored then drained (SQLite, wall)",
            "-",
            f"{batched:,.0f} msg/s; {sent:,} of {expected:,} delivered, {twice} delivered twice",
            sent == expected and twice == 0,
        ),
        Result(
            "outbox baseline: store one, drain it, in turn (wall)",
            "-",
            f"{one_by_one:,.0f} msg/s",
            None,
        ),
    ]
