"""Shared reflections as practitioner learnings: check-in answers whose author chose a circle
wide enough for the digest's readers.

Read when the digest is built, so an answer changed or a share withdrawn before then follows
the latest choice. Only-me and subgroup answers never appear; an answer appears only when
`privacy.may_see` lets every reader of this build see it, and an anonymous one only when
enough people answered its round for nobody to be singled out (as in the check-in post).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.community.exchange_digest import REFLECTIONS, DigestScope, Period, Section
from bot.community.privacy import SharedAnswer, Sharing, may_see
from bot.core.messages import Context, Text
from bot.storage.exchange_digest_repository import DigestRepository

# Never in a digest, whoever reads it (an author reading their own digest included).
NEVER = frozenset({Sharing.ME, Sharing.SUBGROUP})
CIRCLE_NOTE = {
    Sharing.FACILITATORS: "shared with facilitators",
    Sharing.ANONYMOUS: "shared with the container, anonymously",
    Sharing.NAMED: "shared with the container",
}


@dataclass(frozen=True, slots=True)
class Reflection:
    text: str
    author: str | None  # None: shown without a name
    question: str
    sharing: Sharing

    def line(self, circle: bool = False) -> str:
        who = self.author or "a member"
        note = f"; {CIRCLE_NOTE[self.sharing]}" if circle else ""
        return f"“{' '.join(self.text.split())}” — {who} (reflection: {self.question}{note})"


class ReflectionLearnings:
    def __init__(self, digests: DigestRepository, min_aggregate: int) -> None:
        self.digests = digests
        self.min_aggregate = min_aggregate

    async def collect(self, scope: DigestScope, period: Period) -> list[Reflection]:
        # The container is the widest circle: never in the network-wide digest.
        if scope.container_id is None or not scope.readers:
            return []
        found: list[Reflection] = []
        names = await self.digests.members(scope.community.id)
        for round_, _ in await self.digests.rounds_closing(
            scope.community.id, scope.container_id, period.start, period.end
        ):
            assert round_.id is not None
            answers = await self.digests.round_answers(round_.id)
            respondents = len({a.member_id for a in answers})
            labels = [q["label"] for q in json.loads(round_.questions)]
            for answer in answers:
                sharing = Sharing(answer.sharing)
                shared = SharedAnswer(answer.member_id, round_.container_id, sharing)
                if sharing in NEVER or not all(may_see(shared, r) for r in scope.readers):
                    continue
                if sharing == Sharing.ANONYMOUS and respondents < self.min_aggregate:
                    continue
                author = names.get(answer.member_id)
                index = answer.question_index
                # As the privacy rule says: a name goes with everything but anonymous answers.
                named = author is not None and sharing != Sharing.ANONYMOUS
                found.append(
                    Reflection(
                        answer.text,
                        author.display_name if author is not None and named else None,
                        labels[index] if index < len(labels) else answer.question,
                        sharing,
                    )
                )
        return found


class SharedWithFacilitators:
    """The facilitator digest's practitioner learnings from reflections shared with
    facilitators or wider (the container-wide ones are also in the channel digest)."""

    def __init__(self, reflections: ReflectionLearnings) -> None:
        self.reflections = reflections

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        found = await self.reflections.collect(scope, period)
        if not found:
            return None
        return Section(
            REFLECTIONS,
            "Practitioner knowledge from reflections",
            (
                Text("\n".join(f"• {r.line(circle=True)}" for r in found)),
                Context("Shared by their authors with facilitators or wider."),
            ),
        )
