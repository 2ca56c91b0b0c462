"""`/trellis learned|offer|need|exchange emoji`, the consent and introduction buttons, and the
listeners that turn reactions into proposed learnings and messages into activity counts."""

from __future__ import annotations

from bot.community.exchange import CONSENT_ACTION, CaptureService, emoji_name
from bot.community.exchange_offers import INTRO_ACTION, OfferService
from bot.community.exchange_taxonomy import FIELD_NAMES
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import ActionChosen, Actor, CommandInvoked, MessagePosted, ReactionAdded
from bot.core.messages import Outgoing, reply
from bot.core.parsing import Args, CommandError
from bot.core.refs import MemberRef
from bot.core.registry import Registry
from bot.storage.exchange_repository import ExchangeRepository
from bot.storage.repositories import DirectoryRepository

LEARNED = CommandSpec(
    path=("learned",),
    summary="Capture something you learned, for the weekly learning-exchange digest.",
    options=(
        OptionSpec("text", positional=True, help="what you learned, up to 2,000 characters"),
        OptionSpec("field", kind="choice", choices=FIELD_NAMES, help="field of knowledge"),
        OptionSpec("strand", kind="word", help="strand of learning (see /trellis taxonomy show)"),
        OptionSpec(
            "quote", kind="choice", choices=("named", "anonymous"), help="quote it with your name?"
        ),
    ),
    example='/trellis learned "Bar models help" --field practitioner --strand adult',
    details="Default field: practitioner; default quote: named. The digest quotes it.",
)
OFFER = CommandSpec(
    path=("offer",),
    summary="Offer help or know-how; you are introduced to members who need it.",
    options=(OptionSpec("text", positional=True, help="what you can offer"),),
    example='/trellis offer "Coaching on bar models for fractions"',
)
NEED = CommandSpec(
    path=("need",),
    summary="Say what you need; you are introduced to members who offer it.",
    options=(OptionSpec("text", positional=True, help="what you are looking for"),),
    example='/trellis need "Ideas for teaching fractions to year 4"',
)
EMOJI = CommandSpec(
    path=("exchange", "emoji"),
    summary="Set the reaction that proposes a message as a learning (default bulb).",
    options=(OptionSpec("emoji", kind="word", positional=True, required=True, help="e.g. bulb"),),
    role="facilitator",
    example="/trellis exchange emoji bulb",
)


async def known_member(
    directory: DirectoryRepository, community: CommunityInfo, ref: MemberRef
) -> MemberInfo:
    """The member a message names; first seen here, they are recorded under their platform id
    until they act themselves (their name is then filled in)."""
    found = await directory.find_member(community, ref)
    return found or await directory.member(community, Actor(ref, ref.external_id))


async def known_member_id(
    directory: DirectoryRepository, community: CommunityInfo, ref: MemberRef
) -> int:
    """`known_member`'s id, from the directory's cache when it has it (messages are many)."""
    found = await directory.member_id(community, ref)
    return found if found is not None else (await known_member(directory, community, ref)).id


def register(
    registry: Registry,
    capture: CaptureService,
    offers: OfferService,
    repository: ExchangeRepository,
    directory: DirectoryRepository,
) -> None:
    async def learned(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        learning, container = await capture.learned(
            ctx.community,
            ctx.member,
            ctx.event.channel,
            args.text("text"),
            field=args.text("field") or "practitioner",
            strand=args.text("strand"),
            quote=args.text("quote") or "named",
            now=ctx.now,
        )
        where = f"{container} and of the network" if container is not None else "the network"
        how = "with your name" if learning.consent == "named" else "without your name"
        return [reply(f"Captured. The next digest of {where} will quote it {how}.")]

    async def post(ctx: Context[CommandInvoked], args: Args, kind: str) -> list[Outgoing]:
        posted = await offers.post(
            ctx.community, ctx.member, ctx.event.channel, kind, args.text("text"), ctx.now
        )
        other = "needs" if kind == "offer" else "offers"
        if posted.matches:
            text = (
                f"Noted your {kind}. It matches {posted.matches} of the {other} members posted; "
                "both sides are asked by direct message whether they would like an introduction."
            )
        else:
            text = f"Noted your {kind}. No matching {other} yet; you will hear when one comes up."
        return [reply(text), *posted.messages]

    async def offer(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        return await post(ctx, args, "offer")

    async def need(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        return await post(ctx, args, "need")

    async def set_emoji(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        name = emoji_name(args.text("emoji"))
        if not name or len(name) > 64 or " " in name:
            raise CommandError("Give one emoji name, e.g. `/trellis exchange emoji bulb`.")
        await repository.set_emoji(ctx.community.id, name)
        return [reply(f"Reacting with :{name}: now proposes a message as a learning.")]

    async def consent(ctx: Context[ActionChosen]) -> list[Outgoing]:
        decision = await capture.decide(ctx.member, ctx.event.value, ctx.now)
        return [reply(decision.message)]

    async def introduce(ctx: Context[ActionChosen]) -> list[Outgoing]:
        text, messages = await offers.answer(ctx.community, ctx.member, ctx.event.value, ctx.now)
        return [reply(text), *messages]

    async def reacted(ctx: Context[ReactionAdded]) -> list[Outgoing]:
        event = ctx.event
        if event.message_author is None:
            return []
        author = await known_member(directory, ctx.community, event.message_author)
        return await capture.propose(ctx.community, event, ctx.member, author, ctx.now)

    async def posted(ctx: Context[MessagePosted]) -> list[Outgoing]:
        """Count the message (never its text) for the digest's activity figures."""
        event = ctx.event
        if event.direct or event.channel is None:
            return []
        container = await capture.container_of(ctx.community, event.channel)
        other_ref = event.reply_to or next(iter(event.mentioned), None)
        other = (
            await known_member_id(directory, ctx.community, other_ref)
            if other_ref is not None
            else None
        )
        await repository.record_message(
            community_id=ctx.community.id,
            container_id=container.id if container else None,
            member_id=ctx.member.id,
            other_member_id=other if other and other != ctx.member.id else None,
            thread_id=event.thread_id[:128] if event.thread_id else None,
            at=ctx.now,
        )
        return []

    registry.command(LEARNED, learned)
    registry.command(OFFER, offer)
    registry.command(NEED, need)
    registry.command(EMOJI, set_emoji)
    registry.action(CONSENT_ACTION, consent)
    registry.action(INTRO_ACTION, introduce)
    registry.listen(ReactionAdded, reacted)
    registry.listen(MessagePosted, posted)
