"""A member's side of a check-in: the form, saving answers, choosing who may see each one,
and reading what others chose to share (always through `privacy.may_see`)."""

from __future__ import annotations

from datetime import datetime

from bot.community import checkin_messages as msg
from bot.community.checkin_calendar import local
from bot.community.checkin_support import CheckinDeps, round_questions, shared, viewer
from bot.community.privacy import LABELS, Sharing, may_see, parse_sharing, shows_author
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Block, Context, Message, Text
from bot.core.parsing import CommandError
from bot.storage.checkins_repository import MemberRound
from bot.storage.models import Container
from bot.storage.models.checkins import CheckinRound


class ReflectionService:
    def __init__(self, deps: CheckinDeps) -> None:
        self.deps = deps
        self.repo = deps.checkins

    async def my_round(self, member: MemberInfo, raw_round: str) -> MemberRound:
        """The round a button or form names, if this member was sent it, with its
        container's name and its schedule's zone (one query)."""
        found = (
            await self.repo.member_round(int(raw_round), member.id) if raw_round.isdigit() else None
        )
        if found is None or found.delivery_status != "sent":
            raise CommandError(
                "That check-in was not sent to you. `/trellis me reflections` "
                "lists the ones you answered."
            )
        return found

    async def container_name(self, round_: CheckinRound) -> str:
        container = await self.repo.container(round_.container_id)
        return container.name if container else "your container"

    async def form(self, community: CommunityInfo, member: MemberInfo, raw_round: str) -> Message:
        found = await self.my_round(member, raw_round)
        round_ = found.round
        assert round_.id is not None
        if round_.closed_at is not None:
            zone = zone_for(community, member, found)
            raise CommandError(
                f"This check-in closed {local(round_.closed_at, zone)}. "
                "Your answers are kept: see them with `/trellis me reflections`."
            )
        existing = {
            a.question_index: a.text for a in await self.repo.member_answers(round_.id, member.id)
        }
        questions = round_questions(round_)
        return Message(
            (Text(f"Your check-in for {name_of(found)} ({round_.label})."),),
            form=msg.reflect_form(round_, questions, existing),
        )

    async def submit(
        self,
        community: CommunityInfo,
        member: MemberInfo,
        raw_round: str,
        values: dict[str, str],
        now: datetime,
    ) -> Message:
        found = await self.my_round(member, raw_round)
        round_ = found.round
        assert round_.id is not None
        questions = round_questions(round_)
        texts = {index: values.get(f"q{index + 1}", "").strip() for index in range(len(questions))}
        zone = zone_for(community, member, found)
        if round_.closed_at is not None or now >= round_.closes_at:
            return msg.shown_back(
                f"This check-in closed {local(round_.closes_at, zone)}, so answers can no "
                "longer be added or changed. Nothing was saved; here is what you wrote, so "
                "it is not lost:",
                questions,
                texts,
            )
        too_long = [i for i, text in texts.items() if len(text) > msg.MAX_ANSWER]
        if too_long:
            first = too_long[0]
            return msg.shown_back(
                f"Your answer to “{questions[first].label}” is {len(texts[first]):,} "
                f"characters; the limit is {msg.MAX_ANSWER:,}. Nothing was saved this time. "
                "Here is everything you wrote, to shorten and send again with Reflect now:",
                questions,
                texts,
            )
        # Only an all-empty form needs to know what is stored already (it may only clear).
        if not any(texts.values()) and not await self.repo.member_answers(round_.id, member.id):
            raise CommandError("Write at least one answer, even one line, then press Save.")
        answers = await self.repo.save_answers(
            round_.id,
            member.id,
            [(i, questions[i].text, text) for i, text in texts.items()],
            now,
        )
        return msg.saved(name_of(found), round_, questions, answers, zone)

    async def choose_sharing(self, member: MemberInfo, action_id: str, value: str) -> Message:
        number_text = action_id.removeprefix(msg.SHARE)
        raw_round, _, raw_level = value.partition(":")
        level = parse_sharing(raw_level)
        if not number_text.isdigit() or level is None:
            raise CommandError("That choice is no longer valid. Run `/trellis me reflections`.")
        round_ = (await self.my_round(member, raw_round)).round
        assert round_.id is not None
        index = int(number_text) - 1
        if not await self.repo.set_sharing(round_.id, member.id, index, level.value):
            raise CommandError("There is no answer of yours to that question to share.")
        note = {
            Sharing.ME: "Only you can see it.",
            Sharing.FACILITATORS: "Only the container's facilitators and you can see it.",
            Sharing.SUBGROUP: "Only your current subgroup and you can see it (without a "
            "subgroup, that is only you).",
            Sharing.ANONYMOUS: "The container sees it without your name, once enough people "
            "answered for nobody to be singled out.",
            Sharing.NAMED: "The container sees it with your name.",
        }[level]
        when = (
            " The round has closed, so it is not posted again; it shows in "
            "`/trellis checkin shared`."
            if round_.closed_at is not None and level in (Sharing.ANONYMOUS, Sharing.NAMED)
            else ""
        )
        return Message.text(f"Answer {index + 1} — who sees it now: {LABELS[level]}. {note}{when}")

    async def mine(
        self, community: CommunityInfo, member: MemberInfo, round_id: int | None
    ) -> Message:
        rounds = await self.repo.answered_rounds(member.id, limit=10)
        if round_id is not None:
            rounds = [r for r in rounds if r.id == round_id] + [
                r for r in rounds if r.id != round_id
            ]
            if not rounds or rounds[0].id != round_id:
                raise CommandError(f"You have no answers in round {round_id}.")
        if not rounds:
            return Message.text(
                "You have no reflections yet. When a check-in arrives, press Reflect now."
            )
        shown = rounds[0]
        assert shown.id is not None
        answers = await self.repo.answers(shown.id, member.id)
        name = await self.container_name(shown)
        blocks: list[Block] = [Text(f"Your reflections: {name} ({shown.label})", style="heading")]
        for answer in answers:
            blocks += [
                Text(f"{answer.question_index + 1}. {answer.question}"),
                Text(answer.text, style="quote"),
            ]
        blocks += msg.sharing_blocks(shown.id, round_questions(shown), answers)
        if len(rounds) > 1:
            earlier = ", ".join(f"{r.id} ({r.label})" for r in rounds[1:])
            blocks.append(
                Context(
                    f"Other rounds: {earlier}. Open one with `/trellis me reflections --round N`."
                )
            )
        return Message(tuple(blocks))

    async def shared_with(
        self, member: MemberInfo, container: Container, round_id: int | None
    ) -> Message:
        """What others in this container chose to share and `member` may read."""
        assert container.id is not None
        closed = [r for r in await self.repo.latest_rounds(container.id, 20) if r.closed_at]
        if round_id is not None:
            closed = [r for r in closed if r.id == round_id]
        if not closed:
            raise CommandError(
                "No closed check-in round here"
                + (f" with number {round_id}." if round_id is not None else " yet.")
                + " Answers are shown once a round has closed."
            )
        round_ = closed[0]
        assert round_.id is not None
        seer = await viewer(self.deps, member.id, container.id)
        answers = await self.repo.answers(round_.id)
        respondents = len({a.member_id for a in answers})
        names = {m.id: m.display_name for _, m in await self.repo.deliveries(round_.id)}
        blocks: list[Block] = [
            Text(f"Shared with you: {container.name} ({round_.label})", style="heading")
        ]
        questions = round_questions(round_)
        held = 0
        for answer in answers:
            scope = shared(answer, container.id)
            if answer.member_id == member.id or not may_see(scope, seer):
                continue
            if answer.sharing == Sharing.ANONYMOUS and respondents < self.deps.min_aggregate:
                held += 1
                continue
            who = (
                names.get(answer.member_id, "A member") if shows_author(scope, seer) else "Someone"
            )
            blocks += [
                Text(
                    f"{who} — {msg.label_of(questions, answer)} "
                    f"({msg.READER_LABELS[Sharing(answer.sharing)]})"
                ),
                Text(answer.text, style="quote"),
            ]
        if len(blocks) == 1:
            blocks.append(Text("Nothing from this round is shared with you."))
        if held:
            blocks.append(
                Context(
                    f"{held} anonymous answer(s) held back: fewer than "
                    f"{self.deps.min_aggregate} people answered."
                )
            )
        return Message(tuple(blocks))


def zone_for(community: CommunityInfo, member: MemberInfo, found: MemberRound) -> str:
    """The member's own zone, else their round's schedule's, else the community's."""
    return member.timezone or found.schedule_zone or community.timezone


def name_of(found: MemberRound) -> str:
    return found.container_name if found.container_name is not None else "your container"
