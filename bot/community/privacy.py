"""Who may see a member's answer: one function decides, every reading path asks it.

Each answer carries the circle its author chose. Nothing leaves that circle: summaries,
themes, channel posts and `/trellis checkin shared` all filter through `may_see`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Sharing(StrEnum):
    ME = "me"
    FACILITATORS = "facilitators"
    SUBGROUP = "subgroup"
    ANONYMOUS = "anonymous"
    NAMED = "named"


LABELS: dict[Sharing, str] = {
    Sharing.ME: "Only me",
    Sharing.FACILITATORS: "Facilitators",
    Sharing.SUBGROUP: "My subgroup",
    Sharing.ANONYMOUS: "The container, anonymously",
    Sharing.NAMED: "The container, with my name",
}


def parse_sharing(raw: str) -> Sharing | None:
    try:
        return Sharing(raw.strip().lower())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class SharedAnswer:
    """What the privacy rule needs to know about an answer."""

    author_id: int
    container_id: int
    sharing: Sharing


@dataclass(frozen=True, slots=True)
class Viewer:
    """Someone who might read an answer, as seen from one container."""

    member_id: int
    container_id: int
    in_container: bool
    facilitator: bool
    # Members the viewer shares a subgroup with in this container (from a SubgroupLookup).
    subgroup_peers: frozenset[int] = field(default_factory=frozenset)


class SubgroupLookup(Protocol):
    """Answered by `SubgroupService.peers` (issue 7): the member's subgroup this round."""

    async def peers(self, container_id: int, member_id: int) -> frozenset[int]: ...


class NoSubgroups:
    """A lookup with no subgroups (tests, or before any round): the answer stays with its author."""

    async def peers(self, container_id: int, member_id: int) -> frozenset[int]:
        return frozenset()


def may_see(answer: SharedAnswer, viewer: Viewer) -> bool:
    """True when `viewer` may read the text of `answer`."""
    if viewer.member_id == answer.author_id:
        return True
    if viewer.container_id != answer.container_id or not viewer.in_container:
        return False
    match answer.sharing:
        case Sharing.ME:
            return False
        case Sharing.FACILITATORS:
            return viewer.facilitator
        case Sharing.SUBGROUP:
            return answer.author_id in viewer.subgroup_peers
        case Sharing.ANONYMOUS | Sharing.NAMED:
            return True
    return False


def shows_author(answer: SharedAnswer, viewer: Viewer) -> bool:
    """Whether the author's name may be shown alongside an answer `viewer` may see."""
    return viewer.member_id == answer.author_id or answer.sharing != Sharing.ANONYMOUS
