"""The learning-exchange digest as a list of section providers.

Each provider answers for one section of DOMAIN.md's digest, or None when it has nothing
to say (empty sections are left out). Sections from other rooms (trust trend, motivation
mix, reflections shared, subgroup rounds) plug in as further providers; `order` keeps
DOMAIN.md's sequence whoever registers first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.community.privacy import Viewer
from bot.core.directory import CommunityInfo
from bot.core.messages import Block, Context, Message, Text
from bot.storage.models import Container

WEEK = timedelta(days=7)

# DOMAIN.md's numbering; the facilitator version's extra sections come after.
WHAT_HAPPENED, WHAT_WE_HAVE, WHAT_PEOPLE_TRIED, ACROSS_BOUNDARIES = 1, 2, 3, 4
CONTAINER_CHECK, WHY_WE_ARE_HERE, COMING_UP = 5, 6, 7
REFLECTIONS = 10
NON_RESPONDERS, OPEN_ALERTS, QUIET_MEMBERS, MICROCLIMATES, INTRODUCTIONS = 11, 12, 13, 14, 15


@dataclass(frozen=True, slots=True)
class DigestScope:
    """One container, or the whole network when `container` is None.

    `readers` are who will read this build of the digest: member text with a chosen circle
    (shared reflections) appears only when every one of them may see it. Empty means the
    readers are unknown, so no such text appears at all.
    """

    community: CommunityInfo
    container: Container | None
    readers: tuple[Viewer, ...] = field(default=())

    @property
    def key(self) -> str:
        return f"container:{self.container.id}" if self.container else "network"

    @property
    def container_id(self) -> int | None:
        return self.container.id if self.container else None

    @property
    def name(self) -> str:
        return self.container.name if self.container else "the whole network"


@dataclass(frozen=True, slots=True)
class Period:
    """The week a digest covers: (start, end], named by the ISO week of its last local day."""

    start: datetime
    end: datetime
    key: str
    label: str


def period_ending(end: datetime, zone: str) -> Period:
    local = end.astimezone(ZoneInfo(zone))
    year, week, _ = local.isocalendar()
    return Period(end - WEEK, end, f"{year}-W{week:02d}", f"week to {local:%a %d %b %Y}")


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class Section:
    order: int
    title: str
    blocks: tuple[Block, ...]


class SectionProvider(Protocol):
    async def section(self, scope: DigestScope, period: Period) -> Section | None: ...


async def sections(
    providers: list[SectionProvider], scope: DigestScope, period: Period
) -> list[Section]:
    found = [s for p in providers if (s := await p.section(scope, period)) is not None]
    return sorted(found, key=lambda s: s.order)


def compose(title: str, period: Period, found: list[Section], quiet: str) -> Message:
    """The digest as one neutral message (split later); a quiet week is one line (followed
    by what is coming up, when anything is)."""
    if all(section.order == COMING_UP for section in found):
        upcoming: list[Block] = [b for section in found for b in section.blocks]
        return Message((Text(quiet), *upcoming))
    blocks: list[Block] = [Text(title, style="heading"), Context(sentence(period.label))]
    for section in found:
        blocks.append(Text(section.title, style="heading"))
        blocks.extend(section.blocks)
    return Message(tuple(blocks))
