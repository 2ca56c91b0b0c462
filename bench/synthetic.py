"""Synthetic networks shaped like a learning network, for benchmarks only.

Members belong to organisations of a few types (unevenly spread); they talk mostly inside
their own container (a channel of 30-150 people) and sometimes across; a few members send
most messages and popular members receive most. Seeded, so every run sees the same data.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.network.graph import Interaction, MemberProfile

TYPES = ("school", "university", "local authority", "charity", "business", "health service")
TYPE_WEIGHTS = (0.45, 0.15, 0.12, 0.12, 0.1, 0.06)
TOPICS = tuple(f"topic-{index}" for index in range(24))
START = datetime(2026, 1, 1, tzinfo=UTC)
END = START + timedelta(days=30)


def members(count: int, rng: random.Random) -> list[MemberProfile]:
    """Members in organisations of 3-30 people; each organisation has one type."""
    profiles: list[MemberProfile] = []
    organisation = 0
    while len(profiles) < count:
        organisation += 1
        kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        for _ in range(min(rng.randint(3, 30), count - len(profiles))):
            topics = frozenset(rng.sample(TOPICS, rng.randint(1, 3)))
            profiles.append(MemberProfile(len(profiles), f"org-{organisation}", kind, topics))
    return profiles


def interactions(
    profiles: list[MemberProfile], count: int, rng: random.Random, *, cross_share: float = 0.15
) -> list[Interaction]:
    """`count` interactions within containers, `cross_share` of them across containers."""
    size = len(profiles)
    order = list(range(size))
    rng.shuffle(order)
    containers: list[list[int]] = []
    cursor = 0
    while cursor < size:
        width = rng.randint(30, 150)
        containers.append(order[cursor : cursor + width])
        cursor += width
    home = [0] * size
    for index, container in enumerate(containers):
        for member in container:
            home[member] = index
    activity = [rng.paretovariate(1.3) for _ in range(size)]
    popularity = [rng.paretovariate(1.6) for _ in range(size)]
    senders = rng.choices(range(size), weights=activity, k=count)
    container_weights = [[popularity[m] for m in container] for container in containers]
    span = (END - START).total_seconds()
    result: list[Interaction] = []
    for sender in senders:
        if rng.random() < cross_share:
            target_container = rng.randrange(len(containers))
        else:
            target_container = home[sender]
        pool = containers[target_container]
        receiver = rng.choices(pool, weights=container_weights[target_container])[0]
        if receiver == sender:
            continue
        moment = START + timedelta(seconds=rng.random() * span)
        result.append(Interaction(sender, receiver, "reply", moment))
    return result
