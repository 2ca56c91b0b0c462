"""Trust pulse answers on SQLite and PostgreSQL: a second rating replaces the first."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Trellis
from bot.core.events import Actor
from bot.core.ports import SimulatedClock
from bot.core.refs import CommunityRef, MemberRef
from bot.storage.models import Container
from bot.storage.repositories import ContainerRepository
from bot.storage.trust_repository import (
    AgreementRepository,
    PulseRepository,
    PulseState,
    PurposeRepository,
)


async def test_a_second_rating_replaces_the_first_and_a_pulse_knows_its_community(
    trellis_any_db: Trellis, clock: SimulatedClock
) -> None:
    trellis, now = trellis_any_db, clock.now()
    community = await trellis.directory.community(CommunityRef("memory", "t"))
    ana = await trellis.directory.member(community, Actor(MemberRef("memory", "ana"), "ana"))
    ben = await trellis.directory.member(community, Actor(MemberRef("memory", "ben"), "ben"))
    container = await ContainerRepository(trellis.db).create(
        Container(
            community_id=community.id,
            channel_id="pod",
            name="Pod",
            created_by=ana.id,
            created_at=now,
        ),
        ana.id,
        now,
    )
    assert container.id is not None
    pulses = PulseRepository(trellis.db)
    closes = now + timedelta(days=3)
    pulse = await pulses.open(container.id, 1, ["safe", "voice"], now, closes)
    assert pulse is not None and pulse.id is not None
    assert await pulses.state(pulse.id) == PulseState(
        pulse.id, "safe,voice", closes, False, community.id
    )
    assert await pulses.state(pulse.id + 1) is None

    later = now + timedelta(hours=1)
    await pulses.answer(pulse.id, ana.id, "safe", 3, now)
    await pulses.answer(pulse.id, ben.id, "safe", 5, now)
    await pulses.answer(pulse.id, ana.id, "safe", 6, later)
    await pulses.answer(pulse.id, ana.id, "improve", 0, now, note="more time")
    await pulses.answer(pulse.id, ana.id, "improve", 0, later, note="slower pace")
    stored = {
        (a.member_id, a.item): (a.score, a.note, a.at) for a in await pulses.answers(pulse.id)
    }
    assert stored == {
        (ana.id, "safe"): (6, "", later),
        (ben.id, "safe"): (5, "", now),
        (ana.id, "improve"): (0, "slower pace", later),
    }
    assert await pulses.close(pulse.id)
    state = await pulses.state(pulse.id)
    assert state is not None and state.closed


async def test_a_newcomer_reads_the_purpose_versions_and_agreements_in_force_at_once(
    trellis_any_db: Trellis, clock: SimulatedClock
) -> None:
    trellis, now = trellis_any_db, clock.now()
    community = await trellis.directory.community(CommunityRef("memory", "t"))
    ana = await trellis.directory.member(community, Actor(MemberRef("memory", "ana"), "ana"))
    container = await ContainerRepository(trellis.db).create(
        Container(
            community_id=community.id,
            channel_id="pod",
            name="Pod",
            created_by=ana.id,
            created_at=now,
        ),
        ana.id,
        now,
    )
    assert container.id is not None
    purposes, agreements = PurposeRepository(trellis.db), AgreementRepository(trellis.db)
    assert await purposes.with_agreements(container.id) == ([], [])
    first = await purposes.propose(container.id, "Learn", ana.id, now)
    assert first.id is not None
    await purposes.mark_agreed(first.id, now)
    await purposes.propose(container.id, "Learn more", ana.id, now + timedelta(hours=1))
    later = await agreements.propose(container.id, "Later", ana.id, now + timedelta(hours=2))
    earlier = await agreements.propose(container.id, "Earlier", ana.id, now)
    await agreements.propose(container.id, "Only proposed", ana.id, now)
    for agreement in (later, earlier):
        assert agreement.id is not None
        await agreements.put_in_force(agreement.id, now + timedelta(hours=3))
    assert await purposes.with_agreements(container.id) == (
        [("Learn", True), ("Learn more", False)],
        ["Earlier", "Later"],
    )
