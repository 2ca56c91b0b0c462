"""Command round trip through the router: 50 `/trellis` commands in flight at once, each
timed from dispatch to its reply (WALL time, SQLite). Baseline side by side: the same
commands one at a time. Slack wants an answer within 3 s; our target is p99 <= 250 ms.

The first burst meets a cold process (statements compiled and connections opened for the
first time, help text built): it is timed and reported on its own line, and the p99 is over
the bursts after it, as a serving process meets them."""

from __future__ import annotations

import asyncio
import tempfile
import time

from bench.core_setup import command, network, percentile, summary_ms
from bench.result import Result
from bot.app import Trellis

MEMBERS = 50
ROUNDS = 4
TEXTS = ("container show", "help", "me motivation", "taxonomy show")
TARGET_P99 = 0.250


async def timed(trellis: Trellis, n: int, text: str) -> float:
    started = time.perf_counter()
    replies = await trellis.handle(command(n, text))
    assert replies, text
    return time.perf_counter() - started


async def measure() -> tuple[list[float], list[float], list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        async with network(folder, MEMBERS) as trellis:
            cold = await asyncio.gather(
                *(timed(trellis, n, TEXTS[n % len(TEXTS)]) for n in range(MEMBERS))
            )
            concurrent: list[float] = []
            sequential: list[float] = []
            for round_ in range(ROUNDS):
                jobs = [timed(trellis, n, TEXTS[(n + round_) % len(TEXTS)]) for n in range(MEMBERS)]
                concurrent += await asyncio.gather(*jobs)
                for n in range(MEMBERS):
                    sequential.append(await timed(trellis, n, TEXTS[(n + round_) % len(TEXTS)]))
    return cold, concurrent, sequential


def run() -> list[Result]:
    cold, concurrent, sequential = asyncio.run(measure())
    p99 = percentile(concurrent, 0.99)
    return [
        Result(
            f"command round trip, {MEMBERS} concurrent /trellis commands (router, SQLite, wall)",
            "p99 <= 250 ms",
            f"{summary_ms(concurrent)} ({len(concurrent)} commands)",
            p99 <= TARGET_P99,
        ),
        Result(
            f"the first burst of {MEMBERS} on a cold process (not in the p99 above, wall)",
            "-",
            f"{summary_ms(cold)} ({len(cold)} commands)",
            None,
        ),
        Result(
            "command round trip baseline: the same commands one at a time (wall)",
            "-",
            summary_ms(sequential),
            None,
        ),
    ]
