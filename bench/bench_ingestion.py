"""Ingestion: message events per second through the core into the database (WALL time).
Events carry a reply (an interaction) and a delivery id, as a platform sends them. Measured
with 50 events in flight (group commit gathers them into shared transactions) against the
baseline in the same run: one event at a time, each committed before the next (one
transaction per event). On SQLite, and on PostgreSQL when one answers on 127.0.0.1:5432 (in a
database of its own, `trellis_bench`, created and dropped here)."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from bench.core_setup import message, network, network_at
from bench.postgres import bench_database
from bench.result import Result
from bot.app import Trellis

MEMBERS = 50
EVENTS = 2_000
IN_FLIGHT = 50
TARGET = 2_000.0


async def measure(opened: AbstractAsyncContextManager[Trellis]) -> tuple[float, float]:
    async with opened as trellis:
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


@asynccontextmanager
async def on_sqlite() -> AsyncIterator[Trellis]:
    with tempfile.TemporaryDirectory() as folder:
        async with network(folder, MEMBERS) as trellis:
            yield trellis


async def on_postgres() -> tuple[float, float] | None:
    async with bench_database() as url:
        if url is None:
            return None
        return await measure(network_at(url, MEMBERS))


def run() -> list[Result]:
    concurrent, sequential = asyncio.run(measure(on_sqlite()))
    results = [
        Result(
            f"ingestion: message events/s into SQLite, {IN_FLIGHT} in flight (wall)",
            ">= 2,000/s",
            f"{concurrent:,.0f}/s ({EVENTS:,} events)",
            concurrent >= TARGET,
        ),
        Result(
            "ingestion baseline: one event, one transaction, in turn (SQLite, wall)",
            "-",
            f"{sequential:,.0f}/s",
            None,
        ),
    ]
    postgres = asyncio.run(on_postgres())
    if postgres is None:
        return [*results, Result("ingestion on PostgreSQL", "-", "not run: no PostgreSQL", None)]
    concurrent, sequential = postgres
    return [
        *results,
        Result(
            f"ingestion: message events/s into PostgreSQL, {IN_FLIGHT} in flight (wall)",
            "-",
            f"{concurrent:,.0f}/s ({EVENTS:,} events)",
            None,
        ),
        Result(
            "ingestion baseline: one event, one transaction, in turn (PostgreSQL, wall)",
            "-",
            f"{sequential:,.0f}/s",
            None,
        ),
    ]
