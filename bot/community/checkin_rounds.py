"""Running check-in rounds: open, fan out at each member's time, remind, close, welcome back.

Every step is a scheduled run with a unique key, and every message an outbox entry with a
unique key, so a step retried after a crash continues where it stopped and sends nothing
twice. A delivery is marked only after its message is stored; a retry that finds the
message already stored just marks it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

from bot.community import checkin_messages as msg
from bot.community.checkin_calendar import due_at, following_date, local, opens_at
from bot.community.checkin_support import (
    CheckinDeps,
    dump_questions,
    facilitators,
    ref_of,
    resolve_question_set,
    round_questions,
    shared,
    viewer,
    zone_of,
)
from bot.community.privacy import Sharing, Viewer, may_see, shows_author
from bot.community.themes import frequent_themes
from bot.core.directory import CommunityInfo
from bot.core.messages import Message, Outgoing, ToChannel, ToMember
from bot.core.refs import ChannelRef
from bot.dialogue.prompt_bank import QuestionSet, checkin_prompts
from bot.storage.models import Container, Member
from bot.storage.models.checkins import CheckinDelivery, CheckinRound, CheckinSchedule

log = logging.getLogger(__name__)
Job = Callable[[dict[str, Any], datetime], Awaitable[None]]

OPEN, SEND, REMIND, CLOSE, BACK = (
    "checkin.open",
    "checkin.send",
    "checkin.remind",
    "checkin.close",
    "checkin.back",
)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


class RoundRunner:
    def __init__(self, deps: CheckinDeps) -> None:
        self.deps = deps
        self.repo = deps.checkins

    def jobs(self) -> dict[str, Job]:
        return {
            OPEN: self.open_scheduled,
            SEND: self.send_job,
            REMIND: self.remind_job,
            CLOSE: self.close_job,
            BACK: self.back_job,
        }

    # -- planning -------------------------------------------------------------------------

    async def plan_open(self, schedule: CheckinSchedule, round_date: date) -> None:
        """Plan the round of `round_date` for this generation of the schedule."""
        assert schedule.id is not None
        await self.deps.planner.plan(
            f"checkin:open:{schedule.id}:{schedule.generation}:{round_date.isoformat()}",
            OPEN,
            opens_at(round_date, schedule.hour, schedule.minute),
            {
                "schedule": schedule.id,
                "generation": schedule.generation,
                "date": round_date.isoformat(),
            },
        )
        await self.repo.set_next_date(schedule.id, round_date)

    async def open_scheduled(self, payload: dict[str, Any], due: datetime) -> None:
        schedule = await self.repo.schedule(int(payload["schedule"]))
        if schedule is None or schedule.paused or schedule.generation != payload["generation"]:
            return  # replaced, paused or removed since this run was planned
        container = await self.repo.container(schedule.container_id)
        if container is None or container.state == "closed":
            return
        round_date = date.fromisoformat(payload["date"])
        community = await self.repo.community_of(schedule.container_id)
        question_set = await self.question_set(community, schedule.question_set)

        def member_due(member: Member) -> datetime:
            zone = zone_of(member, schedule, community)
            return due_at(round_date, schedule.hour, schedule.minute, zone)

        await self.open_round(
            container,
            key=round_date.isoformat(),
            label=f"{round_date:%a} {round_date.day} {round_date:%b %Y}",
            question_set=question_set,
            due_for=member_due,
            open_for=timedelta(hours=schedule.open_hours),
            schedule=schedule,
            now=due,
        )
        await self.plan_open(schedule, following_date(schedule.every, schedule.day, round_date))

    async def question_set(self, community: CommunityInfo, name: str) -> QuestionSet:
        found = await resolve_question_set(self.repo, community, name)
        if found is None:  # a custom set can only be added, never removed; be safe anyway
            prompts = checkin_prompts(community.locale)
            return prompts.sets[prompts.default]
        return found

    async def open_round(
        self,
        container: Container,
        *,
        key: str,
        label: str,
        question_set: QuestionSet,
        due_for: Callable[[Member], datetime],
        open_for: timedelta,
        schedule: CheckinSchedule | None,
        now: datetime,
    ) -> CheckinRound:
        """Create the round (once per key), one delivery per member, and plan its runs."""
        assert container.id is not None
        members = [m for m, _ in await self.deps.containers.members(container.id)]
        due = {m.id: due_for(m) for m in members if m.id is not None}
        round_ = await self.repo.create_round(
            {
                "container_id": container.id,
                "round_key": key,
                "label": label,
                "question_set": question_set.name,
                "questions": dump_questions(question_set.questions),
                "opened_at": now,
                "closes_at": max(due.values(), default=now) + open_for,
                "remind_hours": schedule.remind_hours if schedule else 24,
                "grace_hours": schedule.grace_hours if schedule else 6,
            }
        )
        assert round_.id is not None
        await self.repo.add_deliveries(round_.id, due.items())
        for moment in sorted(set(due.values())):
            await self.deps.planner.plan(
                f"checkin:send:{round_.id}:{stamp(moment)}", SEND, moment, {"round": round_.id}
            )
            reminder = moment + timedelta(hours=round_.remind_hours)
            if round_.remind_hours and reminder < round_.closes_at:
                await self.deps.planner.plan(
                    f"checkin:remind:{round_.id}:{stamp(moment)}",
                    REMIND,
                    reminder,
                    {"round": round_.id},
                )
        await self.deps.planner.plan(
            f"checkin:close:{round_.id}", CLOSE, round_.closes_at, {"round": round_.id}
        )
        return round_

    # -- fan-out --------------------------------------------------------------------------

    async def send_job(self, payload: dict[str, Any], due: datetime) -> None:
        await self.send_due(int(payload["round"]))

    async def send_due(self, round_id: int) -> int:
        """Send every check-in of the round that is due and not yet sent; returns how many."""
        round_ = await self.repo.round(round_id)
        if round_ is None or round_.closed_at is not None:
            return 0
        now = self.deps.clock.now()
        container = await self.repo.container(round_.container_id)
        assert container is not None and container.id is not None
        community = await self.repo.community_of(container.id)
        schedule = await self.repo.schedule_for(container.id)
        active = {m.id for m, _ in await self.deps.containers.members(container.id)}
        questions = round_questions(round_)
        grace = timedelta(hours=round_.grace_hours)
        due = await self.repo.pending_due(round_id, now)

        def outcome(delivery: CheckinDelivery, member: Member) -> str:
            if member.id not in active:
                return "left"
            if member.paused_until is not None and member.paused_until > now:
                return "paused"
            return "late" if now - delivery.due_at > grace else "sent"

        outcomes = [outcome(delivery, member) for delivery, member in due]
        # Chosen from each member's own motivation points, shown to them alone: read for
        # everyone this run sends to at once.
        receivers = [
            m.id
            for (_, m), o in zip(due, outcomes, strict=True)
            if o == "sent" and m.id is not None
        ]
        openings = (
            await self.deps.fitting.fitting_prompts(receivers, community.locale, round_id)
            if receivers
            else {}
        )
        sent, late = 0, []
        # Marked together after the loop, in the run's transaction: every mark still follows
        # its message being stored (a retry re-stores nothing and just marks).
        marks: list[tuple[int, dict[str, Any]]] = []
        messages: list[Outgoing] = []
        for (delivery, member), status in zip(due, outcomes, strict=True):
            assert delivery.id is not None and member.id is not None
            if status == "paused":
                assert member.paused_until is not None
                await self.plan_welcome_back(member, member.paused_until)
            elif status == "late":
                late.append(member.display_name)
            elif status == "sent":
                zone = zone_of(member, schedule, community)
                messages.append(
                    Outgoing(
                        msg.checkin_dm(
                            container.name, round_, questions, zone, openings.get(member.id)
                        ),
                        ToMember(ref_of(community, member)),
                        idempotency_key=f"checkin:{round_id}:{member.id}",
                    )
                )
                marks.append((delivery.id, {"status": "sent", "sent_at": now}))
                sent += 1
                continue
            marks.append((delivery.id, {"status": status}))
        await self.deps.postbox.put_all(community, messages)  # one statement for the round
        await self.repo.set_deliveries(marks)
        if late:
            note = msg.late_note(container.name, round_.label, late, round_.grace_hours)
            await self.tell_facilitators(
                community, container, note, f"checkin:late:{round_id}:{stamp(now)}"
            )
        return sent

    async def plan_welcome_back(self, member: Member, until: datetime) -> None:
        await self.deps.planner.plan(
            f"checkin:back:{member.id}:{stamp(until)}",
            BACK,
            until,
            {"member": member.id, "until": until.isoformat()},
        )

    async def tell_facilitators(
        self, community: CommunityInfo, container: Container, message: Message, key: str
    ) -> None:
        assert container.id is not None
        for person in await facilitators(self.deps, container.id):
            await self.deps.postbox.put(
                community,
                Outgoing(message, ToMember(ref_of(community, person)), f"{key}:{person.id}"),
            )

    # -- reminder, close, welcome back ----------------------------------------------------

    async def remind_job(self, payload: dict[str, Any], due: datetime) -> None:
        round_ = await self.repo.round(int(payload["round"]))
        if round_ is None or round_.closed_at is not None:
            return
        assert round_.id is not None
        now = self.deps.clock.now()
        community = await self.repo.community_of(round_.container_id)
        container = await self.repo.container(round_.container_id)
        schedule = await self.repo.schedule_for(round_.container_id)
        assert container is not None
        cutoff = now - timedelta(hours=round_.remind_hours)
        reminded: list[tuple[int, dict[str, Any]]] = []
        messages: list[Outgoing] = []
        for delivery, member in await self.repo.to_remind(round_.id, cutoff):
            assert delivery.id is not None
            zone = zone_of(member, schedule, community)
            messages.append(
                Outgoing(
                    msg.reminder_dm(container.name, round_, zone),
                    ToMember(ref_of(community, member)),
                    idempotency_key=f"checkin:remind:{round_.id}:{member.id}",
                )
            )
            reminded.append((delivery.id, {"reminded_at": now}))
        # One statement each for all, the messages stored first (as in `send_due`).
        await self.deps.postbox.put_all(community, messages)
        await self.repo.set_deliveries(reminded)

    async def close_job(self, payload: dict[str, Any], due: datetime) -> None:
        round_id = int(payload["round"])
        await self.repo.close_round(round_id, self.deps.clock.now())
        round_ = await self.repo.round(round_id)
        assert round_ is not None and round_.id is not None
        container = await self.repo.container(round_.container_id)
        assert container is not None and container.id is not None
        community = await self.repo.community_of(container.id)
        deliveries = await self.repo.deliveries(round_id)
        answers = await self.repo.answers(round_id)
        answered = {a.member_id for a in answers}
        sent = [m for d, m in deliveries if d.status == "sent"]
        stopwords = checkin_prompts(community.locale).stopwords
        channel = container.channel_name or container.channel_id
        for person in await facilitators(self.deps, container.id):
            assert person.id is not None
            seer = await viewer(self.deps, person.id, container.id)
            pool = [
                a.text
                for a in answers
                if a.sharing != Sharing.ME and may_see(shared(a, container.id), seer)
            ]
            figures = msg.RoundFigures(
                container=container.name,
                label=round_.label,
                sent=len(sent),
                answered=len([m for m in sent if m.id in answered]),
                not_answered=tuple(m.display_name for m in sent if m.id not in answered),
                paused=sum(1 for d, _ in deliveries if d.status == "paused"),
                late=sum(1 for d, _ in deliveries if d.status == "late"),
                grace_hours=round_.grace_hours,
                themes=tuple(frequent_themes(pool, stopwords)),
                channel=channel,
            )
            await self.deps.postbox.put(
                community,
                Outgoing(
                    msg.summary(figures),
                    ToMember(ref_of(community, person)),
                    f"checkin:summary:{round_id}:{person.id}",
                ),
            )
        await self.post_to_container(community, container, round_)

    async def post_to_container(
        self, community: CommunityInfo, container: Container, round_: CheckinRound
    ) -> None:
        """Post the answers shared with the whole container, as their authors chose."""
        assert container.id is not None and round_.id is not None
        answers = await self.repo.answers(round_.id)
        respondents = len({a.member_id for a in answers})
        names = {m.id: m.display_name for _, m in await self.repo.deliveries(round_.id)}
        # The channel is read by everyone in it: only what any container member may see.
        everyone = channel_reader(container.id)
        shown: list[tuple[str, str, str]] = []
        held = 0
        questions = round_questions(round_)
        for answer in answers:
            scope = shared(answer, container.id)
            if not may_see(scope, everyone):
                continue
            if answer.sharing == Sharing.ANONYMOUS and respondents < self.deps.min_aggregate:
                held += 1
                continue
            who = names.get(answer.member_id, "A member")
            shown.append(
                (
                    who if shows_author(scope, everyone) else "Someone",
                    msg.label_of(questions, answer),
                    answer.text,
                )
            )
        if not shown and not held:
            return
        channel = ChannelRef(community.ref.platform, container.channel_id, container.channel_name)
        await self.deps.postbox.put(
            community,
            Outgoing(
                msg.container_post(container.name, round_.label, shown, held),
                ToChannel(channel),
                idempotency_key=f"checkin:shared:{round_.id}",
            ),
        )

    async def back_job(self, payload: dict[str, Any], due: datetime) -> None:
        member = await self.repo.member(int(payload["member"]))
        until = datetime.fromisoformat(payload["until"])
        if member is None or member.paused_until != until:
            return  # the pause was changed since; the new one plans its own welcome
        assert member.id is not None
        upcoming = []
        community = await self.repo.community(member.community_id)
        for container, schedule in await self.repo.member_schedules(member.id):
            if schedule.next_date is not None:
                zone = zone_of(member, schedule, community)
                moment = due_at(schedule.next_date, schedule.hour, schedule.minute, zone)
                upcoming.append(f"{container.name}: next check-in {local(moment, zone)}")
        await self.deps.postbox.put(
            community,
            Outgoing(
                msg.welcome_back(upcoming),
                ToMember(ref_of(community, member)),
                idempotency_key=f"checkin:back:{member.id}:{stamp(until)}",
            ),
        )


def channel_reader(container_id: int) -> Viewer:
    """Anyone in the container's channel: a member with no role, subgroup or authorship."""
    return Viewer(member_id=-1, container_id=container_id, in_container=True, facilitator=False)
