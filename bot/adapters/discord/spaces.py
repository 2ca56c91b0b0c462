"""Subgroup spaces: Discord bots cannot open group DMs, so a subgroup meets in a private
thread of its container's channel, with its members added."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

import discord

from bot.adapters.discord import translate
from bot.core.refs import ChannelRef, MemberRef

log = logging.getLogger(__name__)
ARCHIVE_AFTER_MINUTES: Literal[10080] = 10080  # a week: subgroups meet over days, not minutes
NAME_LIMIT = 100


class SpaceError(Exception):
    """The space could not be made; `str()` is a clear message for the facilitator."""


async def open_private_thread(
    client: discord.Client, channel: ChannelRef, name: str, members: Sequence[MemberRef]
) -> ChannelRef:
    """Create a private thread in `channel` and add `members`; returns the thread."""
    where = channel.name or channel.external_id
    try:
        parent = client.get_channel(int(channel.external_id)) or await client.fetch_channel(
            int(channel.external_id)
        )
    except discord.NotFound:
        raise SpaceError(f"The channel #{where} no longer exists.") from None
    except discord.Forbidden:
        log.warning("no access to channel %s to open a subgroup thread", channel.external_id)
        raise SpaceError(
            f"Trellis cannot see #{where}. Give it the View Channel permission there."
        ) from None
    if not isinstance(parent, discord.TextChannel):
        raise SpaceError(f"#{where} is not a text channel; subgroups need one for threads.")
    try:
        thread = await parent.create_thread(
            name=name[:NAME_LIMIT] or "subgroup",
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=ARCHIVE_AFTER_MINUTES,
        )
    except discord.Forbidden as problem:
        log.warning(
            "missing permission to create a private thread in %s: %s", channel.external_id, problem
        )
        raise SpaceError(
            f"Trellis is missing the Create Private Threads permission in #{where}; "
            "ask a server admin to grant it, then try again."
        ) from None
    except discord.HTTPException as problem:
        log.error("creating a private thread in %s failed: %s", channel.external_id, problem)
        raise SpaceError(f"Discord would not create the subgroup thread in #{where}.") from None
    missing: list[str] = []
    for member in members:
        try:
            await thread.add_user(discord.Object(int(member.external_id)))
        except discord.HTTPException as problem:
            log.warning("could not add %s to thread %s: %s", member.external_id, thread.id, problem)
            missing.append(member.external_id)
    if missing:
        raise SpaceError(
            f"The thread was created, but {len(missing)} member(s) could not be added; "
            "they may have left the server."
        )
    return translate.channel_ref(thread.id, thread.name)
