"""Offers and needs: matched across members, with an introduction offered to both sides.
Names are shared only once both sides say yes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.community.exchange_matching import Side, best_matches, keywords, topics
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Button, Buttons, Context, Message, Outgoing, Text, ToMember
from bot.core.parsing import CommandError
from bot.core.refs import ChannelRef, MemberRef
from bot.storage.exchange_repository import AnyRow, ExchangeRepository
from bot.storage.models.exchange import ExchangeListing
from bot.storage.repositories import ContainerRepository

MAX_LISTING = 1000
INTRO_ACTION = "exchange.intro"
WORDS = {"offer": "offer", "need": "need"}


@dataclass(frozen=True, slots=True)
class Posted:
    listing: ExchangeListing
    matches: int
    messages: list[Outgoing]


def side(row: AnyRow) -> Side:
    """An open listing (a row of `open_listings`) as matching sees it."""
    return Side(row.id, row.member_id, frozenset(row.keywords.split()), topics(row.topics))


class OfferService:
    def __init__(self, repository: ExchangeRepository, containers: ContainerRepository) -> None:
        self.repository = repository
        self.containers = containers

    async def post(
        self,
        community: CommunityInfo,
        member: MemberInfo,
        channel: ChannelRef | None,
        kind: str,
        text: str,
        now: datetime,
    ) -> Posted:
        text = text.strip()
        if not text:
            raise CommandError(
                f"Say what you {kind} after the command. Example: /trellis {kind} "
                + (
                    '"Coaching on bar models for fractions"'
                    if kind == "offer"
                    else '"Ideas for teaching fractions to year 4"'
                )
            )
        if len(text) > MAX_LISTING:
            raise CommandError(
                f"That {kind} is {len(text):,} characters; at most {MAX_LISTING:,}. "
                f"Here it is to shorten:\n\n{text}"
            )
        container = (
            await self.repository.channel_container(community.id, channel.external_id)
            if channel
            else None
        )
        listing = await self.repository.add_listing(
            ExchangeListing(
                community_id=community.id,
                container_id=container.id if container else None,
                member_id=member.id,
                kind=kind,
                text=text,
                keywords=" ".join(sorted(keywords(text))),
                created_at=now,
            )
        )
        assert listing.id is not None
        # The author's topics come with the command's member (MemberInfo), not a fresh read.
        mine = Side(
            listing.id,
            member.id,
            frozenset(listing.keywords.split()),
            topics(",".join(member.topics)),
        )
        other_kind = "need" if kind == "offer" else "offer"
        candidates = await self.repository.open_listings(community.id, other_kind, member.id)
        by_id = {c.id: c for c in candidates}
        found = best_matches(mine, [side(c) for c in candidates], kind == "offer")
        pairs: list[tuple[int, int, str, str, str, str]] = []
        for other, _score in found:
            row = by_id[other.listing_id]
            if kind == "offer":
                pairs.append(
                    (
                        listing.id,
                        row.id,
                        text,
                        row.text,
                        member.ref.external_id,
                        row.platform_user_id,
                    )
                )
            else:
                pairs.append(
                    (
                        row.id,
                        listing.id,
                        row.text,
                        text,
                        row.platform_user_id,
                        member.ref.external_id,
                    )
                )
        made = await self.repository.propose_introductions(
            community.id, [(offer_id, need_id) for offer_id, need_id, *_ in pairs], now
        )
        platform = community.ref.platform
        messages: list[Outgoing] = []
        for offer_id, need_id, offer_text, need_text, offerer, needer in pairs:
            intro_id = made.get((offer_id, need_id))
            if intro_id is None:
                continue
            messages += [
                Outgoing(
                    ask(intro_id, "offer", offer_text, need_text),
                    ToMember(MemberRef(platform, offerer)),
                    f"intro:{intro_id}:offer",
                ),
                Outgoing(
                    ask(intro_id, "need", offer_text, need_text),
                    ToMember(MemberRef(platform, needer)),
                    f"intro:{intro_id}:need",
                ),
            ]
        return Posted(listing, len(messages) // 2, messages)

    async def answer(
        self, community: CommunityInfo, member: MemberInfo, value: str, now: datetime
    ) -> tuple[str, list[Outgoing]]:
        raw_id, _, answer = value.partition(":")
        found = await self.repository.introduction(int(raw_id)) if raw_id.isdigit() else None
        if found is None or answer not in ("yes", "no"):
            raise CommandError("That introduction is no longer open; nothing was changed.")
        if member.id == found.offer_member_id:
            which = "offer"
        elif member.id == found.need_member_id:
            which = "need"
        else:
            raise CommandError("That introduction was offered to someone else.")
        already = found.introduced_at is not None
        updated = await self.repository.answer_introduction(int(raw_id), which, answer, now)
        assert updated is not None and updated.id is not None
        if answer == "no":
            return "Understood. Nobody is told who you are.", []
        if updated.introduced_at is None:
            return "Thank you. We will introduce you as soon as the other side agrees.", []
        if already:
            return "You are already introduced.", []
        platform = community.ref.platform
        made = Message(
            (
                Text("You are introduced", style="heading"),
                Text(f"{found.offerer_name} offers:"),
                Text(found.offer_text, style="quote"),
                Text(f"{found.needer_name} needs:"),
                Text(found.need_text, style="quote"),
                Context("You both said yes. Say hello to each other in a direct message."),
            )
        )
        messages = [
            Outgoing(made, ToMember(MemberRef(platform, who)), key)
            for who, key in (
                (found.offerer_user_id, f"intro:{updated.id}:made:offer"),
                (found.needer_user_id, f"intro:{updated.id}:made:need"),
            )
        ]
        return "Thank you; you are both introduced (see your direct messages).", messages


def ask(intro_id: int, to: str, offer: str, need: str) -> Message:
    """The question to one side, with the texts of the offer and the need."""
    if to == "offer":
        lines = ("Someone in the network needs:", need, "It matches your offer:", offer)
    else:
        lines = ("Someone in the network offers:", offer, "It matches your need:", need)
    return Message(
        (
            Text("An introduction?", style="heading"),
            Text(lines[0]),
            Text(lines[1], style="quote"),
            Text(lines[2]),
            Text(lines[3], style="quote"),
            Buttons(
                (
                    Button("Yes, introduce us", INTRO_ACTION, f"{intro_id}:yes", "primary"),
                    Button("Not now", INTRO_ACTION, f"{intro_id}:no"),
                )
            ),
            Context("Names are shared only if you both say yes."),
        )
    )
