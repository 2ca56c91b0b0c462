"""Starting the Slack adapter: Socket Mode with an app token, else HTTP on SLACK_HTTP_PORT.

While it runs, a small loop runs scheduled work and retries the outbox (failed deliveries
come due again later), since no Slack event may arrive to trigger them.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.adapters.slack.app import EVENTS_PATH, SlackAdapter
from bot.app import Trellis
from bot.config import Settings

log = logging.getLogger(__name__)
TICK_SECONDS = 15.0


class SlackSetupError(Exception):
    """Slack cannot start with these settings; the message is one line for the user."""


def check_settings(settings: Settings) -> str:
    """The connection mode these settings give, or SlackSetupError saying what is missing."""
    if not settings.slack_bot_token:
        raise SlackSetupError("SLACK_BOT_TOKEN is not set (the xoxb-… token of your Slack app)")
    if settings.slack_app_token:
        if not settings.slack_app_token.startswith("xapp-"):
            raise SlackSetupError("SLACK_APP_TOKEN must be an app-level token starting xapp-")
        return "socket"
    if not settings.slack_signing_secret:
        raise SlackSetupError(
            "SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)"
        )
    return "http"


def socket_mode(adapter: SlackAdapter, app_token: str) -> AsyncSocketModeHandler:
    return AsyncSocketModeHandler(adapter.bolt, app_token)


async def serve_http(adapter: SlackAdapter, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(adapter.web_app())
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("Slack requests served at http://%s:%d%s", host, port, EVENTS_PATH)
    return runner


async def tick(trellis: Trellis, sleep: Callable[[float], Awaitable[Any]]) -> None:
    while True:
        try:
            await trellis.scheduler.run_due()
            await trellis.outbox.drain()
        except Exception:
            log.exception("scheduled work or outbox retry failed; trying again later")
        await sleep(TICK_SECONDS)


async def run_slack(settings: Settings, host: str = "0.0.0.0") -> int:
    """Check the settings, open the database, and run until cancelled (Ctrl-C)."""
    from bot.app import lifespan
    from bot.core.ports import SystemClock

    try:
        mode = check_settings(settings)
    except SlackSetupError as problem:
        print(f"trellis: {problem}", file=sys.stderr)
        return 2
    async with lifespan(settings, SystemClock()) as trellis:
        return await serve(trellis, settings, mode, host)


async def serve(trellis: Trellis, settings: Settings, mode: str, host: str) -> int:
    adapter = SlackAdapter(trellis, settings)
    ticker = asyncio.create_task(tick(trellis, asyncio.sleep))
    try:
        if mode == "socket":
            assert settings.slack_app_token is not None
            handler = socket_mode(adapter, settings.slack_app_token)
            log.info("connecting to Slack in Socket Mode")
            await handler.connect_async()  # type: ignore[no-untyped-call]
            try:
                await asyncio.Event().wait()
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]
        else:
            runner = await serve_http(adapter, host, settings.slack_http_port)
            try:
                await asyncio.Event().wait()
            finally:
                await runner.cleanup()
    finally:
        ticker.cancel()
    return 0
