"""The network self-assessment (the community profile): five key areas rated 1-5 each
quarter by members and facilitators, shown only as averages once enough people answered;
and the optional monthly "whom did you learn from / whom did you help?" question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.community.circle import dm, is_paused
from bot.community.interactions import InteractionService
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Button, Buttons, Choice, Message, Option, Text
from bot.core.messages import Context as ContextLine
from bot.core.parsing import CommandError
from bot.core.ports import Sender
from bot.dialogue.bank import load
from bot.network.charts import radar
from bot.storage.health_repository import HealthRepository
from bot.storage.repositories import member_info

RATE_ACTION = "network.rate"
LEARNT_ACTION = "network.learnt"
HELPED_ACTION = "network.helped"
MAX_PICKS = 5
MAX_OPTIONS = 25
"""Discord's select menus hold at most 25 options."""


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    label: str
    question: str


def areas(locale: str = "en") -> list[Area]:
    return [
        Area(a["code"], a["label"], a["question"])
        for a in load("network_assessment", locale)["areas"]
    ]


@dataclass(frozen=True, slots=True)
class ProfileRound:
    label: str
    averages: list[float]  # per area, in `areas()` order
    respondents: int


class NetworkSurveyService:
    def __init__(
        self,
        repository: HealthRepository,
        interactions: InteractionService,
        sender: Sender,
        minimum: int,
    ) -> None:
        self.repository = repository
        self.interactions = interactions
        self.sender = sender
        self.minimum = minimum

    async def recipients(self, community: CommunityInfo, now: datetime) -> list[MemberInfo]:
        rows = await self.repository.community_members(community.id)
        infos = [member_info(row, community.ref.platform) for row in rows]
        return [m for m in infos if not is_paused(m, now)]

    def survey_message(self, survey_id: int, locale: str) -> Message:
        data = load("network_assessment", locale)
        blocks: list[Text | Buttons | ContextLine] = [
            Text("Network self-assessment", style="heading"),
            Text(data["intro"]),
        ]
        for number, area in enumerate(areas(locale), start=1):
            blocks.append(Text(f"{number}. {area.label}: {area.question}"))
            blocks.append(
                Buttons(
                    tuple(
                        Button(str(n), RATE_ACTION, f"{survey_id}:{area.code}:{n}")
                        for n in range(1, 6)
                    )
                )
            )
        scale = data["scale"]
        blocks.append(
            ContextLine(f"1 = {scale['low']}, 5 = {scale['high']}. Click again to change.")
        )
        return Message(tuple(blocks))

    async def open_round(
        self, community: CommunityInfo, round_key: str, now: datetime
    ) -> int | None:
        """Send a survey round to everyone not paused; None when this round was already sent."""
        survey = await self.repository.open_survey(community.id, round_key, now)
        if survey is None or survey.id is None:
            return None
        message = self.survey_message(survey.id, community.locale)
        people = await self.recipients(community, now)
        for member in people:
            await self.sender.put(
                community, dm(member, message, f"netsurvey:{survey.id}:{member.id}")
            )
        return len(people)

    async def rate(self, member: MemberInfo, value: str, now: datetime) -> str:
        try:
            survey_raw, area, rating_raw = value.split(":")
            survey_id, rating = int(survey_raw), int(rating_raw)
        except ValueError:
            raise CommandError("That rating button is not valid any more.") from None
        survey = await self.repository.survey(survey_id)
        if survey is None or survey.community_id != member.community_id:
            raise CommandError("That survey is not open to you.")
        if not 1 <= rating <= 5:
            raise CommandError("Ratings go from 1 to 5; click one of the buttons.")
        if area not in {a.code for a in areas()}:
            raise CommandError("That rating button is not valid any more.")
        await self.repository.answer(survey_id, member.id, area, rating, now)
        return f"Thanks: noted {rating} of 5. Only the network's average is ever shown."

    async def profile(self, community_id: int) -> list[ProfileRound]:
        """Rounds with at least `minimum` respondents on every area, oldest first."""
        found = []
        codes = [a.code for a in areas()]
        for survey, by_area in await self.repository.survey_rounds(community_id):
            counts = [len(by_area.get(code, [])) for code in codes]
            if min(counts) < self.minimum:
                continue
            found.append(
                ProfileRound(
                    f"{survey.opened_at:%Y-%m-%d}",
                    [sum(by_area[code]) / len(by_area[code]) for code in codes],
                    min(counts),
                )
            )
        return found

    def chart(self, rounds: list[ProfileRound]) -> bytes:
        return radar([a.label for a in areas()], [(r.label, r.averages) for r in rounds[-4:]])

    # -- the monthly learnt-from question ----------------------------------------------

    async def ask_learning(self, community: CommunityInfo, month: str, now: datetime) -> int:
        data = load("network_assessment", community.locale)["learning_question"]
        people = await self.recipients(community, now)
        sent = 0
        for member in people:
            others = [m for m in people if m.id != member.id][:MAX_OPTIONS]
            if not others:
                continue
            options = tuple(Option(m.display_name or m.ref.external_id, str(m.id)) for m in others)
            message = Message(
                (
                    Text("Who helped you learn?", style="heading"),
                    Text(data["intro"]),
                    Text(data["learnt"]),
                    Choice(LEARNT_ACTION, options, placeholder="Up to 5 members", multi=True),
                    Text(data["helped"]),
                    Choice(HELPED_ACTION, options, placeholder="Up to 5 members", multi=True),
                )
            )
            sent += await self.sender.put(
                community, dm(member, message, f"learnt-q:{month}:{member.id}")
            )
        return sent

    async def answer_learning(
        self, member: MemberInfo, action: str, values: tuple[str, ...], now: datetime
    ) -> str:
        if len(values) > MAX_PICKS:
            raise CommandError(f"Pick up to {MAX_PICKS} members, please.")
        known = {m.id for m in await self.repository.community_members(member.community_id)}
        try:
            chosen = [int(v) for v in values]
        except ValueError:
            raise CommandError("That choice is not valid any more.") from None
        chosen = [c for c in chosen if c in known and c != member.id]
        kind = "learnt" if action == LEARNT_ACTION else "helped"
        await self.interactions.record(
            member.community_id,
            [(member.id, other) for other in chosen],
            kind,
            now,
            f"learnt-q:{now:%Y-%m}:{member.id}",
        )
        return f"Thanks: noted {len(chosen)} member(s). Nobody sees your answer."
