"""Digest benchmark (issue 9): a container of 500 members with 10,000 interactions and 500
learnings in the week; the digest must be built in 1 s or less.

Run from the checkout: `python -m bench.digest`. `run()` returns the figures as dicts
{figure, target, measured, passed} for a bench runner.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import lifespan
from bot.community.exchange_digest import DigestScope, period_ending
from bot.community.exchange_digest_service import DigestService
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef
from bot.storage.models import Container, ContainerMembership, Member
from bot.storage.models.exchange import Activity, Learning

MEMBERS, INTERACTIONS, LEARNINGS = 500, 10_000, 500
TARGET_SECONDS = 1.0
NOW = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
TYPES = ("school", "university", "charity", "council")
FIELDS = ("practitioner", "public", "co-created")


async def measure() -> dict[str, float]:
    rng = random.Random(9)
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bench.db"})
        clock = SimulatedClock(NOW)
        async with lifespan(settings, clock) as trellis:
            community = await trellis.directory.community(CommunityRef("bench", "net"))
            async with trellis.db.session() as session:
                members = [
                    Member(
                        community_id=community.id,
                        platform_user_id=f"u{i}",
                        display_name=f"Member {i}",
                        organisation_type=TYPES[i % len(TYPES)],
                        is_facilitator=i == 0,
                        created_at=NOW - timedelta(days=60),
                    )
                    for i in range(MEMBERS)
                ]
                session.add_all(members)
                await session.flush()
                container = Container(
                    community_id=community.id,
                    channel_id="big",
                    name="Big pod",
                    created_by=members[0].id or 0,
                    created_at=NOW - timedelta(days=60),
                )
                session.add(container)
                await session.flush()
                assert container.id is not None
                ids = [m.id or 0 for m in members]
                session.add_all(
                    ContainerMembership(
                        container_id=container.id,
                        member_id=ident,
                        role="facilitator" if n == 0 else "member",
                        joined_at=NOW - timedelta(days=60),
                    )
                    for n, ident in enumerate(ids)
                )
                session.add_all(
                    Activity(
                        community_id=community.id,
                        container_id=container.id,
                        member_id=rng.choice(ids),
                        other_member_id=rng.choice(ids),
                        thread_id=f"t{rng.randrange(300)}",
                        at=NOW - timedelta(seconds=rng.randrange(7 * 86400 - 1)),
                    )
                    for _ in range(INTERACTIONS)
                )
                session.add_all(
                    Learning(
                        community_id=community.id,
                        container_id=container.id,
                        member_id=rng.choice(ids),
                        text=f"Learning {i}: what we found when we tried it in class",
                        field=rng.choice(FIELDS),
                        source=rng.choice(("command", "reaction")),
                        consent=rng.choice(("named", "anonymous", "declined")),
                        created_at=NOW - timedelta(seconds=rng.randrange(7 * 86400 - 1)),
                    )
                    for i in range(LEARNINGS)
                )
            service = trellis.scheduler.jobs["exchange_digest"].__self__  # type: ignore[attr-defined]
            assert isinstance(service, DigestService)
            scope = DigestScope(community, container)
            period = period_ending(NOW, "UTC")
            # Warm-up: the first chart imports matplotlib (about 2 s, once per process).
            await service.build(scope, period)
            await service.build_for_facilitators(scope, period, "#big")
            started = time.perf_counter()
            parts = await service.build(scope, period)
            channel = time.perf_counter() - started
            started = time.perf_counter()
            await service.build_for_facilitators(scope, period, "#big")
            facilitators = time.perf_counter() - started
            return {"channel": channel, "facilitators": facilitators, "parts": len(parts)}


def run() -> list[dict[str, Any]]:
    figures = asyncio.run(measure())
    return [
        {
            "figure": "digest build, 500 members / 10,000 interactions / 500 learnings (s)",
            "target": TARGET_SECONDS,
            "measured": round(figures["channel"], 3),
            "passed": figures["channel"] <= TARGET_SECONDS,
        },
        {
            "figure": "facilitator digest with PNG chart, same container (s)",
            "target": TARGET_SECONDS,
            "measured": round(figures["facilitators"], 3),
            "passed": figures["facilitators"] <= TARGET_SECONDS,
        },
        {
            "figure": "messages the channel digest was split into",
            "target": None,
            "measured": figures["parts"],
            "passed": True,
        },
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
