"""Check-ins as members and facilitators live them, on a simulated clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.messages import Message, ToChannel, ToMember
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef
from bot.storage.checkins_repository import CheckinRepository
from tests.community.checkin_helpers import join, meet, reflect, round_of, set_pause, share, text_of

WEEKLY = "checkin schedule --every week --day mon --at 09:00"


async def pod(
    community: MemoryCommunity, clock: SimulatedClock, **zones: str | None
) -> dict[str, int]:
    """A container #pod created by ana (facilitator), joined by the other named members."""
    await community.command(
        "container create Pod --purpose Reflect", by="ana", admin=True, channel="pod"
    )
    ids = {"ana": await meet(community, "ana", timezone=zones.pop("ana", None))}
    for name, zone in zones.items():
        ids[name] = await meet(community, name, timezone=zone)
        await join(community.trellis, "pod", ids[name], clock.now())
    return ids


@dataclass
class Recorder:
    """A transport that notes when each message left, by the simulated clock."""

    clock: SimulatedClock
    platform: str = "memory"
    sent: list[tuple[datetime, ToChannel | ToMember, Message]] = field(default_factory=list)

    async def deliver(
        self, community: CommunityRef, target: ToChannel | ToMember, message: Message
    ) -> None:
        self.sent.append((self.clock.now(), target, message))

    def checkins_to(self, name: str) -> list[datetime]:
        return [
            at
            for at, target, message in self.sent
            if isinstance(target, ToMember)
            and target.member.external_id == name
            and message.plain_text().startswith("Check-in:")
        ]


async def test_weeks_of_rounds_arrive_at_nine_local_in_three_zones_across_dst(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ana="Europe/Lisbon", ben="America/New_York", caro="Asia/Tokyo")
    recorder = Recorder(clock)
    trellis.outbox.attach(recorder)
    replies = await community.command(WEEKLY, by="ana", channel="pod")
    assert "Every Monday at 09:00, in each member's own time zone" in text_of(replies)

    await trellis.scheduler.advance(clock, timedelta(weeks=4, days=1))

    for name, zone in [
        ("ana", "Europe/Lisbon"),
        ("ben", "America/New_York"),
        ("caro", "Asia/Tokyo"),
    ]:
        sent = recorder.checkins_to(name)
        assert len(sent) == 4, (name, sent)  # Mondays 9, 16, 23 and 30 March, once each
        assert all(at.astimezone(ZoneInfo(zone)).strftime("%a %H:%M") == "Mon 09:00" for at in sent)
    # Lisbon moved to summer time on 29 March: the same 09:00 is an hour earlier in UTC.
    lisbon = recorder.checkins_to("ana")
    assert lisbon[2] == datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
    assert lisbon[3] == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert recorder.checkins_to("ben")[0] == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert recorder.checkins_to("caro")[0] == datetime(2026, 3, 9, 0, 0, tzinfo=UTC)


async def test_answers_are_editable_until_close_and_refused_after(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ben=None)
    await community.command(WEEKLY, by="ana", channel="pod")
    await trellis.scheduler.advance(clock, timedelta(days=7, hours=1))
    saved = text_of(await reflect(community, "ben", {"q1": "First draft"}))
    assert "Saved 1 answer(s) to the Pod check-in" in saved
    assert "who sees it: Only me" in saved
    await reflect(community, "ben", {"q1": "Second thoughts", "q3": "Try again"})
    mine = text_of(await community.command("me reflections", by="ben", channel=None))
    assert "Second thoughts" in mine and "Try again" in mine and "First draft" not in mine

    await trellis.scheduler.advance(clock, timedelta(days=4))
    round_id = round_of(community, "ben")
    late = text_of(await reflect_after_close(community, round_id))
    assert "This check-in closed" in late and "can no longer be added or changed" in late
    assert "Too late thoughts" in late  # handed back, not lost
    mine = text_of(await community.command("me reflections", by="ben", channel=None))
    assert "Second thoughts" in mine and "Too late thoughts" not in mine


async def reflect_after_close(community: MemoryCommunity, round_id: str) -> list:  # type: ignore[type-arg]
    from bot.core.events import FormSubmitted

    return await community.send(
        FormSubmitted(
            community=community.community,
            actor=community.actor("ben"),
            form_id="checkin.answer",
            values={"q1": "Too late thoughts"},
            context=round_id,
        )
    )


async def test_a_very_long_answer_is_refused_with_the_limit_and_shown_back(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ben=None)
    await community.command("checkin now", by="ana", channel="pod")
    long_text = "word " * 900  # 4,500 characters
    refused = text_of(await reflect(community, "ben", {"q1": "kept", "q2": long_text.strip()}))
    assert "is 4,499 characters; the limit is 4,000" in refused
    assert long_text.strip() in refused and "kept" in refused
    assert "no reflections yet" in text_of(await community.command("me reflections", by="ben"))


async def test_one_reminder_only_to_those_who_have_not_answered(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ben=None, caro=None)
    await community.command(WEEKLY + " --remind 12h", by="ana", channel="pod")
    await trellis.scheduler.advance(clock, timedelta(days=7, hours=1))
    await reflect(community, "ben", {"q1": "Done"})
    await trellis.scheduler.advance(clock, timedelta(days=4))

    def reminders(name: str) -> int:
        return sum("gentle reminder" in d.text for d in community.dms_to(name))

    assert (reminders("ana"), reminders("ben"), reminders("caro")) == (1, 0, 1)


async def test_paused_members_are_skipped_and_welcomed_back(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    ids = await pod(community, clock, ben="Europe/Lisbon")
    await set_pause(trellis, ids["ben"], datetime(2026, 3, 12, tzinfo=UTC))
    await community.command(WEEKLY, by="ana", channel="pod")
    await trellis.scheduler.advance(clock, timedelta(days=8))
    assert not [d for d in community.dms_to("ben") if d.text.startswith("Check-in:")]
    await trellis.scheduler.advance(clock, timedelta(days=3))
    back = [d.text for d in community.dms_to("ben") if "Welcome back" in d.text]
    assert len(back) == 1
    assert "Pod: next check-in Mon 16 Mar 09:00 (Europe/Lisbon)" in back[0]
    await trellis.scheduler.advance(clock, timedelta(days=5))
    assert len([d for d in community.dms_to("ben") if d.text.startswith("Check-in:")]) == 1
    summary = [d.text for d in community.dms_to("ana") if d.text.startswith("Check-in closed")]
    assert "Skipped (paused): 1" in summary[0]


async def test_late_check_ins_within_grace_are_sent_and_beyond_it_noted(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ana="UTC", ben="America/New_York")
    await community.command(WEEKLY, by="ana", channel="pod")
    # Trellis is down from now until Monday 17:00 UTC: ana's 09:00 is 8 h late, ben's 4 h.
    clock.set(datetime(2026, 3, 9, 17, 0, tzinfo=UTC))
    await trellis.scheduler.run_due()
    await trellis.outbox.drain()
    assert [d for d in community.dms_to("ben") if d.text.startswith("Check-in:")]
    assert not [d for d in community.dms_to("ana") if d.text.startswith("Check-in:")]
    notes = [d.text for d in community.dms_to("ana") if "Trellis was not running" in d.text]
    assert len(notes) == 1 and "more than 6 h have passed" in notes[0] and ": ana." in notes[0]


async def test_the_summary_reaches_facilitators_only_with_rate_names_and_shared_themes(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ben=None, caro=None, dan=None)
    await community.command(WEEKLY, by="ana", channel="pod")
    await trellis.scheduler.advance(clock, timedelta(days=7, hours=1))
    await reflect(community, "ben", {"q1": "Fractions with feedback", "q2": "secretword alpha"})
    await share(community, "ben", 1, "facilitators")
    await reflect(community, "caro", {"q1": "Peer feedback on fractions", "q2": "secretword beta"})
    await share(community, "caro", 1, "named")
    await trellis.scheduler.advance(clock, timedelta(days=4))

    summaries = [(d.target, d.text) for d in community.delivered if "Check-in closed" in d.text]
    assert [t.member.external_id for t, _ in summaries if isinstance(t, ToMember)] == ["ana"]
    text = summaries[0][1]
    assert "Answered: 2 of 4 (50%)" in text
    assert "Not answered: ana, dan" in text
    assert "feedback (2)" in text and "fractions (2)" in text
    assert "secretword" not in text  # private answers never feed the themes
    channel = [d.text for d in community.delivered if isinstance(d.target, ToChannel)]
    assert any("Peer feedback on fractions" in t for t in channel)
    assert not any("Fractions with feedback" in t for t in channel)  # facilitators only


async def test_anonymous_answers_wait_for_enough_respondents(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ben=None, caro=None)
    await community.command("checkin now", by="ana", channel="pod")
    await reflect(community, "ben", {"q1": "An anonymous thought"})
    await share(community, "ben", 1, "anonymous")
    await trellis.scheduler.advance(clock, timedelta(days=4))
    read = text_of(await community.command("checkin shared", by="caro", channel="pod"))
    assert "An anonymous thought" not in read and "1 anonymous answer(s) held back" in read


async def test_bad_schedules_are_refused_with_a_valid_example(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ben=None)

    async def run(options: str, by: str = "ana") -> str:
        return text_of(await community.command("checkin schedule " + options, by=by, channel="pod"))

    assert "not a weekday" in (t := await run("--every week --day funday --at 09:00"))
    assert "`--every week --day mon --at 09:00`" in t
    assert "day of the month from 1 to 28" in await run("--every month --day 31 --at 09:00")
    assert "such as 09:30" in await run("--every week --day mon --at 25:00")
    assert "Europe/Lisbon" in (t := await run("--every week --day mon --at 9:00 --zone Mars/Base"))
    assert "Unknown time zone `Mars/Base`" in t
    assert "No question set `nope`" in await run(
        "--every week --day mon --at 09:00 --questions nope"
    )
    assert "Only facilitators" in await run("--every week --day mon --at 09:00", by="ben")
    assert "has no check-ins yet" in text_of(
        await community.command("checkin show", by="ben", channel="pod")
    )


async def test_a_custom_question_set_is_asked_and_pause_resume_work(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community, clock, ben=None)
    added = await community.command(
        "checkin questions add retro What went well? | What will you change?", by="ana"
    )
    assert "Question set `retro` added" in text_of(added)
    assert "retro (custom)" in text_of(await community.command("checkin questions list", by="ben"))
    await community.command(WEEKLY + " --questions retro", by="ana", channel="pod")
    assert "paused" in text_of(await community.command("checkin pause", by="ana", channel="pod"))
    await trellis.scheduler.advance(clock, timedelta(days=8))
    assert not [d for d in community.dms_to("ben") if d.text.startswith("Check-in:")]
    resumed = text_of(await community.command("checkin resume", by="ana", channel="pod"))
    assert "Next round: Mon 16 Mar" in resumed
    await trellis.scheduler.advance(clock, timedelta(days=7))
    checkins = [d.text for d in community.dms_to("ben") if d.text.startswith("Check-in:")]
    assert len(checkins) == 1 and "1. What went well?\n2. What will you change?" in checkins[0]


async def test_a_round_sends_and_reminds_each_member_once_and_a_rerun_adds_nothing(
    trellis_any_db: Trellis, clock: SimulatedClock
) -> None:
    """The fan-out and the reminder mark their deliveries together after storing every
    message (one statement, in the run's transaction); rerunning either sends nothing."""
    trellis = trellis_any_db
    community = MemoryCommunity(trellis)
    await pod(community, clock, ben=None, caro=None, dan=None, eve=None)
    await community.command(WEEKLY + " --remind 12h", by="ana", channel="pod")
    await trellis.scheduler.advance(clock, timedelta(days=7, hours=1))
    await reflect(community, "ben", {"q1": "Done"})
    await trellis.scheduler.advance(clock, timedelta(hours=13))
    round_id = int(round_of(community, "caro"))
    names = ("ana", "ben", "caro", "dan", "eve")

    def counts() -> dict[str, tuple[int, int]]:
        return {
            name: (
                sum(d.text.startswith("Check-in:") for d in community.dms_to(name)),
                sum("gentle reminder" in d.text for d in community.dms_to(name)),
            )
            for name in names
        }

    expected = {name: (1, 0 if name == "ben" else 1) for name in names}
    assert counts() == expected
    repo = CheckinRepository(trellis.db)
    rows = {m.display_name: d for d, m in await repo.deliveries(round_id)}
    assert {d.status for d in rows.values()} == {"sent"}
    assert all(d.sent_at is not None for d in rows.values())
    assert [n for n, d in sorted(rows.items()) if d.reminded_at is not None] == [
        "ana",
        "caro",
        "dan",
        "eve",
    ]

    for kind in ("checkin.send", "checkin.remind"):
        async with trellis.db.transaction():
            await trellis.scheduler.jobs[kind]({"round": round_id}, clock.now())
    await trellis.outbox.drain()
    assert counts() == expected
