"""The fewest gateway intents that work, dropping privileged ones the app lacks.

Asking for a privileged intent the application has not enabled makes Discord close the
gateway (4014), so Trellis checks the application's flags first and runs without it,
saying in the log what it cannot do then.
"""

from __future__ import annotations

import logging

import discord

log = logging.getLogger(__name__)

WITHOUT_MESSAGE_CONTENT = (
    "Discord: the Message Content intent is not enabled for this application, so Trellis "
    "cannot read the text of channel messages (it still sees authors, replies and mentions "
    "for the interaction graph, DMs, and messages that mention it; commands and buttons work). "
    "Enable it in the Developer Portal under Bot > Privileged Gateway Intents."
)
WITHOUT_MEMBERS = (
    "Discord: the Server Members intent is not enabled for this application, so Trellis "
    "does not see members join or leave. Enable it in the Developer Portal under Bot > "
    "Privileged Gateway Intents."
)


def wanted() -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True  # guilds, channels, threads, roles: who may facilitate
    intents.guild_messages = True  # messages and replies feed the interaction graph
    intents.dm_messages = True  # conversations in DMs
    intents.guild_reactions = True  # reactions feed the interaction graph
    intents.members = True  # privileged: joins and leaves
    intents.message_content = True  # privileged: text of channel messages
    return intents


def fit_to_application(intents: discord.Intents, flags: discord.ApplicationFlags) -> list[str]:
    """Drop privileged intents the application has not enabled; returns what was lost."""
    lost: list[str] = []
    if intents.message_content and not (
        flags.gateway_message_content or flags.gateway_message_content_limited
    ):
        intents.message_content = False
        lost.append(WITHOUT_MESSAGE_CONTENT)
    if intents.members and not (flags.gateway_guild_members or flags.gateway_guild_members_limited):
        intents.members = False
        lost.append(WITHOUT_MEMBERS)
    return lost
