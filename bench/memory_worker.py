"""Peak resident size of a running Trellis with 10,000 members loaded, in a fresh process.

Members and a month of their interactions are written through the real schema (the models
and migrations `trellis run` uses), then loaded the way the running bot holds them: every
member resolved by the directory, and the whole-network health report (profiles, the
interaction graph and its figures) built by the same service as `/trellis health`.
Seeding runs in one process and loading in a fresh one, so the peak is the loaded bot's.
Prints one JSON line; `bench_memory` reads it.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import sys
import time

from sqlalchemy import insert

from bench import synthetic
from bot.app import lifespan
from bot.community.health_report import HealthService
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef
from bot.storage.health_repository import HealthRepository
from bot.storage.models import Member
from bot.storage.models.health import NetworkInteraction
from bot.storage.repositories import (
    ContainerRepository,
    OrganisationTypeRepository,
    member_info,
)

COMMUNITY = CommunityRef("bench", "memory")
CLOCK = SimulatedClock(synthetic.END)


def rss_mb() -> float:
    """This process's own peak: VmHWM belongs to the address space exec made. ru_maxrss
    would not do: Linux carries it over from the parent through fork and exec, so a worker
    started by a big `make bench` run reported the runner's size, not its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def url(folder: str) -> str:
    return f"sqlite+aiosqlite:///{folder}/memory.db"


async def seed(folder: str, members: int, per_member: int) -> None:
    """Write the members and their interactions (run in its own process: its peak is not
    the measured one)."""
    rng = random.Random(members)
    profiles = synthetic.members(members, rng)
    records = synthetic.interactions(profiles, members * per_member, rng)
    async with lifespan(load_settings({"DATABASE_URL": url(folder)}), CLOCK) as trellis:
        community = await trellis.directory.community(COMMUNITY)
        async with trellis.db.session() as session:
            session.add_all(
                Member(
                    community_id=community.id,
                    platform_user_id=f"m{p.member_id}",
                    display_name=f"Member {p.member_id}",
                    organisation=p.organisation,
                    organisation_type=p.organisation_type,
                    topics=",".join(sorted(p.topics)),
                    created_at=synthetic.START,
                )
                for p in profiles
            )
        ids = {
            m.platform_user_id: m.id
            for m in await HealthRepository(trellis.db).community_members(community.id)
        }
        async with trellis.db.session() as session:
            connection = await session.connection()
            await connection.execute(  # executemany: one statement for every row
                insert(NetworkInteraction),
                [
                    {
                        "community_id": community.id,
                        "from_member_id": ids[f"m{r.from_member}"],
                        "to_member_id": ids[f"m{r.to_member}"],
                        "kind": "reply",
                        "source_key": f"msg:{index}",
                        "at": r.at,
                    }
                    for index, r in enumerate(records)
                ],
            )


async def load(folder: str) -> dict[str, object]:
    """Open the seeded database as `trellis run` would, and load every member into memory."""
    async with lifespan(load_settings({"DATABASE_URL": url(folder)}), CLOCK) as trellis:
        before = rss_mb()
        started = time.perf_counter()
        community = await trellis.directory.community(COMMUNITY)
        repository = HealthRepository(trellis.db)
        # Every member as the directory hands it to the core (one query, not 10,000).
        resolved = [
            member_info(m, COMMUNITY.platform)
            for m in await repository.community_members(community.id)
        ]
        health = HealthService(
            repository, ContainerRepository(trellis.db), OrganisationTypeRepository(trellis.db)
        )
        window = health.scoped(community.id, "network", "the whole network", 30, synthetic.END)
        assessment = await health.assess(window, keep=False)
        return {
            "members": len(resolved),
            "ties": assessment.graph.undirected.number_of_edges(),
            "alerts": len(assessment.alerts),
            "rss_before_mb": before,
            "peak_rss_mb": rss_mb(),
            "load_seconds": time.perf_counter() - started,
        }


def main() -> None:
    """`seed FOLDER MEMBERS PER_MEMBER` or `load FOLDER`."""
    if sys.argv[1] == "seed":
        asyncio.run(seed(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
    else:
        print(json.dumps(asyncio.run(load(sys.argv[2]))))


if __name__ == "__main__":
    main()
