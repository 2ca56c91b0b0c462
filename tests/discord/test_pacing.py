"""The pacer keeps every request under Discord's global 50/s, lets a fan-out use what is
left, and never lets an interactive reply queue behind the fan-out."""

from __future__ import annotations

from collections import deque

from bot.adapters.discord.pacing import Pacer


class Sim:
    def __init__(self) -> None:
        self.now = 0.0

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def busiest_second(times: list[float]) -> int:
    window: deque[float] = deque()
    most = 0
    for t in times:
        window.append(t)
        while window[0] <= t - 1.0:
            window.popleft()
        most = max(most, len(window))
    return most


async def test_a_fan_out_with_replies_stays_under_the_global_limit_and_replies_wait_little() -> (
    None
):
    sim = Sim()
    pacer = Pacer(now=lambda: sim.now, sleep=sim.sleep)
    sent: list[float] = []
    reply_waits: list[float] = []
    for n in range(1_000):
        await pacer.slot("bulk")
        sent.append(sim.now)
        if n % 7 == 0:  # a member runs a command in the middle of the fan-out
            asked = sim.now
            await pacer.slot("interactive")
            sent.append(sim.now)
            reply_waits.append(sim.now - asked)
    assert busiest_second(sent) <= 50
    rate = (len(sent) - 1) / (sent[-1] - sent[0])
    assert rate >= 45  # the fan-out fills the capacity the replies leave
    assert max(reply_waits) <= 1 / 40  # one spacing at most, never the fan-out's queue


async def test_bulk_never_books_ahead_of_a_reply() -> None:
    sim = Sim()
    pacer = Pacer(now=lambda: sim.now, sleep=sim.sleep)
    for _ in range(50):
        await pacer.slot("bulk")
    before = sim.now
    await pacer.slot("interactive")
    assert sim.now - before <= 1 / 40
