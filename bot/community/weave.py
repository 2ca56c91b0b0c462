"""Network weaving: suggested introductions for facilitators, sent with a button; both members
get a note saying why they might talk. At most `PER_PERSON` introductions per member per
fortnight, counted from the introductions actually sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.community.circle import dm
from bot.community.health_report import HealthService, Window
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Button, Buttons, Message, Outgoing, Text
from bot.core.messages import Context as ContextLine
from bot.core.parsing import CommandError
from bot.network.weaving import Introduction, suggest_introductions
from bot.storage.health_repository import HealthRepository
from bot.storage.repositories import member_info

SEND_ACTION = "weave.send"
PER_PERSON = 2
FORTNIGHT = timedelta(days=14)
SHOWN = 5


def fortnight_of(moment: datetime) -> int:
    return int(moment.timestamp() // FORTNIGHT.total_seconds())


class WeaveService:
    def __init__(self, repository: HealthRepository, health: HealthService) -> None:
        self.repository = repository
        self.health = health

    async def suggestions(self, window: Window) -> tuple[list[Introduction], dict[int, str]]:
        graph = await self.health.graph(window)
        recent = await self.repository.woven_counts(window.community_id, window.end - FORTNIGHT)
        found = suggest_introductions(graph, recent_counts=recent, per_person_cap=PER_PERSON)
        return found, {m: graph.display_name(m) for m in graph.members}

    def listing(self, window: Window, found: list[Introduction], names: dict[int, str]) -> Message:
        blocks: list[Text | Buttons | ContextLine] = [
            Text(f"Suggested introductions: {window.title}", style="heading")
        ]
        if not found:
            blocks.append(
                Text(
                    "No introductions to suggest right now: either nobody has an open triad or a "
                    "tie only within their own type, or everyone already had two this fortnight."
                )
            )
        for intro in found[:SHOWN]:
            first, second = names[intro.first], names[intro.second]
            blocks.append(Text(f"{first} and {second}: {intro.reason}"))
            blocks.append(
                Buttons(
                    (
                        Button(
                            "Send introduction",
                            SEND_ACTION,
                            f"{window.scope}|{intro.first}|{intro.second}",
                            style="primary",
                        ),
                    )
                )
            )
        blocks.append(
            ContextLine(f"Each member gets at most {PER_PERSON} introductions per fortnight.")
        )
        return Message(tuple(blocks))

    async def send(
        self,
        community: CommunityInfo,
        facilitator: MemberInfo,
        value: str,
        now: datetime,
        days: int,
    ) -> tuple[str, list[Outgoing]]:
        try:
            scope, first_raw, second_raw = value.split("|")
            first_id, second_id = int(first_raw), int(second_raw)
        except ValueError:
            raise CommandError("That introduction button is not valid any more.") from None
        members = {m.id: m for m in await self.repository.community_members(community.id)}
        if first_id not in members or second_id not in members:
            raise CommandError("One of these members has left; run `/trellis weave` again.")
        since = now - FORTNIGHT
        for member_id in (first_id, second_id):
            if await self.repository.woven_with(community.id, member_id, since) >= PER_PERSON:
                name = members[member_id].display_name
                raise CommandError(
                    f"{name} already had {PER_PERSON} introductions this fortnight; "
                    "try again later so they are not flooded."
                )
        if scope != "network" and not scope.startswith("container:"):
            raise CommandError("That introduction button is not valid any more.")
        window = self.health.scoped(community.id, scope, "", days, now)
        found, _ = await self.suggestions(window)
        reason = next(
            (i.reason for i in found if {i.first, i.second} == {first_id, second_id}),
            "A facilitator thinks you two might learn from each other.",
        )
        stored = await self.repository.weave(
            {
                "community_id": community.id,
                "first_member_id": first_id,
                "second_member_id": second_id,
                "fortnight": fortnight_of(now),
                "sent_by": facilitator.id,
                "sent_at": now,
            }
        )
        first = member_info(members[first_id], community.ref.platform)
        second = member_info(members[second_id], community.ref.platform)
        if not stored:
            return (
                f"{first.display_name} and {second.display_name} were already introduced this fortnight.",
                [],
            )
        messages = []
        for me, other in ((first, second), (second, first)):
            text = Message(
                (
                    Text("An introduction", style="heading"),
                    Text(
                        f"You might enjoy talking with {other.display_name} "
                        f"(suggested by {facilitator.display_name}, a facilitator)."
                    ),
                    Text(f"Why: {reason}"),
                    ContextLine("A short message to say hello is enough; no reply is expected."),
                )
            )
            messages.append(
                dm(me, text, f"weave:{first_id}:{second_id}:{fortnight_of(now)}:{me.id}")
            )
        return f"Introduction sent to {first.display_name} and {second.display_name}.", messages
