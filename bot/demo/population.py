"""The synthetic network: organisations of a few types, their members, and their habits.

Everything random comes from one seeded `random.Random`, so a seed names one network.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TYPES = ("school", "university", "charity", "council")
ORG_WORDS = ("River", "Hill", "North", "Bridge", "Oak", "Harbour", "Meadow", "Stone", "Vale")
FIRST = (
    "ana", "ben", "cai", "dee", "eli", "fay", "gus", "hal", "ida", "joe", "kim", "lea",
    "max", "nia", "oli", "pat", "quin", "ray", "sam", "tia", "uma", "vic", "wes", "zoe",
)  # fmt: skip
CONTAINERS = (
    ("fractions", "Fractions", "Learn together how to teach fractions so that every pupil gets them"),
    ("feedback", "Feedback", "Find out which kinds of feedback help learners most"),
    ("transitions", "Transitions", "Make the move between schools easier for young people"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Options:
    members: int = 60
    organisations: int = 12
    weeks: int = 8
    seed: int = 7
    same_type_bias: float = 0.5


@dataclass(frozen=True, slots=True)
class Person:
    """One simulated member: who they are and how they tend to behave."""

    name: str
    organisation: str
    organisation_type: str
    channel: str  # the container they join
    chattiness: float  # messages a week, on average
    trust: float  # 1-7: how they tend to rate trust pulses
    diligence: float  # chance of answering a pulse, a check-in or a questionnaire


def organisations(count: int) -> list[tuple[str, str]]:
    """`count` organisations, their types in turn, so every type is present when count >= 4."""
    return [
        (f"{ORG_WORDS[i % len(ORG_WORDS)]}{TYPES[i % len(TYPES)].title()}{i // len(ORG_WORDS) or ''}",
         TYPES[i % len(TYPES)])
        for i in range(count)
    ]  # fmt: skip


def people(options: Options, rng: random.Random) -> list[Person]:
    """Members spread over the organisations and containers; the first one facilitates."""
    orgs = organisations(max(1, options.organisations))
    found: list[Person] = []
    for index in range(options.members):
        org, kind = orgs[index % len(orgs)]
        name = f"{FIRST[index % len(FIRST)]}{index // len(FIRST) or ''}"
        found.append(
            Person(
                name=name,
                organisation=org,
                organisation_type=kind,
                channel=CONTAINERS[index % len(CONTAINERS)][0],
                chattiness=rng.choice((0.3, 0.6, 1.0, 2.0)),
                trust=rng.uniform(3.0, 6.5),
                diligence=rng.uniform(0.35, 0.85),
            )
        )
    return found


def partner(
    speaker: Person, others: list[Person], bias: float, rng: random.Random
) -> Person | None:
    """Whom a message answers: someone of the speaker's own type with probability `bias`
    (the rest at random), so a high bias grows the secondary-networking pattern."""
    candidates = [p for p in others if p.name != speaker.name]
    if not candidates:
        return None
    same = [p for p in candidates if p.organisation_type == speaker.organisation_type]
    if same and rng.random() < bias:
        return rng.choice(same)
    return rng.choice(candidates)
