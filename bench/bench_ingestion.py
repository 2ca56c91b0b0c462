"""Ingestion: message events per second through the core into the database (SQLite, WALL
time). Events carry a reply (an interaction) and a delivery id, as a platform sends them.
Measured with 50 events in flight against the baseline: one event, one transaction, in turn.
PostgreSQL is not run here: the shared test server belongs to the test suite."""

from __future__ import annotations

import asyncio
import tempfile
import time

from bench.core_setup import message, network
from bench.result import Result

MEMBERS = 50
EVENTS = 2_000
IN_FLIGHT = 50
TARGET = 2_000.0


async def measure() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        async with network(folder, MEMBERS) as trellis:
            started = time.perf_counter()
            for seq in range(0, EVENTS // 4):
                await trellis.handle(message(seq % MEMBERS, seq, MEMBERS))
            sequential = (EVENTS // 4) / (time.perf_counter() - started)
            started = time.perf_counter()
            for first in range(EVENTS // 4, EVENTS // 4 + EVENTS, IN_FLIGHT):
                await asyncio.gather(
                    *(
                        trellis.handle(message(seq % MEMBERS, seq, MEMBERS))
                        for seq in range(first, first + IN_FLIGHT)
                    )
                )
            concurrent = EVENTS / (time.perf_counter() - started)
    return concurrent, sequential


def run() -> list[Result]:
    concurrent, sequential = asyncio.run(measure())
    return [
        Result(
            f"ingestion: message events/s into SQLite, {IN_FLIGHT} in flight (wall)",
            ">= 2,000/s",
            f"{concurrent:,.0f}/s ({EVENTS:,} events)",
            concurrent >= TARGET,
        ),
        Result(
            "ingestion baseline: one event, one transaction, in turn (wall)",
            "-",
            f"{sequential:,.0f}/s",
            None,
        ),
        Result("ingestion on PostgreSQL", ">= -", "not run (shared test server)", None),
    ]
