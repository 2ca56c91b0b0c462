"""Where discord.py talks to: Discord by default, a proxy or a test fake when configured.

discord.py keeps these as class attributes, so setting them affects every client in the
process; that is what a process talking to one Discord wants.
"""

from __future__ import annotations

import discord
import yarl

from bot.config import Settings

DISCORD_API = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def configure(settings: Settings) -> None:
    discord.http.Route.BASE = (settings.discord_api_base or DISCORD_API).rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
        settings.discord_gateway_url or DISCORD_GATEWAY
    )
