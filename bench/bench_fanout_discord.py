"""Fan-out at Discord's limits: one check-in round to 2,000 members through the Discord
adapter (outbox -> DiscordTransport -> Pacer -> discord.py -> loopback fake Discord).

The fake refuses with a global 429 (`Via` header, JSON `retry_after`, `X-RateLimit-Global`)
any request beyond 50 in a second, interaction endpoints exempt, as Discord does. Every
member costs two requests against that limit: opening the DM channel
(`POST /users/@me/channels`) and creating the message. Meanwhile a member runs a command
every simulated second, answered in the channel on the interactive lane, to show a fan-out
does not starve replies. Time base: SIMULATED seconds (the pacer's injected clock and
sleep; the fake reads the same clock). Baseline, side by side: sequential sends through
discord.py with its default 429 handling and no pacing, at loopback speed in WALL seconds.
"""

from __future__ import annotations

import asyncio
import logging
import math
import tempfile
import time
from collections.abc import Callable
from typing import Any

import discord
from aiohttp import web

from bench.fanout_common import MEMBERS, OPENED, SimTime, Tally, Window, invitation
from bench.result import Result
from bot.adapters.discord import endpoints
from bot.adapters.discord.outbound import DiscordTransport
from bot.adapters.discord.pacing import Pacer
from bot.adapters.discord.render import FormShelf
from bot.app import lifespan
from bot.config import load_settings
from bot.core.messages import Message, Outgoing, ToChannel, ToMember
from bot.core.ports import SimulatedClock
from bot.core.refs import ChannelRef, CommunityRef, MemberRef
from bot.storage.discord_channels_repository import DiscordChannelRepository
from tests.fakes.discord_server import FakeDiscord, json_response
from tests.fixtures.discord import payloads as p

GLOBAL_LIMIT = 50  # requests per second, Discord's global limit
BASELINE_MEMBERS = 100
FIRST_MEMBER = 800_000_000_000_000_000


class LimitedDiscord(FakeDiscord):
    """The fake Discord, refusing requests beyond the global limit (as Discord answers)."""

    def __init__(self, now: Callable[[], float]) -> None:
        super().__init__()
        self.now = now
        self.window = Window(GLOBAL_LIMIT)
        self.tally = Tally()  # accepted message creates per channel, and the 429s
        self.accepted_requests = 0
        self.counting = False

    async def entry(self, request: web.Request) -> web.StreamResponse:
        exempt = request.path.startswith(("/api/v10/interactions", "/api/v10/webhooks"))
        if not self.counting or exempt or request.headers.get("Upgrade"):
            return await super().entry(request)
        now = self.now()
        if not self.window.admit(now):
            self.tally.refused += 1
            # Discord states retry_after in milliseconds, rounded up.
            wait = max(0.001, math.ceil(self.window.retry_after(now) * 1000) / 1000)
            return json_response(  # exactly application/json, as discord.py requires
                {"message": "You are being rate limited.", "retry_after": wait, "global": True},
                429,
                {
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, round(wait))),
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                },
            )
        self.accepted_requests += 1
        match = request.method == "POST" and request.path.endswith("/messages")
        response = await super().entry(request)
        if match and response.status == 200:
            channel = request.path.split("/")[-2]
            self.tally.accept(channel, now)
        elif self.tally.first is None:
            self.tally.first = now
        self.tally.last = max(self.tally.last, now)
        return response


class Recording(Pacer):
    """The production pacer, noting how long each interactive send waited for its slot."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.interactive_waits: list[float] = []

    async def _wait(self, seconds: float) -> None:
        self.interactive_waits.append(seconds)
        await super()._wait(seconds)


async def client_for(fake: FakeDiscord, folder: str) -> tuple[discord.Client, Any]:
    settings = load_settings(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{folder}/b.db",
            "DISCORD_TOKEN": "bench",
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
        }
    )
    endpoints.configure(settings)
    client = discord.Client(intents=discord.Intents.none())
    await client.login("bench")  # REST only: a fan-out needs no gateway
    return client, settings


async def paced() -> tuple[LimitedDiscord, float, int, list[float], int]:
    sim = SimTime()
    fake = LimitedDiscord(sim.monotonic)
    await fake.start()
    pacer = Recording(now=sim.monotonic, sleep=sim.sleep)
    try:
        with tempfile.TemporaryDirectory() as folder:
            client, settings = await client_for(fake, folder)
            async with lifespan(settings, SimulatedClock(OPENED)) as trellis:
                channels = DiscordChannelRepository(trellis.db)
                transport = DiscordTransport(
                    client, FormShelf(), pacer, channels=channels, now=trellis.clock.now
                )
                trellis.outbox.attach(transport)
                ref = CommunityRef("discord", p.GUILD_ID)
                community = await trellis.directory.community(ref)
                message = invitation()
                for n in range(MEMBERS):
                    member = MemberRef("discord", str(FIRST_MEMBER + n))
                    await trellis.outbox.put(
                        community, Outgoing(message, ToMember(member), f"checkin:1:{n}")
                    )
                fake.counting = True
                done = asyncio.Event()
                replies = asyncio.create_task(interactive(transport, ref, sim, done))
                started = time.perf_counter()
                while await trellis.outbox.drain():
                    pass
                drained = time.perf_counter() - started
                done.set()
                answered = await replies
                left = len(await trellis.outbox.repository.due(10_000))
            await client.close()
    finally:
        await fake.stop()
    return fake, drained, left, pacer.interactive_waits, answered


async def interactive(
    transport: DiscordTransport, community: CommunityRef, sim: SimTime, done: asyncio.Event
) -> int:
    """A member's command answered in #general about once per simulated second."""
    general = ToChannel(ChannelRef("discord", p.CHANNEL_ID, "general"))
    answered, last = 0, -1.0
    while not done.is_set():
        if sim.now - last >= 1.0:
            last = sim.now
            await transport.send(
                community, general, Message.text(f"Reply {answered}"), "interactive"
            )
            answered += 1
        await asyncio.sleep(0.005)  # wall time: let the fan-out move simulated time on
    return answered


async def baseline() -> tuple[LimitedDiscord, int, float]:
    fake = LimitedDiscord(time.monotonic)
    await fake.start()
    lost = 0
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as folder:
            client, _ = await client_for(fake, folder)
            fake.counting = True
            started = time.perf_counter()
            for n in range(BASELINE_MEMBERS):
                try:  # discord.py's default: sleep the 429's retry_after and try again
                    dm = await client.create_dm(discord.Object(FIRST_MEMBER + n))
                    await dm.send("Check-in: Maths leads")
                except discord.HTTPException:
                    lost += 1
            await client.close()
    finally:
        await fake.stop()
    return fake, lost, time.perf_counter() - started


def run() -> list[Result]:
    logging.getLogger("discord.http").setLevel(logging.ERROR)  # the baseline's 429 warnings
    fake, wall, left, waits, answered = asyncio.run(paced())
    base, base_lost, base_wall = asyncio.run(baseline())
    tally = fake.tally
    dms = {c: n for c, n in tally.accepted.items() if c != p.CHANNEL_ID}
    sent = sum(dms.values())
    duplicated = sum(count - 1 for count in dms.values() if count > 1)
    lost = MEMBERS - len(dms)
    span = tally.last - (tally.first or 0.0)
    rate = (fake.accepted_requests - 1) / span if span > 0 else float("inf")
    ratio = rate / GLOBAL_LIMIT
    requests = fake.accepted_requests + tally.refused
    share_429 = tally.refused / max(1, requests)
    worst = max(waits, default=0.0)
    base_requests = base.accepted_requests + base.tally.refused
    base_rate = base.accepted_requests / base_wall
    return [
        Result(
            f"Discord fan-out {MEMBERS:,} check-in DMs (DM open + message each): "
            "achieved/allowed request rate (simulated time)",
            ">= 0.9",
            f"{ratio:.3f} ({rate:.1f}/s of {GLOBAL_LIMIT}/s; {sent:,} DMs + {answered} replies "
            f"in {span:.0f} simulated s, {wall:.1f} wall s)",
            ratio >= 0.9,
        ),
        Result(
            "Discord fan-out: lost / duplicated / still queued",
            "0 / 0 / 0",
            f"{lost} / {duplicated} / {left}",
            lost == 0 and duplicated == 0 and left == 0,
        ),
        Result(
            "Discord fan-out: share of requests answered 429",
            "< 1%",
            f"{share_429:.2%} ({tally.refused} of {requests})",
            share_429 < 0.01,
        ),
        Result(
            "Discord fan-out: longest wait of an interactive reply for its slot (simulated)",
            "<= 0.05 s",
            f"{worst * 1000:.0f} ms over {answered} replies during the fan-out",
            worst <= 0.05 and answered > 0,
        ),
        Result(
            f"Discord baseline: {BASELINE_MEMBERS} sequential DMs, discord.py default 429 "
            "handling, no pacing (wall time)",
            "-",
            f"{len(base.tally.accepted)} delivered, {base_lost} lost, "
            f"{base.tally.refused / max(1, base_requests):.0%} of requests answered 429, "
            f"{base_rate:.1f} accepted requests/s",
            None,
        ),
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
