"""Liveness and readiness: /healthz while the process serves, /readyz only with a database."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import aiohttp

from bot.ops import health
from bot.storage.db import Database
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import serve

ROOT = Path(__file__).resolve().parents[2]


async def get(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_the_slack_http_server_answers_health_and_readiness(tmp_path: Path) -> None:
    fake = FakeSlack()
    await fake.start()
    try:
        async with serve(tmp_path, fake) as slack:
            base = slack.url.removesuffix("/slack/events")
            assert await get(base + "/healthz") == (200, {"status": "ok"})
            assert await get(base + "/readyz") == (200, {"status": "ok", "database": "ok"})
    finally:
        await fake.stop()


async def test_readiness_fails_while_the_database_cannot_be_reached(tmp_path: Path) -> None:
    broken = Database(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/t.db")
    async with health.serve(broken, 0, "127.0.0.1") as port:
        status, _ = await get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200  # alive: restarting would not bring the database back
        status, body = await get(f"http://127.0.0.1:{port}/readyz")
        assert status == 503
        assert "DATABASE_URL" in str(body["database"])
    await broken.dispose()


async def test_no_port_no_server(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/t.db")
    async with health.serve(db, None) as port:
        assert port == 0
    await db.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_trellis_work_serves_health_when_asked(tmp_path: Path) -> None:
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))},
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/work.db",
        "PYTHONPATH": str(ROOT),
        "TRELLIS_HEALTH_PORT": str(port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "work",
        env=environment,
        cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        while b"working" not in (line := await asyncio.wait_for(process.stderr.readline(), 60)):
            assert line, "trellis work stopped before it started working"
        assert await get(f"http://127.0.0.1:{port}/readyz") == (
            200,
            {"status": "ok", "database": "ok"},
        )
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0
