"""The `trellis` command line (argparse: the standard library does this well)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.storage.db import DatabaseUnavailable

if TYPE_CHECKING:
    from bot.app import Trellis
    from bot.core.ports import Clock
    from bot.delivery.loopback import LoopbackTransport

EPILOG = """Inside a community, members and facilitators use the slash command:
  /trellis help            list every command (try it in `trellis run`)
Configuration comes from the environment or a .env file; see README.md."""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="trellis",
        description="Trellis: a facilitator bot for networked learning communities.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("--version", action="version", version=f"trellis {__version__}")
    root.add_argument(
        "--log-format",
        choices=["text", "json"],
        help="log lines for people (text) or one JSON object per line (json); "
        "default TRELLIS_LOG_FORMAT, else text",
    )
    commands = root.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run", help="start Trellis (console community unless Slack/Discord tokens are set)"
    )
    run.add_argument(
        "--platform",
        choices=["console", "slack", "discord"],
        action="append",
        help="run on this platform (repeatable); default: every configured one, else console",
    )

    commands.add_parser(
        "work",
        help="run scheduled work and deliver the outbox without serving a platform "
        "(one of several processes on PostgreSQL)",
    )

    db = commands.add_parser("db", help="database schema: upgrade, current")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply every migration (run does this on start)")
    db_commands.add_parser("current", help="print the schema revision the database is at")

    commands.add_parser("doctor", help="check the configuration and the database, then exit")
    from bot.demo.cli import add_parser as add_demo_parser

    add_demo_parser(commands)
    from bot.adapters.discord import cli as discord_cli
    from bot.adapters.slack.commands import add_parser as add_slack_parser

    add_slack_parser(commands)
    discord_cli.add_parser(commands)
    return root


def configure_logging(
    settings: Settings, platforms: Sequence[str], log_format: str | None = None
) -> None:
    from bot.ops import logs

    default = "WARNING" if list(platforms) == ["console"] else "INFO"
    level = (settings.trellis_log_level or default).upper()
    logs.configure(level, log_format or settings.trellis_log_format)


async def run_platforms(settings: Settings, platforms: Sequence[str]) -> int:
    from bot.app import lifespan
    from bot.core.ports import SimulatedClock
    from bot.system_clock import SystemClock

    if list(platforms) == ["console"]:
        from bot.adapters.console import ConsoleCommunity

        clock = SimulatedClock(settings.trellis_console_start or SystemClock().now())
        if "trellis_command_rate" not in settings.model_fields_set:
            # The console's clock moves only with `:advance`: a default limit would lock a
            # long scripted run out. Setting TRELLIS_COMMAND_RATE explicitly still applies.
            settings = settings.model_copy(update={"trellis_command_rate": 0})
        async with lifespan(settings, clock) as trellis:
            if trellis.rights is not None:  # `:advance` runs the daily retention job too
                await trellis.rights.plan(clock.now())
            return await ConsoleCommunity(trellis, clock).run()
    return await serve_platforms(settings, platforms)


async def serve_platforms(settings: Settings, platforms: Sequence[str]) -> int:
    """Slack and Discord side by side in one process, sharing one core and one database."""
    from bot.adapters.slack.run import SlackSetupError, check_settings
    from bot.app import lifespan
    from bot.scheduling.live import wake_up

    slack_mode = None
    if "slack" in platforms:
        try:
            slack_mode = check_settings(settings)
        except SlackSetupError as problem:
            print(f"trellis: {problem}", file=sys.stderr)
            return 2
    async with (
        lifespan(settings, live_clock(settings)) as trellis,
        wake_up(trellis, settings.trellis_tick_seconds),
    ):
        attach_loopback(trellis, settings)
        servers = []
        if slack_mode is not None:
            from bot.adapters.slack.run import serve as serve_slack

            servers.append(serve_slack(trellis, settings, slack_mode, "0.0.0.0"))
        if "discord" in platforms:
            from bot.adapters.discord.cli import serve as serve_discord

            servers.append(serve_discord(trellis, settings))
        from bot.ops import health

        # The Slack HTTP server answers /healthz itself; a small server too, if asked for one
        # on another port (so a compose healthcheck needs one port whatever runs).
        port = settings.trellis_health_port
        if slack_mode == "http" and port == settings.slack_http_port:
            port = None
        async with health.serve(trellis.db, port):
            results = await asyncio.gather(*servers)
        return max(results, default=0)


def live_clock(settings: Settings) -> Clock:
    """The wall clock; a test may hand every process one file to read the time from."""
    from bot.scheduling.file_clock import FileClock
    from bot.system_clock import SystemClock

    return FileClock(settings.trellis_clock_file) if settings.trellis_clock_file else SystemClock()


def attach_loopback(trellis: Trellis, settings: Settings) -> LoopbackTransport | None:
    """TEST ONLY: deliver one platform's messages to a local HTTP sink."""
    if not settings.trellis_loopback_url:
        return None
    from bot.delivery.loopback import LoopbackTransport

    transport = LoopbackTransport(settings.trellis_loopback_url, settings.trellis_loopback_platform)
    trellis.outbox.attach(transport)
    return transport


async def work(settings: Settings) -> int:
    """Scheduled work and outbox delivery only, until SIGTERM/SIGINT."""
    import signal

    from bot.app import lifespan
    from bot.scheduling.live import wake_up

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    from bot.ops import health

    async with lifespan(settings, live_clock(settings)) as trellis:
        loopback = attach_loopback(trellis, settings)
        async with (
            wake_up(trellis, settings.trellis_tick_seconds),
            health.serve(trellis.db, settings.trellis_health_port),
        ):
            print("trellis: working (scheduled work and outbox)", file=sys.stderr, flush=True)
            await stop.wait()
        if loopback is not None:
            await loopback.close()
    return 0


async def db_command(settings: Settings, action: str) -> int:
    from bot.storage import migrate
    from bot.storage.db import Database

    database = Database(settings.database_url)
    try:
        await database.check()
        if action == "upgrade":
            await migrate.upgrade(database)
        print(f"schema revision: {await migrate.current_revision(database) or 'none'}")
        return 0
    finally:
        await database.dispose()


async def doctor() -> int:
    from bot.ops import doctor as checks

    found = await checks.run()
    for check in found:
        print(check.line())
    return 0 if all(check.ok for check in found) else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        parser().print_help()
        return 0
    if args.command == "demo":
        from bot.demo.cli import run as run_demo

        return run_demo(args)
    if args.command == "slack":
        from bot.adapters.slack.commands import run as run_slack_command

        return run_slack_command(args)
    if args.command == "doctor":
        return asyncio.run(doctor())
    try:
        settings = load_settings()
        platforms: list[str] = (
            args.platform if getattr(args, "platform", None) else list(settings.platforms())
        )
        configure_logging(settings, platforms, args.log_format)
        if args.command == "run":
            return asyncio.run(run_platforms(settings, platforms))
        if args.command == "discord":
            from bot.adapters.discord.cli import main as discord_main

            return asyncio.run(discord_main(settings, args))
        if args.command == "work":
            return asyncio.run(work(settings))
        if args.command == "db":
            return asyncio.run(db_command(settings, args.db_command))
        raise AssertionError(f"unknown command {args.command}")
    except (ConfigError, DatabaseUnavailable) as problem:
        print(f"trellis: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
