"""Starting the Slack adapter: Socket Mode with an app token, else HTTP on SLACK_HTTP_PORT.

Scheduled work and outbox retries are woken by bot.scheduling.live while it runs.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.adapters.slack.app import EVENTS_PATH, SlackAdapter
from bot.app import Trellis
from bot.config import Settings

log = logging.getLogger(__name__)


class SlackSetupError(Exception):
    """Slack cannot start with these settings; the message is one line for the user."""


def check_settings(settings: Settings) -> str:
    """The connection mode these settings give, or SlackSetupError saying what is missing."""
    if settings.slack_client_id or settings.slack_client_secret:
        if not (settings.slack_client_id and settings.slack_client_secret):
            raise SlackSetupError(
                "set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install into many "
                "workspaces (or neither, with SLACK_BOT_TOKEN for one)"
            )
        if not settings.slack_signing_secret:
            raise SlackSetupError(
                "SLACK_SIGNING_SECRET is required with SLACK_CLIENT_ID (HTTP mode)"
            )
        if settings.slack_app_token:
            raise SlackSetupError(
                "OAuth installs (SLACK_CLIENT_ID) run in HTTP mode: unset SLACK_APP_TOKEN"
            )
        return "http"
    if not settings.slack_bot_token:
        raise SlackSetupError("SLACK_BOT_TOKEN is not set (the xoxb-… token of your Slack app)")
    if settings.slack_app_token:
        if not settings.slack_app_token.startswith("xapp-"):
            raise SlackSetupError("SLACK_APP_TOKEN must be an app-level token starting xapp-")
        return "socket"
    if not (settings.slack_signing_secret or "").strip():
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


async def serve(trellis: Trellis, settings: Settings, mode: str, host: str) -> int:
    adapter = SlackAdapter(trellis, settings)
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
    return 0
