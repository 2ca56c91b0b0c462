"""Weekly digests: schedule, sections, the facilitator digest, splitting, exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.memory import Delivered, MemoryCommunity
from bot.app import lifespan
from bot.community.exchange_digest import period_ending
from bot.community.exchange_digest_service import DigestService
from bot.config import load_settings
from bot.core.directory import CommunityInfo
from bot.core.messages import Image, Outgoing, Reply, ToChannel, ToMember
from bot.core.ports import SimulatedClock
from bot.storage.models import Share
from tests.community.exchange_helpers import join, member_id, pod, say, text_of

PNG = b"\x89PNG\r\n\x1a\n"


def digest_service(community: MemoryCommunity) -> DigestService:
    service = community.trellis.scheduler.jobs["exchange_digest"].__self__  # type: ignore[attr-defined]
    assert isinstance(service, DigestService)
    return service


def posts_in(community: MemoryCommunity, channel: str) -> list[str]:
    return [
        d.text
        for d in community.delivered
        if isinstance(d.target, ToChannel) and d.target.channel.external_id == channel
    ]


def facilitator_digests(community: MemoryCommunity, name: str) -> list[Delivered]:
    """The facilitator digests among a member's DMs (a container sends other care too)."""
    return [d for d in community.dms_to(name) if "Facilitator digest" in d.text]


async def test_bad_schedules_are_refused_with_an_example(community: MemoryCommunity) -> None:
    await pod(community)
    for line, problem in (
        ("digest schedule --day someday --at 16:00", "`--day someday` is not a day of the week"),
        ("digest schedule --day fri --at 25:00", "`--at 25:00` is not a time of day"),
        ("digest schedule --day fri --at 4pm", "`--at 4pm` is not a time of day"),
    ):
        said = text_of(await community.command(line, by="ana", channel="maths"))
        assert problem in said and "Example: /trellis digest schedule --day fri" in said
    said = text_of(
        await community.command("digest schedule --day fri --at 16:00 --channel nowhere", by="ana")
    )
    assert "--channel expects a channel mention such as #name" in said
    said = text_of(await community.command("digest schedule --day fri --at 16:00", by="ben"))
    assert "Only facilitators" in said


async def test_the_weekly_digest_is_posted_once_a_week_with_the_facilitator_digest(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    container = await pod(community)
    await join(community, container, "ben")
    await join(community, container, "dan")
    said = text_of(
        await community.command(
            "digest schedule --day fri --at 16:00 --channel #weekly", by="ana", channel="maths"
        )
    )
    assert "posted in #weekly every Fri at 16:00 (UTC). Next: 2026-03-06 16:00 UTC" in said
    await say(community, "ben", "We tried bar models", message_id="1")
    await community.command("learned Bar models help --strand pupil", by="ben", channel="maths")
    await community.trellis.scheduler.advance(clock, timedelta(days=7))
    (posted,) = posts_in(community, "weekly")
    assert posted.startswith("Learning exchange: Maths\nWeek to Fri 06 Mar 2026\nWhat happened")
    assert "1 message, 1 person taking part." in posted
    assert "• “Bar models help” — ben (Pupil learning)" in posted
    (private,) = facilitator_digests(community, "ana")
    assert "Facilitator digest: Maths" in private.text
    assert "Adds to the digest posted in #weekly" in private.text
    assert "Quiet this week\n2 members posted nothing: ana, dan." in private.text
    image = next(b for b in private.message.blocks if isinstance(b, Image))
    assert image.png.startswith(PNG)
    assert image.alt.startswith("Participation over 8 weeks: 1 message from 1 person this week")
    assert community.dms_to("ben") == []
    # The next week is quiet: one line (then what is coming up), no empty shell; only once.
    await community.trellis.scheduler.advance(clock, timedelta(days=7))
    assert posts_in(community, "weekly")[1:] == [
        "A quiet week in Maths: nothing new to report (week to Fri 13 Mar 2026).\n"
        "• Trust pulse: Mon 16 Mar, 09:00"
    ]


async def test_posting_now_happens_once_per_week(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community)
    await say(community, "ben", "hello", message_id="1")
    first = text_of(await community.command("digest post", by="ana", channel="maths"))
    assert "Posted the digest for Maths in #maths (1 message)" in first
    clock.advance(timedelta(hours=2))
    again = text_of(await community.command("digest post", by="ana", channel="maths"))
    assert "was already posted in #maths on 2026-03-02 09:00 UTC" in again
    assert len(posts_in(community, "maths")) == 1
    assert len(facilitator_digests(community, "ana")) == 1


async def test_a_rescheduled_digest_posts_only_on_the_new_day(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community)
    await community.command("digest schedule --day tue --at 09:00", by="ana", channel="maths")
    await community.command("digest schedule --day thu --at 09:00", by="ana", channel="maths")
    await community.trellis.scheduler.advance(clock, timedelta(days=7))
    digests = [t for t in posts_in(community, "maths") if "quiet week" in t]
    assert digests == ["A quiet week in Maths: nothing new to report (week to Thu 05 Mar 2026)."]


async def test_preview_is_private_and_for_facilitators(community: MemoryCommunity) -> None:
    await pod(community)
    refused = text_of(await community.command("digest preview", by="ben", channel="maths"))
    assert "Only facilitators" in refused
    shown = await community.command("digest preview", by="ana", channel="maths")
    assert all(isinstance(r.target, Reply) and r.target.ephemeral for r in shown)
    assert "A quiet week in Maths" in text_of(shown)
    assert community.delivered == []
    network = text_of(await community.command("digest preview --for network", by="ana"))
    assert "A quiet week in the whole network" in network
    no_pod = text_of(await community.command("digest preview --for container", by="ana"))
    assert "No container in this channel" in no_pod


async def test_what_people_tried_across_boundaries_and_coming_up(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    container = await pod(community)
    await member_id(community, "ben", "school")
    await member_id(community, "cleo", "university")
    await member_id(community, "dan", "school")
    await say(community, "ben", "question", message_id="1")
    await say(community, "cleo", "answer", message_id="2", reply_to="ben")
    await say(community, "dan", "thanks", message_id="3", reply_to="ben")
    ben = await member_id(community, "ben")
    async with community.trellis.db.session() as session:
        for outcome in ("worked", "didnt", "partly"):
            session.add(
                Share(container_id=container, member_id=ben, outcome=outcome, at=clock.now())
            )
    info = await community.trellis.directory.community(community.community)
    await community.trellis.scheduler.plan(
        "checkin:1", "checkin.open", clock.now() + timedelta(days=3), {"container_id": container}
    )
    await community.trellis.scheduler.plan(
        "checkin:other", "checkin.open", clock.now() + timedelta(days=3), {"container_id": 999}
    )
    clock.advance(timedelta(hours=1))
    text = text_of(await community.command("digest preview", by="ana", channel="maths"))
    assert "3 messages, 3 people taking part, 2 new connections." in text
    assert "What people tried\n3 attempts shared: 1 worked, 1 partly worked, 1 did not." in text
    assert "1 of 2 exchanges crossed organisation types (school ↔ university 1)." in text
    assert "Coming up\n• Next check-in: Thu 05 Mar, 09:00" in text
    assert text.count("Next check-in") == 1
    assert info.timezone == "UTC"


async def test_a_long_digest_is_split_in_order_and_nothing_is_cut(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community)
    texts = [f"Learning number {i:03d}: " + "fractions " * 30 for i in range(40)]
    for text in texts:
        clock.advance(timedelta(seconds=4))  # under the per-member command rate limit
        await community.command(f"learned {text}", by="ben", channel="maths")
    said = text_of(await community.command("digest post", by="ana", channel="maths"))
    parts = posts_in(community, "maths")
    assert f"({len(parts)} messages)" in said and len(parts) > 5
    for i, part in enumerate(parts, start=1):
        assert len(part) <= 1800 and part.endswith(f"Part {i} of {len(parts)}")
    joined = "\n".join(parts)
    positions = [joined.index(f"Learning number {i:03d}") for i in range(40)]
    assert positions == sorted(positions)
    for text in texts:
        assert f"“{' '.join(text.split())}” — ben" in joined


class CrashAfterFirst:
    """An outbox whose process dies after storing the first part of a digest."""

    def __init__(self) -> None:
        self.puts = 0

    async def put(self, community: CommunityInfo, outgoing: Outgoing) -> bool:
        self.puts += 1
        if self.puts > 1:
            raise RuntimeError("process killed")
        return True


async def test_a_restart_in_the_middle_of_posting_sends_each_part_once(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community)
    for i in range(30):
        await community.command(f"learned Thing {i} " + "word " * 40, by="ben", channel="maths")
    service = digest_service(community)
    info = await community.trellis.directory.community(community.community)
    scope = await service.scope(info, community.channel("maths"), "container")
    period = period_ending(clock.now(), "UTC")
    real = service.outbox
    service.outbox = CrashAfterFirst()
    with pytest.raises(RuntimeError):
        await service.publish(scope, period, community.channel("maths"))
    # The restarted process (and a retry after it) finds the stored issue and finishes it.
    service.outbox = real
    clock.advance(timedelta(minutes=10))
    await community.command("learned Arrived after the crash", by="ben", channel="maths")
    await service.publish(scope, period, community.channel("maths"))
    await service.publish(scope, period, community.channel("maths"))
    await community.trellis.outbox.drain()
    parts = posts_in(community, "maths")
    assert len(parts) > 1 and len(parts) == len(set(parts))
    assert [p.rsplit("Part ", 1)[1] for p in parts] == [
        f"{i} of {len(parts)}" for i in range(1, len(parts) + 1)
    ]
    assert "Arrived after the crash" not in "\n".join(parts)


async def test_two_processes_sharing_the_database_post_once(
    tmp_path: Path, clock: SimulatedClock
) -> None:
    settings = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/shared.db"})
    async with lifespan(settings, clock) as one, lifespan(settings, clock) as two:
        first, second = MemoryCommunity(one), MemoryCommunity(two)
        await pod(first)
        await say(first, "ben", "hello", message_id="1")
        await asyncio.gather(
            first.command("digest post", by="ana", channel="maths"),
            second.command("digest post", by="ana", channel="maths"),
        )
        delivered = [
            d
            for d in first.delivered + second.delivered
            if isinstance(d.target, ToChannel) and d.text.startswith("Learning exchange")
        ]
        assert len(delivered) == 1
        private = [d for d in first.delivered + second.delivered if isinstance(d.target, ToMember)]
        assert len(private) == 1
