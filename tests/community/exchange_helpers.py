"""Small helpers for the exchange tests: members in a container, messages and reactions."""

from __future__ import annotations

from bot.adapters.memory import PLATFORM, MemoryCommunity
from bot.core.events import ActionChosen, MessagePosted, ReactionAdded
from bot.core.messages import Outgoing
from bot.core.refs import MemberRef
from bot.storage.models import ContainerMembership
from bot.storage.repositories import update_member_profile


def text_of(replies: list[Outgoing]) -> str:
    return "\n".join(r.message.plain_text() for r in replies)


async def member_id(community: MemoryCommunity, name: str, org_type: str | None = None) -> int:
    info = await community.trellis.directory.community(community.community)
    member = await community.trellis.directory.member(info, community.actor(name))
    if org_type:
        await update_member_profile(community.trellis.db, member.id, organisation_type=org_type)
    return member.id


async def join(community: MemoryCommunity, container_id: int, name: str) -> None:
    """Stand-in for issue 5's `/trellis join`: a membership row."""
    ident = await member_id(community, name)
    async with community.trellis.db.session() as session:
        session.add(
            ContainerMembership(
                container_id=container_id,
                member_id=ident,
                joined_at=community.trellis.clock.now(),
            )
        )


async def pod(community: MemoryCommunity, channel: str = "maths") -> int:
    """A container in #channel created by facilitator ana; returns its id."""
    await community.command(
        'container create Maths --purpose "Teach fractions"', by="ana", admin=True, channel=channel
    )
    info = await community.trellis.directory.community(community.community)
    from bot.storage.repositories import ContainerRepository

    container = await ContainerRepository(community.trellis.db).open_in_channel(info.id, channel)
    assert container is not None and container.id is not None
    return container.id


async def say(
    community: MemoryCommunity,
    name: str,
    text: str,
    *,
    channel: str = "maths",
    message_id: str = "m1",
    reply_to: str | None = None,
) -> None:
    await community.send(
        MessagePosted(
            community=community.community,
            actor=community.actor(name),
            channel=community.channel(channel),
            text=text,
            message_id=message_id,
            reply_to=MemberRef(PLATFORM, reply_to) if reply_to else None,
        )
    )


async def react(
    community: MemoryCommunity,
    by: str,
    author: str,
    text: str,
    *,
    message_id: str,
    emoji: str = "bulb",
    channel: str = "maths",
) -> list[Outgoing]:
    return await community.send(
        ReactionAdded(
            community=community.community,
            actor=community.actor(by),
            channel=community.channel(channel),
            emoji=emoji,
            message_id=message_id,
            message_author=MemberRef(PLATFORM, author),
            message_text=text,
        )
    )


async def click(community: MemoryCommunity, by: str, action: str, value: str) -> list[Outgoing]:
    return await community.send(
        ActionChosen(
            community=community.community,
            actor=community.actor(by),
            action_id=action,
            value=value,
        )
    )
