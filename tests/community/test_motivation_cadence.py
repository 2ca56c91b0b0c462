"""Restating on a cadence, and the container's mix with its camaraderie-crowding alert."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.community.motivations import RESTATE_JOB
from bot.core.ports import SimulatedClock
from bot.core.refs import MemberRef
from bot.storage.models import ScheduledRun
from tests.community.motivation_helpers import (
    SAYS,
    answer_join,
    buttons,
    click,
    form_in,
    join,
    motivation_dms,
    submit,
    text_of,
)

MEMBERS = ("ana", "ben", "cai", "dee", "eli")
NEEDS_LOW_COMPETENCE = dict(autonomy="5", competence="2", relatedness="7")


async def container_with_answers(trellis: Trellis, community: MemoryCommunity) -> None:
    await community.command(
        'container create "Maths leads" --purpose "Teach fractions well"',
        by="fay",
        admin=True,
        channel="maths",
    )
    for name in MEMBERS:
        await join(trellis, community, name, "maths")
        await answer_join(community, name, f"{name} is here for fractions", "me", **SAYS["topic"])


async def restate_all(community: MemoryCommunity, says: str, **needs: str) -> None:
    for name in MEMBERS:
        dm = motivation_dms(community, name)[-1]
        form = form_in(await click(community, name, buttons(dm.message)["Restate"]))
        saved = await submit(
            community, name, form, statement=f"{name} now", visibility="me", **SAYS[says], **needs
        )
        assert "saved" in text_of(saved), text_of(saved)


async def test_members_are_asked_to_restate_every_twelve_weeks_once_each(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await container_with_answers(trellis, community)
    await trellis.scheduler.advance(clock, timedelta(weeks=11, days=6))
    assert all(len(motivation_dms(community, n)) == 1 for n in MEMBERS)

    await trellis.scheduler.advance(clock, timedelta(days=1))
    dm = motivation_dms(community, "ana")[-1]
    assert "Time to restate why you are in Maths leads" in dm.text
    assert "Last time (2026-03-02) you wrote:" in dm.text
    assert "ana is here for fractions" in dm.text
    assert "ben is here" not in dm.text
    assert all(len(motivation_dms(community, n)) == 2 for n in MEMBERS)
    assert len(motivation_dms(community, "fay")) == 1  # the facilitator is a member too

    form = form_in(await click(community, "ana", buttons(dm.message)["Restate"]))
    needs = {f.name: f.required for f in form.fields if f.name in NEEDS_LOW_COMPETENCE}
    assert needs == {"autonomy": True, "competence": True, "relatedness": True}
    missing = await submit(community, "ana", form, statement="x", visibility="me", topic="10")
    assert "Rate “I can shape what we work on” from 1 to 7" in text_of(missing)

    await trellis.scheduler.advance(clock, timedelta(weeks=11))
    assert len(motivation_dms(community, "ana")) == 2
    await trellis.scheduler.advance(clock, timedelta(weeks=1))
    assert len(motivation_dms(community, "ana")) == 3  # the next round, planned by the last one


async def test_a_facilitator_changes_the_cadence_or_turns_it_off(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await container_with_answers(trellis, community)
    refused = text_of(
        await community.command("container motivation cadence 4", by="ana", channel="maths")
    )
    assert "Only facilitators" in refused
    said = text_of(
        await community.command("container motivation cadence 4", by="fay", channel="maths")
    )
    assert "every 4 weeks" in said
    await trellis.scheduler.advance(clock, timedelta(weeks=4))
    assert len(motivation_dms(community, "ana")) == 2
    await community.command("container motivation cadence 0", by="fay", channel="maths")
    await trellis.scheduler.advance(clock, timedelta(weeks=30))
    assert len(motivation_dms(community, "ana")) == 2
    bad = text_of(
        await community.command("container motivation cadence 99", by="fay", channel="maths")
    )
    assert "WEEKS must be at most 52" in bad or "weeks must be at most 52" in bad


async def test_paused_members_are_not_asked(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await container_with_answers(trellis, community)
    info = await trellis.directory.community(community.community)
    ben = await trellis.directory.find_member(info, community.actor("ben").ref)
    assert ben is not None
    await pause(trellis, ben.id, clock.now() + timedelta(weeks=20))
    await trellis.scheduler.advance(clock, timedelta(weeks=12))
    assert len(motivation_dms(community, "ben")) == 1 and len(motivation_dms(community, "ana")) == 2


async def pause(trellis: Trellis, member_id: int, until: object) -> None:
    from sqlalchemy import update

    from bot.storage.models import Member

    async with trellis.db.session() as session:
        await session.exec(update(Member).where(Member.id == member_id).values(paused_until=until))  # type: ignore[arg-type]


async def test_the_mix_needs_enough_answers_and_is_for_facilitators(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    await community.command(
        'container create "Maths leads" --purpose "x"', by="fay", admin=True, channel="maths"
    )
    for name in MEMBERS[:4]:
        await join(trellis, community, name, "maths")
        await answer_join(community, name, "why", "me", **SAYS["topic"])
    few = text_of(await community.command("container motivation", by="fay", channel="maths"))
    assert "Not enough answers to show yet: 4 of 5 members" in few
    assert "at least 5" in few
    container = await trellis.motivations.containers.open_in_channel(1, "maths")
    assert container is not None and container.id is not None
    assert await trellis.motivations.mix(container.id) is None
    member = text_of(await community.command("container motivation", by="ana", channel="maths"))
    assert "Only facilitators" in member
    elsewhere = text_of(await community.command("container motivation", by="fay", channel="x"))
    assert "No container in this channel yet" in elsewhere


async def test_the_mix_shows_shares_trend_needs_and_the_crowding_alert(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await container_with_answers(trellis, community)
    first = text_of(await community.command("container motivation", by="fay", channel="maths"))
    assert "Answered: 5 of 6 members" in first
    assert "Task share: 90%" in first and "Social share: 10%" in first
    assert "fewer than 5 ratings yet" in first
    assert "camaraderie crowding" not in first
    assert "fractions" not in first  # no statement ever appears in the mix

    await trellis.scheduler.advance(clock, timedelta(weeks=12))
    await restate_all(community, "people", **NEEDS_LOW_COMPETENCE)
    later = text_of(await community.command("container motivation", by="fay", channel="maths"))
    assert "Task share: 20% ↓ (was 90%)" in later
    assert "Social share: 70% ↑ (was 10%)" in later
    assert "Competence (I am getting better at my practice here): 2.0 of 7" in later
    assert "Relatedness (I feel connected to people here): 7.0 of 7" in later
    assert "Alert: camaraderie crowding" in later
    assert "has overtaken the task share (20%) and is still rising" in later
    assert "enquiry prompt" in later and "outside expert" in later
    container = await trellis.motivations.containers.open_in_channel(1, "maths")
    assert container is not None and container.id is not None
    mix = await trellis.motivations.mix(container.id)
    assert mix is not None and mix.crowding and mix.current.respondents == 5


async def test_no_alert_when_competence_is_fine(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await container_with_answers(trellis, community)
    await trellis.scheduler.advance(clock, timedelta(weeks=12))
    await restate_all(community, "people", autonomy="5", competence="6", relatedness="7")
    later = text_of(await community.command("container motivation", by="fay", channel="maths"))
    assert "Social share: 70%" in later and "camaraderie crowding" not in later


async def restate_runs(trellis: Trellis) -> list[str]:
    async with trellis.db.read() as session:
        statement = (
            select(ScheduledRun.run_key)
            .where(ScheduledRun.kind == RESTATE_JOB)
            .order_by(col(ScheduledRun.run_key))
        )
        return list((await session.exec(statement)).all())


async def test_joins_and_a_rejoin_plan_each_restatement_round_once(
    trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await community.command(
        'container create "Maths leads" --purpose "Teach fractions well"',
        by="fay",
        admin=True,
        channel="maths",
    )
    for name in ("ana", "ben", "cai"):
        await community.command("join", by=name, channel="maths")
    await community.command("leave", by="ana", channel="maths")
    await community.command("join", by="ana", channel="maths")  # back again
    [first] = await restate_runs(trellis)
    assert first.endswith(":12w:1")

    await trellis.scheduler.advance(clock, timedelta(weeks=12, days=1))
    for name in ("ana", "ben", "cai"):
        restates = [d for d in motivation_dms(community, name) if "Time to restate" in d.text]
        assert len(restates) == 1, name
    # The round planned the next one; later joins ask for that one and plan nothing new.
    await community.command("join", by="dee", channel="maths")
    await community.command("join", by="eli", channel="maths")
    assert await restate_runs(trellis) == [first, first.replace(":12w:1", ":12w:2")]

    # A changed cadence is planned anew, even though the old round was remembered.
    await community.command("container motivation cadence 4", by="fay", channel="maths")
    await community.command("join", by="gus", channel="maths")
    assert len(await restate_runs(trellis)) == 3


async def test_a_form_for_a_container_that_is_gone_is_saved_without_it(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    await community.command(
        'container create "Maths leads" --purpose "Teach fractions well"',
        by="fay",
        admin=True,
        channel="maths",
    )
    await join(trellis, community, "ana", "maths")
    form = form_in(await click(community, "ana", "motivation.open join:99999"))
    assert form.context == "join:99999"
    saved = await submit(community, "ana", form, statement="Here", visibility="me", topic="10")
    assert "saved" in text_of(saved)
    info = await trellis.directory.community(community.community)
    ana = await trellis.directory.find_member(info, MemberRef(community.platform, "ana"))
    assert ana is not None
    latest = await trellis.motivations.latest(ana.id)
    assert latest is not None and latest.text == "Here" and latest.container_id is None
    # A wrong answer is shown back without the container, as before saving was tried.
    again = form_in(await submit(community, "ana", form, statement="", visibility="me"))
    assert again.context == "join:"
