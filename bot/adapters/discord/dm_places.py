"""A DM that could belong to several communities: ask the member which, with buttons.

The bot may share several servers with a member. A DM Trellis opened belongs to the
community it was opened for (stored with the DM channel); a DM the member starts, with no
such record and more than one shared server, is answered with one button per server. The
button's custom id carries the server and the message, so nothing waits in memory.
"""

from __future__ import annotations

import logging

import discord

from bot.adapters.discord.components import ActionButton

log = logging.getLogger(__name__)
PLACE_ACTION = "discord.place"
QUESTION = "You are in several communities with Trellis. Which one is this message for?"
MAX_BUTTONS = 25  # five rows of five


def place_value(guild_id: int, message_id: int) -> str:
    return f"{guild_id}.{message_id}"


def parse_place(value: str) -> tuple[int, int] | None:
    guild, _, message = value.partition(".")
    if not (guild.isdigit() and message.isdigit()):
        return None
    return int(guild), int(message)


async def ask_which(message: discord.Message, guilds: list[discord.Guild]) -> None:
    view = discord.ui.View(timeout=None)
    for guild in sorted(guilds, key=lambda g: g.name.lower())[:MAX_BUTTONS]:
        view.add_item(
            ActionButton(PLACE_ACTION, place_value(guild.id, message.id), guild.name, "primary")
        )
    try:
        await message.channel.send(
            QUESTION, view=view, allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException as problem:
        log.warning("could not ask %s which community a DM is for: %s", message.author.id, problem)
