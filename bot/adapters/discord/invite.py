"""`trellis discord invite`: the OAuth2 URL with exactly the scopes and permissions used."""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")


def permissions() -> discord.Permissions:
    """Each bit is used by a feature; docs/discord.md says which."""
    return discord.Permissions(
        view_channel=True,  # see the channels where containers live
        send_messages=True,  # post prompts, digests and announcements
        send_messages_in_threads=True,  # talk in subgroup threads
        create_private_threads=True,  # subgroup spaces are private threads
        embed_links=True,  # long messages are sent as embeds
        attach_files=True,  # charts are sent as image attachments
        read_message_history=True,  # see which message a reply answers
    )


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=permissions(), scopes=SCOPES)
