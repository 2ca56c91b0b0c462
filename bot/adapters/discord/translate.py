"""Discord objects -> neutral events. Pure functions: no I/O, no state.

Each event carries a stable `event_id` where Discord gives one, so a gateway RESUME that
replays events (or any redelivery) is processed once by the router's dedupe.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import discord

from bot.core.commands import CommandSpec
from bot.core.events import (
    Actor,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
)
from bot.core.refs import ChannelRef, CommunityRef, MemberRef

PLATFORM = "discord"
AnyUser = discord.Member | discord.User


def community(guild_id: int) -> CommunityRef:
    return CommunityRef(PLATFORM, str(guild_id))


def member_ref(user_id: int) -> MemberRef:
    return MemberRef(PLATFORM, str(user_id))


def channel_ref(channel_id: int, name: str | None = None) -> ChannelRef:
    return ChannelRef(PLATFORM, str(channel_id), name)


def channel_of(channel: object) -> ChannelRef | None:
    channel_id = getattr(channel, "id", None)
    if not isinstance(channel_id, int):
        return None
    name = getattr(channel, "name", None)
    return channel_ref(channel_id, name if isinstance(name, str) else None)


def is_platform_admin(user: AnyUser, guild: discord.Guild | None) -> bool:
    """Owner, Administrator or Manage Server: facilitators from the start."""
    if not isinstance(user, discord.Member):
        return False
    owner_id = guild.owner_id if guild is not None else user.guild.owner_id
    if owner_id == user.id:
        return True
    permissions = user.resolved_permissions or user.guild_permissions
    return permissions.administrator or permissions.manage_guild


def actor(user: AnyUser, guild: discord.Guild | None = None) -> Actor:
    return Actor(
        member_ref(user.id), user.display_name, platform_admin=is_platform_admin(user, guild)
    )


def message_posted(message: discord.Message, guild_id: int) -> MessagePosted:
    """A message in a channel, thread or DM; `reply_to` and mentions feed the graph."""
    reply_to = None
    reference = message.reference
    if reference is not None and isinstance(reference.resolved, discord.Message):
        reply_to = member_ref(reference.resolved.author.id)
    thread_id = str(message.channel.id) if isinstance(message.channel, discord.Thread) else None
    direct = isinstance(message.channel, discord.DMChannel)
    return MessagePosted(
        community=community(guild_id),
        actor=actor(message.author, message.guild),
        channel=None if direct else channel_of(message.channel),
        event_id=f"message:{message.id}",
        text=message.content,
        message_id=str(message.id),
        reply_to=reply_to,
        thread_id=thread_id,
        mentioned=tuple(member_ref(u.id) for u in message.mentions if u.id != message.author.id),
        direct=direct,
    )


def reaction_added(payload: discord.RawReactionActionEvent) -> ReactionAdded | None:
    if payload.guild_id is None or payload.member is None:
        return None
    author = payload.message_author_id
    return ReactionAdded(
        community=community(payload.guild_id),
        actor=actor(payload.member),
        channel=channel_ref(payload.channel_id),
        event_id=f"reaction:{payload.message_id}:{payload.user_id}:{payload.emoji}",
        emoji=str(payload.emoji),
        message_id=str(payload.message_id),
        message_author=member_ref(author) if author is not None else None,
    )


def member_joined(member: discord.Member) -> MemberJoined:
    joined = member.joined_at.isoformat() if member.joined_at else "unknown"
    return MemberJoined(
        community=community(member.guild.id),
        actor=actor(member),
        event_id=f"join:{member.id}:{joined}",
    )


def with_message(reaction: ReactionAdded, message: discord.Message | None) -> ReactionAdded:
    """The reaction with the reacted message's text and author, when we could read it
    (without the message-content intent the text is empty, and nothing is stored)."""
    if message is None:
        return reaction
    return replace(
        reaction,
        message_text=message.content,
        message_author=reaction.message_author or member_ref(message.author.id),
    )


def member_left(payload: discord.RawMemberRemoveEvent, now: datetime) -> MemberLeft:
    """Discord gives a leave no id: (guild, user, minute) stands in, so a replayed
    dispatch (after a RESUME) does the work once."""
    user = payload.user
    return MemberLeft(
        community=community(payload.guild_id),
        actor=Actor(member_ref(user.id), user.display_name),
        event_id=f"leave:{payload.guild_id}:{user.id}:{now:%Y%m%d%H%M}",
    )


def thread_members_update(
    data: dict[str, Any], me: str | None, now: datetime
) -> list[MemberJoined | MemberLeft]:
    """A raw THREAD_MEMBERS_UPDATE -> joins and leaves of that thread (a subgroup's space),
    as the core's member events with the thread as channel. Removals carry no time: the
    minute stands in, so a replayed dispatch (after a RESUME) is handled once."""
    guild = community(int(data["guild_id"]))
    thread = channel_ref(int(data["id"]))
    events: list[MemberJoined | MemberLeft] = []
    for added in data.get("added_members") or []:
        user_id = str(added.get("user_id") or "")
        if not user_id or user_id == me:
            continue
        member = added.get("member") or {}
        user = member.get("user") or {}
        name = str(member.get("nick") or user.get("global_name") or user.get("username") or "")
        events.append(
            MemberJoined(
                community=guild,
                # No name given: empty, so the directory keeps the stored one (not the id).
                actor=Actor(MemberRef(PLATFORM, user_id), name),
                channel=thread,
                event_id=f"thread-join:{thread.external_id}:{user_id}:{added.get('join_timestamp')}",
            )
        )
    for removed in data.get("removed_member_ids") or []:
        user_id = str(removed)
        if user_id == me:
            continue
        events.append(
            MemberLeft(
                community=guild,
                actor=Actor(MemberRef(PLATFORM, user_id), ""),  # a removal carries no name
                channel=thread,
                event_id=f"thread-leave:{thread.external_id}:{user_id}:{now:%Y%m%d%H%M}",
            )
        )
    return events


QUOTE_PAIRS = (('"', '"'), ("“", "”"), ("‘", "’"), ("«", "»"), ("'", "'"))


def quoted(value: str) -> str:
    """Quote a value so the core's tokenizer gives it back whole and never as an option."""
    for opening, closing in QUOTE_PAIRS:
        if closing not in value:
            return f"{opening}{value}{closing}"
    return "«" + value.replace("»", "›") + "»"


def command_text(spec: CommandSpec, values: dict[str, str]) -> str:
    """The `/trellis` line the core parses, rebuilt from typed app-command options.

    Positionals keep their declared order; a missing optional one before a given one is
    an empty quoted token, which the parser skips.
    """
    words = list(spec.path)
    positionals = [o.name for o in spec.positionals]
    given = [i for i, name in enumerate(positionals) if name in values]
    for name in positionals[: given[-1] + 1 if given else 0]:
        words.append(quoted(values.get(name, "")))
    for option in spec.options:
        if not option.positional and option.name in values:
            words += [f"--{option.name}", quoted(values[option.name])]
    return " ".join(words)
