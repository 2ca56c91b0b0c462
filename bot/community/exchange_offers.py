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
from bot.storage.exchange_repository import ExchangeRepository
from bot.storage.models import Member
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


def side(listing: ExchangeListing, member: Member) -> Side:
    assert listing.id is not None and member.id is not None
    return Side(listing.id, member.id, frozenset(listing.keywords.split()), topics(member.topics))


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
            await self.containers.open_in_channel(community.id, channel.external_id)
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
        author = await self.repository.member(member.id)
        assert author is not None
        other_kind = "need" if kind == "offer" else "offer"
        candidates = await self.repository.open_listings(community.id, other_kind, member.id)
        by_id = {c.id: (c, m) for c, m in candidates}
        found = best_matches(
            side(listing, author), [side(c, m) for c, m in candidates], kind == "offer"
        )
        messages: list[Outgoing] = []
        for other, _score in found:
            other_listing, other_member = by_id[other.listing_id]
            offer, need = (listing, other_listing) if kind == "offer" else (other_listing, listing)
            offerer, needer = (author, other_member) if kind == "offer" else (other_member, author)
            assert offer.id is not None and need.id is not None
            intro = await self.repository.propose_introduction(community.id, offer.id, need.id, now)
            if intro is None or intro.id is None:
                continue
            platform = community.ref.platform
            messages += [
                Outgoing(
                    ask(intro.id, "offer", offer, need),
                    ToMember(MemberRef(platform, offerer.platform_user_id)),
                    f"intro:{intro.id}:offer",
                ),
                Outgoing(
                    ask(intro.id, "need", offer, need),
                    ToMember(MemberRef(platform, needer.platform_user_id)),
                    f"intro:{intro.id}:need",
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
        intro, offer, need = found
        if member.id == offer.member_id:
            which = "offer"
        elif member.id == need.member_id:
            which = "need"
        else:
            raise CommandError("That introduction was offered to someone else.")
        already = intro.introduced_at is not None
        updated = await self.repository.answer_introduction(int(raw_id), which, answer, now)
        assert updated is not None and updated.id is not None
        if answer == "no":
            return "Understood. Nobody is told who you are.", []
        if updated.introduced_at is None:
            return "Thank you. We will introduce you as soon as the other side agrees.", []
        if already:
            return "You are already introduced.", []
        offerer = await self.repository.member(offer.member_id)
        needer = await self.repository.member(need.member_id)
        assert offerer is not None and needer is not None
        platform = community.ref.platform
        made = Message(
            (
                Text("You are introduced", style="heading"),
                Text(f"{offerer.display_name} offers:"),
                Text(offer.text, style="quote"),
                Text(f"{needer.display_name} needs:"),
                Text(need.text, style="quote"),
                Context("You both said yes. Say hello to each other in a direct message."),
            )
        )
        messages = [
            Outgoing(made, ToMember(MemberRef(platform, who.platform_user_id)), key)
            for who, key in (
                (offerer, f"intro:{updated.id}:made:offer"),
                (needer, f"intro:{updated.id}:made:need"),
            )
        ]
        return "Thank you; you are both introduced (see your direct messages).", messages


def ask(intro_id: int, to: str, offer: ExchangeListing, need: ExchangeListing) -> Message:
    if to == "offer":
        lines = ("Someone in the network needs:", need.text, "It matches your offer:", offer.text)
    else:
        lines = ("Someone in the network offers:", offer.text, "It matches your need:", need.text)
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
