"""A real Bolt app on loopback, a fake Slack Web API, and signed requests between them."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.app import SlackAdapter
from bot.adapters.slack.pacing import Pacer
from bot.app import Trellis, lifespan
from bot.config import load_settings
from bot.core.ports import SimulatedClock
from tests.fakes.slack_api import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FIXTURES = Path(__file__).parent.parent / "fixtures" / "slack"


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return copy.deepcopy(loaded)


@dataclass
class FakeTime:
    """Monotonic time that moves only when the pacer sleeps; every wait is recorded."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class Slack:
    """Sends Slack-shaped, signed requests to the adapter and waits for the work to finish."""

    fake: FakeSlack
    adapter: SlackAdapter
    trellis: Trellis
    time: FakeTime
    url: str
    session: aiohttp.ClientSession
    secret: str = SECRET
    sent: int = 0

    async def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signed = SignatureVerifier(self.secret).generate_signature(timestamp=ts, body=body)
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or signed,
            **(headers or {}),
        }
        async with self.session.post(self.url, data=body, headers=all_headers) as response:
            text = await response.text()
            status = response.status
        await self.settle()
        return status, text

    async def settle(self) -> None:
        for _ in range(5):  # let listener tasks that Bolt scheduled start their work
            await asyncio.sleep(0)
        await self.adapter.settle()

    async def command(
        self, text: str, *, user: str = "U0ADA", channel: str = "C0MATHS", **extra: str
    ) -> tuple[int, str]:
        self.sent += 1
        body = fixture("slash_command")
        body.update(
            text=text,
            user_id=user,
            channel_id=channel,
            response_url=self.fake.response_url_for(f"cmd{self.sent}"),
            trigger_id=f"trigger-{self.sent}",
            **extra,
        )
        return await self.post(urlencode(body).encode(), "application/x-www-form-urlencoded")

    async def event(self, body: dict[str, Any], *, retry_num: int | None = None) -> tuple[int, str]:
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "timeout"}
        raw = json.dumps(body).encode()
        return await self.post(raw, "application/json", headers=headers)

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        raw = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(raw, "application/x-www-form-urlencoded")

    def answers(self) -> list[dict[str, Any]]:
        """Everything Trellis said back: response_url posts, ephemerals and messages."""
        return [
            c.body
            for c in self.fake.calls
            if c.method in ("response_url", "chat.postEphemeral", "chat.postMessage")
        ]

    def answer_text(self) -> str:
        return "\n".join(
            t
            for c in self.fake.calls
            if c.method in ("response_url", "chat.postEphemeral", "chat.postMessage")
            for t in self.fake.texts_of(c)
        )


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.stop()


@asynccontextmanager
async def serve(tmp_path: Path, fake: FakeSlack, **extra: str) -> AsyncIterator[Slack]:
    """A Trellis with the Slack adapter served on loopback, talking to `fake`."""
    settings = load_settings(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/t.db",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url + "/api/",
            **extra,
        }
    )
    clock = SimulatedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    fake_time = FakeTime()
    async with lifespan(settings, clock) as trellis:
        adapter = SlackAdapter(trellis, settings, Pacer(fake_time.sleep, fake_time.monotonic))
        runner = web.AppRunner(adapter.web_app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        async with aiohttp.ClientSession() as session:
            yield Slack(
                fake,
                adapter,
                trellis,
                fake_time,
                f"http://127.0.0.1:{port}/slack/events",
                session,
            )
        await adapter.settle()
        await runner.cleanup()
    assert fake.violations == [], fake.violations


@pytest.fixture
async def slack(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Slack]:
    async with serve(tmp_path, fake) as served:
        yield served
