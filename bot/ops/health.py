"""Liveness and readiness over HTTP, for load balancers and orchestrators.

`GET /healthz` answers 200 while the process serves requests (liveness: restart it if not);
`GET /readyz` answers 200 only when the database answers too (readiness: send it no traffic
until then). The Slack HTTP server carries both; `trellis work` and a Discord-only process
start a small server of their own when TRELLIS_HEALTH_PORT is set."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bot.storage.db import Database, DatabaseUnavailable

log = logging.getLogger(__name__)
HEALTHZ = "/healthz"
READYZ = "/readyz"


def add_routes(application: web.Application, database: Database) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        try:
            await database.check()
        except DatabaseUnavailable as problem:
            log.warning("not ready: %s", problem)
            return web.json_response(
                {"status": "unavailable", "database": str(problem)}, status=503
            )
        return web.json_response({"status": "ok", "database": "ok"})

    application.router.add_get(HEALTHZ, healthz)
    application.router.add_get(READYZ, readyz)


@asynccontextmanager
async def serve(database: Database, port: int | None, host: str = "0.0.0.0") -> AsyncIterator[int]:
    """A standalone health server while the block runs; yields the port (0 = none started)."""
    if port is None:
        yield 0
        return
    application = web.Application()
    add_routes(application, database)
    runner = web.AppRunner(application)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
    log.info("health endpoints at http://%s:%d%s and %s", host, bound, HEALTHZ, READYZ)
    try:
        yield bound
    finally:
        await runner.cleanup()
