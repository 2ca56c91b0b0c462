"""`trellis run --platform discord`, `trellis discord sync` and `trellis discord invite`.

Kept here so `bot/cli.py` needs only a few lines to offer them.
"""

from __future__ import annotations

import argparse
import logging
import sys

import discord

from bot.adapters.discord import endpoints
from bot.adapters.discord.client import TrellisClient, shard_ids
from bot.adapters.discord.invite import invite_url
from bot.adapters.discord.startup import run_client
from bot.app import Trellis, build
from bot.config import ConfigError, Settings
from bot.system_clock import SystemClock

log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = commands.add_parser("discord", help="Discord set-up: sync, invite")
    actions = group.add_subparsers(dest="discord_command", metavar="ACTION", required=True)
    sync = actions.add_parser(
        "sync", help="register the /trellis command with Discord (after adding commands)"
    )
    sync.add_argument(
        "--guild", type=int, metavar="ID", help="one server only: appears at once (for testing)"
    )
    actions.add_parser("invite", help="print the URL that adds Trellis to a server")


def token_of(settings: Settings) -> str:
    if not settings.discord_token:
        raise ConfigError("DISCORD_TOKEN: not set (Developer Portal > your app > Bot > Token)")
    return settings.discord_token


def make_client(trellis: Trellis, settings: Settings) -> TrellisClient:
    try:
        ids = shard_ids(settings.discord_shard_ids)
    except ValueError as problem:
        raise ConfigError(str(problem)) from None
    if ids is not None and settings.discord_shard_count is None:
        raise ConfigError("DISCORD_SHARD_IDS: needs DISCORD_SHARD_COUNT (the total) as well")
    if ids is not None and any(i >= (settings.discord_shard_count or 0) or i < 0 for i in ids):
        raise ConfigError("DISCORD_SHARD_IDS: every id must be below DISCORD_SHARD_COUNT")
    return TrellisClient(trellis, shard_count=settings.discord_shard_count, shard_ids=ids)


async def serve(trellis: Trellis, settings: Settings) -> int:
    """Run Trellis on Discord until stopped."""
    token = token_of(settings)
    endpoints.configure(settings)
    make_client(trellis, settings)  # check the shard settings before connecting
    return await run_client(lambda: make_client(trellis, settings), token)


async def sync(settings: Settings, guild_id: int | None) -> int:
    token = token_of(settings)
    endpoints.configure(settings)
    trellis = build(settings, SystemClock())
    try:
        client = TrellisClient(trellis)
        async with client:
            await client.login(token)
            guild = discord.Object(guild_id) if guild_id else None
            if guild is not None:
                client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
        where = f"server {guild_id}" if guild_id else "every server (may take up to an hour)"
        names = ", ".join(f"/{c.name}" for c in synced)
        print(f"registered {names} for {where}")
        return 0
    except discord.LoginFailure:
        print("trellis: Discord refused DISCORD_TOKEN", file=sys.stderr)
        return 2
    except discord.HTTPException as problem:
        print(f"trellis: Discord refused the commands: {problem}", file=sys.stderr)
        return 2
    finally:
        await trellis.db.dispose()


async def invite(settings: Settings) -> int:
    application_id = settings.discord_application_id
    if application_id is None:
        endpoints.configure(settings)
        client = discord.Client(intents=discord.Intents.none())
        try:
            async with client:
                await client.login(token_of(settings))
                application_id = client.application_id
        except discord.LoginFailure:
            print("trellis: Discord refused DISCORD_TOKEN", file=sys.stderr)
            return 2
    if application_id is None:
        print(
            "trellis: could not learn the application id; set DISCORD_APPLICATION_ID",
            file=sys.stderr,
        )
        return 2
    print(invite_url(application_id))
    return 0


async def main(settings: Settings, args: argparse.Namespace) -> int:
    if args.discord_command == "sync":
        return await sync(settings, args.guild)
    return await invite(settings)
