"""What the facilitator digest adds that this room can tell: quiet members, check-in
non-responders and weaving suggestions from offers and needs. Individual names appear here,
for facilitators only."""

from __future__ import annotations

from bot.community.exchange_digest import (
    INTRODUCTIONS,
    NON_RESPONDERS,
    QUIET_MEMBERS,
    DigestScope,
    Period,
    Section,
)
from bot.community.exchange_sections import plural
from bot.core.messages import Context, Text
from bot.storage.exchange_digest_repository import DigestRepository
from bot.storage.exchange_repository import ExchangeRepository

MAX_NAMES = 30


def names(found: list[str]) -> str:
    shown = ", ".join(found[:MAX_NAMES])
    more = len(found) - MAX_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


class QuietMembers:
    """Members of the container (or the network) who posted nothing this week."""

    def __init__(self, digests: DigestRepository) -> None:
        self.digests = digests

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        cid = scope.community.id
        counts = await self.digests.activity(cid, scope.container_id, period.start, period.end)
        people: list[tuple[int | None, str]]
        if scope.container_id is not None:
            rows = await self.digests.container_members(scope.container_id)
            people = [(m.id, m.display_name) for m, _ in rows]
        else:
            everyone = (await self.digests.members(cid)).values()
            people = sorted(((m.id, m.display_name) for m in everyone), key=lambda p: p[1])
        quiet = [name for id_, name in people if id_ not in counts.active]
        if not quiet:
            return None
        return Section(
            QUIET_MEMBERS,
            "Quiet this week",
            (
                Text(f"{plural(len(quiet), 'member')} posted nothing: {names(quiet)}."),
                Context("A personal word often helps more than a reminder."),
            ),
        )


class WeavingSuggestions:
    """Needs nobody has offered to meet yet, and introductions waiting for an answer."""

    def __init__(self, exchange: ExchangeRepository) -> None:
        self.exchange = exchange

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        cid = scope.community.id
        needs = await self.exchange.open_listings(cid, "need", other_than=0)
        if scope.container_id is not None:
            needs = [n for n in needs if n.container_id == scope.container_id]
        intros = await self.exchange.introductions(
            cid, scope.container_id, period.start, period.end
        )
        matched = await self.exchange.matched_need_ids(cid)
        unmatched = [n for n in needs if n.id not in matched]
        waiting = [
            i
            for i in intros
            if i.introduced_at is None and "no" not in (i.offer_answer, i.need_answer)
        ]
        blocks: list[Text | Context] = []
        if unmatched:
            lines = [f"• {n.display_name}: “{' '.join(n.text.split())}”" for n in unmatched]
            blocks.append(Text("Needs with no offer yet — who could help?\n" + "\n".join(lines)))
        if waiting:
            blocks.append(Text(f"{plural(len(waiting), 'introduction')} waiting for an answer."))
        if not blocks:
            return None
        return Section(INTRODUCTIONS, "Suggested introductions", tuple(blocks))


class NonResponders:
    """Who was sent the week's check-in and did not answer it (names for facilitators only).
    The week's rounds are those whose answer window ended in the week, so the list is final."""

    def __init__(self, digests: DigestRepository) -> None:
        self.digests = digests

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        rounds = await self.digests.rounds_closing(
            scope.community.id, scope.container_id, period.start, period.end
        )
        lines: list[str] = []
        for round_, container in rounds:
            assert round_.id is not None
            sent = await self.digests.round_sent_to(round_.id)
            if not sent:
                continue
            answered = {a.member_id for a in await self.digests.round_answers(round_.id)}
            silent = [m.display_name for m in sent if m.id not in answered]
            where = "" if scope.container_id is not None else f"{container.name}, "
            head = (
                f"{where}round “{round_.label}”: {len(sent) - len(silent)} of {len(sent)} answered"
            )
            lines.append(
                f"• {head}" + (f"; not yet heard from {names(silent)}." if silent else ".")
            )
        if not lines:
            return None
        return Section(
            NON_RESPONDERS,
            "Check-in non-responders",
            (
                Text("\n".join(lines)),
                Context("Members on pause or sent it too late are not counted."),
            ),
        )
