"""The scheduled side of subgroup rounds: forming on the calendar, the 48-hour nudge,
"did you meet?" mid-round and at the end, the trust items, stats for facilitators, and the
automatic pause of members who ignored three rounds in a row."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.community import subgroup_messages as say
from bot.community import subgroup_rounds as rounds
from bot.community.circle import dm
from bot.community.subgroup_rounds import IGNORED_ROUNDS, PERIODS, NotFormed, SubgroupService
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Fields, Message, Outgoing, Text
from bot.storage.models import Container
from bot.storage.models.subgroups import SubgroupRound


class SubgroupJobs:
    def __init__(self, service: SubgroupService) -> None:
        self.service = service

    def jobs(self) -> dict[str, Any]:
        return {
            rounds.ROUND_JOB: self.round_job,
            rounds.NUDGE_JOB: self.nudge_job,
            rounds.MIDPOINT_JOB: self.midpoint_job,
            rounds.CLOSE_JOB: self.close_job,
        }

    async def open_container(
        self, payload: dict[str, Any]
    ) -> tuple[CommunityInfo, Container] | None:
        raw = payload.get("container_id")
        container = await self.service.containers.get(int(raw)) if isinstance(raw, int) else None
        if container is None or container.state == "closed":
            return None
        community = await self.service.directory.community_by_id(container.community_id)
        return (community, container) if community is not None else None

    async def to_facilitators(
        self, community: CommunityInfo, container: Container, message: Message, key: str
    ) -> None:
        circle = await self.service.circles.of(container)
        for facilitator in circle.facilitators:
            await self.service.sender.put(
                community, dm(facilitator, message, f"{key}:{facilitator.id}")
            )

    async def round_job(self, payload: dict[str, Any], due: datetime) -> None:
        """Form the planned round unless a facilitator already formed it by hand."""
        found = await self.open_container(payload)
        number = payload.get("number")
        if found is None or not isinstance(number, int):
            return
        community, container = found
        assert container.id is not None
        if await self.service.repo.settings(container.id) is None:
            return
        if any(r.number == number for r in await self.service.repo.rounds(container.id)):
            return
        try:
            await self.service.form(community, container, due, number)
        except NotFormed as reason:
            await self.to_facilitators(
                community,
                container,
                Message.text(f"Subgroup round {number} of {container.name}: {reason}"),
                f"subgroup-not-formed:{container.id}:{number}:{due.date()}",
            )
            settings = await self.service.repo.settings(container.id)
            days = PERIODS.get(settings.every, 14) if settings else 14
            await self.service.planner.plan(
                f"subgroups:{container.id}:round:{number}:retry:{due.date()}",
                rounds.ROUND_JOB,
                due + timedelta(days=days),
                {"container_id": container.id, "number": number},
            )

    async def round_of(
        self, payload: dict[str, Any]
    ) -> tuple[CommunityInfo, Container, SubgroupRound] | None:
        found = await self.open_container(payload)
        raw = payload.get("round_id")
        stored = await self.service.repo.round(int(raw)) if isinstance(raw, int) else None
        if found is None or stored is None:
            return None
        return found[0], found[1], stored

    async def nudge_job(self, payload: dict[str, Any], due: datetime) -> None:
        """Nudge every space that is still silent 48 hours after the kickoff."""
        found = await self.round_of(payload)
        if found is None or found[2].closed_at is not None:
            return
        community, container, stored = found
        for group, seats in await self.service.repo.groups(stored.id or 0):
            if group.messages > 0 or any(s.met == "yes" for s in seats):
                continue
            members = await self.service.people(seats, community.ref.platform)
            message = say.nudge(container.name, community.locale, group.id or 0)
            target = self.service.space(community, container, group, members)
            await self.service.sender.put(
                community, Outgoing(message, target, f"subgroup-nudge:{group.id}")
            )

    async def ask_met(
        self, community: CommunityInfo, container: Container, stored: SubgroupRound, when: str
    ) -> list[MemberInfo]:
        """ "Did you meet?" to every member still in a subgroup; returns who was asked."""
        asked: list[MemberInfo] = []
        for group, seats in await self.service.repo.groups(stored.id or 0):
            active = [s for s in seats if s.left_at is None]
            members = await self.service.people(active, community.ref.platform)
            for member in members:
                if when == "mid" and any(
                    s.member_id == member.id and s.met == "yes" for s in seats
                ):
                    continue
                others = [m.display_name for m in members if m.id != member.id]
                message = say.met_question(group.id or 0, container.name, others, community.locale)
                key = f"subgroup-met:{group.id}:{member.id}:{when}"
                await self.service.sender.put(community, dm(member, message, key))
                asked.append(member)
        return asked

    async def midpoint_job(self, payload: dict[str, Any], due: datetime) -> None:
        found = await self.round_of(payload)
        if found is not None and found[2].closed_at is None:
            await self.ask_met(*found, "mid")

    async def close_job(self, payload: dict[str, Any], due: datetime) -> None:
        """End of round: did you meet, the trust items, stats, and pauses for the absent."""
        found = await self.round_of(payload)
        if found is None:
            return
        community, container, stored = found
        assert container.id is not None and stored.id is not None
        if not await self.service.repo.close_round(stored.id, due):
            return
        for group, seats in await self.service.repo.groups(stored.id):
            active = [s for s in seats if s.left_at is None]
            members = await self.service.people(active, community.ref.platform)
            for member in members:
                if len(members) < 2:
                    continue
                others = [m.display_name for m in members if m.id != member.id]
                seat = next(s for s in active if s.member_id == member.id)
                if seat.met != "yes":
                    question = say.met_question(
                        group.id or 0, container.name, others, community.locale
                    )
                    await self.service.sender.put(
                        community, dm(member, question, f"subgroup-met:{group.id}:{member.id}:end")
                    )
                items = say.trust_items(group.id or 0, container.name, community.locale)
                await self.service.sender.put(
                    community, dm(member, items, f"subgroup-trust:{group.id}:{member.id}")
                )
        await self.pause_the_absent(community, container, stored)
        stats = await self.service.stats(container, stored, due)
        message = Message(
            (
                Text(f"Subgroup round {stored.number} of {container.name} ended", style="heading"),
                Fields(tuple(stats.lines())),
            )
        )
        await self.to_facilitators(community, container, message, f"subgroup-stats:{stored.id}")

    async def pause_the_absent(
        self, community: CommunityInfo, container: Container, stored: SubgroupRound
    ) -> None:
        assert container.id is not None
        for _, seats in await self.service.repo.groups(stored.id or 0):
            for seat in seats:
                if seat.left_at is not None:
                    continue
                recent = await self.service.repo.recent_seats(
                    container.id, seat.member_id, IGNORED_ROUNDS
                )
                if len(recent) < IGNORED_ROUNDS or any(recent):
                    continue
                await self.service.repo.set_opt_in(seat.member_id, False)
                member = await self.service.directory.member_by_id(seat.member_id)
                if member is not None:
                    key = f"subgroup-paused:{container.id}:{member.id}:{stored.number}"
                    await self.service.sender.put(
                        community, dm(member, say.come_back(container.name), key)
                    )
