"""Fan-out at Slack's limits: one check-in round to 2,000 members through the Slack adapter
(outbox -> SlackSender -> Pacer -> slack_sdk -> loopback fake Slack).

The fake refuses with 429 (Retry-After) any chat.postMessage beyond 1 per second per channel
or beyond the workspace cap. Time base: SIMULATED seconds (the Pacer's injected clock and
sleep; the fake reads the same clock). Baseline, side by side: sequential sends through
slack_sdk with its default retry handlers and no pacing, at loopback speed in WALL seconds.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from typing import Any

from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bench.fanout_common import MEMBERS, OPENED, SimTime, Tally, Window, invitation
from bench.result import Result
from bot.adapters.slack.outbound import SlackSender
from bot.adapters.slack.pacing import Pacer, Rate
from bot.app import lifespan
from bot.config import load_settings
from bot.core.messages import Outgoing, ToMember
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from tests.fakes.slack_api import TEAM, FakeSlack

WORKSPACE_CAP = 20  # messages per second, the fake's workspace limit
BASELINE_MESSAGES = 200


class LimitedSlack(FakeSlack):
    """The fake Slack, refusing chat.postMessage beyond the channel and workspace limits."""

    def __init__(self, now: Any) -> None:
        super().__init__()
        self.now = now
        self.workspace = Window(WORKSPACE_CAP)
        self.channels: dict[str, Window] = {}
        self.tally = Tally()

    async def api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] != "chat.postMessage":
            return await super().api(request)
        body = await request.json()
        channel, now = body.get("channel", ""), self.now()
        room = self.channels.setdefault(channel, Window(1))
        if not (room.admit(now) and self.workspace.admit(now)):
            self.tally.refused += 1
            wait = max(1, round(max(room.retry_after(now), self.workspace.retry_after(now))))
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        self.tally.accept(channel, now)
        return web.json_response({"ok": True, "channel": channel, "ts": f"{now:.6f}"})


async def paced() -> tuple[Tally, float, int]:
    sim = SimTime()
    fake = LimitedSlack(sim.monotonic)
    base = await fake.start()
    pacer = Pacer(sleep=sim.sleep, monotonic=sim.monotonic)
    # The workspace's cap, told to the pacer as configuration (spaced evenly, no burst).
    pacer.rates[f"method:chat.postMessage@{TEAM}"] = Rate(WORKSPACE_CAP * 60.0, 1)
    sender = SlackSender(AsyncWebClient(token="xoxb-bench", base_url=base), pacer)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{folder}/b.db"})
            async with lifespan(settings, SimulatedClock(OPENED)) as trellis:
                trellis.outbox.attach(sender)
                community = await trellis.directory.community(CommunityRef("slack", TEAM))
                message = invitation()
                for n in range(MEMBERS):
                    member = MemberRef("slack", f"U{n:05d}")
                    await trellis.outbox.put(
                        community, Outgoing(message, ToMember(member), f"checkin:1:{n}")
                    )
                stored = time.perf_counter()
                while await trellis.outbox.drain():
                    pass
                drained = time.perf_counter() - stored
                left = len(await trellis.outbox.repository.due(10_000))
    finally:
        await fake.stop()
    return fake.tally, drained, left


async def baseline() -> tuple[Tally, int, float]:
    fake = LimitedSlack(time.monotonic)
    base = await fake.start()
    client = AsyncWebClient(token="xoxb-bench", base_url=base)  # default retry handlers
    message_text = "Check-in: Maths leads"
    lost = 0
    started = time.perf_counter()
    try:
        for n in range(BASELINE_MESSAGES):
            try:
                await client.chat_postMessage(channel=f"U{n:05d}", text=message_text)
            except SlackApiError:
                lost += 1
    finally:
        await fake.stop()
    return fake.tally, lost, time.perf_counter() - started


def run() -> list[Result]:
    tally, wall, left = asyncio.run(paced())
    base, base_lost, base_wall = asyncio.run(baseline())
    sent = sum(tally.accepted.values())
    duplicated = sum(count - 1 for count in tally.accepted.values() if count > 1)
    lost = MEMBERS - len(tally.accepted)
    ratio = tally.rate() / WORKSPACE_CAP
    share_429 = tally.refused / max(1, tally.requests)
    base_rate = sum(base.accepted.values()) / base_wall
    return [
        Result(
            f"Slack fan-out {MEMBERS:,} check-in DMs: achieved/allowed rate (simulated time)",
            ">= 0.9",
            f"{ratio:.3f} ({tally.rate():.2f}/s of {WORKSPACE_CAP}/s; {sent:,} sent in "
            f"{tally.last - (tally.first or 0):.0f} simulated s, {wall:.1f} wall s)",
            ratio >= 0.9,
        ),
        Result(
            "Slack fan-out: lost / duplicated / still queued",
            "0 / 0 / 0",
            f"{lost} / {duplicated} / {left}",
            lost == 0 and duplicated == 0 and left == 0,
        ),
        Result(
            "Slack fan-out: share of requests answered 429",
            "< 1%",
            f"{share_429:.2%} ({tally.refused} of {tally.requests})",
            share_429 < 0.01,
        ),
        Result(
            f"Slack baseline: {BASELINE_MESSAGES} sequential sends, slack_sdk default retry, "
            "no pacing (wall time)",
            "-",
            f"{base_lost} lost ({base.refused / max(1, base.requests):.0%} answered 429), "
            f"{base_rate:.1f} accepted/s",
            None,
        ),
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
