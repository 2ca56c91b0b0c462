"""Starting the Discord connection without burning Discord's daily IDENTIFY budget.

Discord allows about 1,000 IDENTIFYs a day and may reset the token of a bot that loops.
Failed start-ups back off exponentially (1 s doubling to 10 min), and before connecting
Trellis reads the remaining budget from `/gateway/bot` and waits for its reset when it is
nearly spent, which also protects against a process manager restarting us in a loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.adapters.discord.client import TrellisClient

log = logging.getLogger(__name__)

RESERVE = 10  # IDENTIFYs kept back for a human to start the bot by hand
FIRST_DELAY = 1.0
MAX_DELAY = 600.0
Sleep = Callable[[float], Awaitable[None]]
RETRYABLE = (
    OSError,
    aiohttp.ClientError,
    asyncio.TimeoutError,
    discord.GatewayNotFound,
    discord.ConnectionClosed,
    discord.DiscordServerError,
)


class Backoff:
    def __init__(self, first: float = FIRST_DELAY, most: float = MAX_DELAY) -> None:
        self.first = first
        self.most = most
        self.failures = 0

    def next_delay(self) -> float:
        self.failures += 1
        return float(min(self.most, self.first * 2 ** (self.failures - 1)))


async def wait_for_budget(client: TrellisClient, sleep: Sleep) -> None:
    limits = await client.fetch_session_start_limits()
    needed = len(client.shard_ids or ()) or 1
    if limits.remaining - needed >= RESERVE:
        return
    wait = limits.reset_after / 1000
    log.error(
        "Discord: only %d of %d daily session starts left; waiting %.0f s for the reset",
        limits.remaining,
        limits.total,
        wait,
    )
    await sleep(wait)


async def run_client(
    make_client: Callable[[], TrellisClient],
    token: str,
    *,
    sleep: Sleep = asyncio.sleep,
    backoff: Backoff | None = None,
    attempts: int | None = None,
) -> int:
    """Connect and stay connected; 0 on a clean stop, 2 on a fatal configuration error."""
    backoff = backoff or Backoff()
    tried = 0
    while attempts is None or tried < attempts:
        tried += 1
        client = make_client()
        try:
            async with client:
                await client.login(token)
                await wait_for_budget(client, sleep)
                await client.connect()
            return 0
        except discord.LoginFailure:
            log.error("Discord refused the token: check DISCORD_TOKEN (Bot > Reset Token).")
            return 2
        except discord.PrivilegedIntentsRequired:
            log.error("Discord requires privileged intents this application has not enabled.")
            return 2
        except RETRYABLE as problem:
            delay = backoff.next_delay()
            log.error("Discord connection failed (%s); retrying in %.0f s", problem, delay)
            await sleep(delay)
    return 1
