"""Setting a container's check-in rhythm: schedule, show, pause, resume, now, question sets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.community.checkin_calendar import (
    ScheduleProblem,
    check_zone,
    day_label,
    due_at,
    first_date,
    local,
    parse_day,
)
from bot.community.checkin_rounds import RoundRunner, stamp
from bot.community.checkin_support import CheckinDeps, resolve_question_set
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.messages import Context, Fields, Message, Text
from bot.core.parsing import CommandError
from bot.dialogue.prompt_bank import LABEL_CHARS, QuestionSet, checkin_prompts
from bot.storage.models import Container
from bot.storage.models.checkins import CheckinRound, CheckinSchedule

PERIOD_DAYS = {"week": 7, "fortnight": 14, "month": 28}
DEFAULT_OPEN = timedelta(days=3)
DEFAULT_REMIND = timedelta(hours=24)
DEFAULT_GRACE = timedelta(hours=6)
SET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
MAX_QUESTIONS = 5
MAX_QUESTION_CHARS = 300


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    every: str
    day: str
    at: time
    question_set: str | None = None
    zone: str | None = None
    open_for: timedelta | None = None
    remind_after: timedelta | None = None
    grace: timedelta | None = None


def hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def span(hours_: int) -> str:
    return f"{hours_ // 24} days" if hours_ % 24 == 0 and hours_ >= 48 else f"{hours_} h"


class ScheduleService:
    def __init__(self, deps: CheckinDeps, runner: RoundRunner) -> None:
        self.deps = deps
        self.repo = deps.checkins
        self.runner = runner

    async def question_set(self, community: CommunityInfo, name: str) -> QuestionSet:
        found = await resolve_question_set(self.repo, community, name)
        if found is None:
            names = ", ".join(await self.set_names(community))
            raise CommandError(
                f"No question set `{name[:40]}`. Sets: {names}. "
                "Add your own with `/trellis checkin questions add`."
            )
        return found

    async def set_names(self, community: CommunityInfo) -> list[str]:
        built_in = list(checkin_prompts(community.locale).sets)
        return built_in + sorted(await self.repo.question_sets(community.id))

    async def schedule(
        self,
        community: CommunityInfo,
        container: Container,
        by: MemberInfo,
        request: ScheduleRequest,
        now: datetime,
    ) -> Message:
        assert container.id is not None
        try:
            day = parse_day(request.every, request.day)
            zone = check_zone(request.zone) if request.zone else None
        except ScheduleProblem as problem:
            raise CommandError(str(problem)) from None
        period = PERIOD_DAYS[request.every]
        open_for = request.open_for or DEFAULT_OPEN
        remind = DEFAULT_REMIND if request.remind_after is None else request.remind_after
        grace = DEFAULT_GRACE if request.grace is None else request.grace
        if not timedelta(hours=1) <= open_for < timedelta(days=period):
            raise CommandError(
                f"--open must be at least 1h and shorter than the rhythm ({period} days), "
                "e.g. `--open 3d`."
            )
        if remind >= open_for:
            raise CommandError(
                "--remind must come before the round closes, e.g. `--remind 24h` "
                "(or `--remind 0h` for no reminder)."
            )
        if grace > open_for:
            raise CommandError("--grace can be at most as long as --open, e.g. `--grace 6h`.")
        existing = await self.repo.schedule_for(container.id)
        set_name = request.question_set or (
            existing.question_set if existing else checkin_prompts(community.locale).default
        )
        chosen = await self.question_set(community, set_name)
        schedule = await self.repo.save_schedule(
            container.id,
            {
                "every": request.every,
                "day": day,
                "hour": request.at.hour,
                "minute": request.at.minute,
                "question_set": chosen.name,
                "zone": zone,
                "open_hours": hours(open_for),
                "remind_hours": hours(remind),
                "grace_hours": hours(grace),
                "paused": False,
                "created_by": by.id,
                "updated_at": now,
            },
        )
        first = first_date(schedule.every, schedule.day, schedule.hour, schedule.minute, now)
        await self.runner.plan_open(schedule, first)
        reminder = f"one reminder after {span(schedule.remind_hours)}" if remind else "no reminder"
        return Message(
            (
                Text(f"Check-ins for {container.name}", style="heading"),
                Text(
                    f"{capitalised(day_label(schedule.every, schedule.day))} at "
                    f"{request.at:%H:%M}, in each member's own time zone. "
                    f"Questions: {chosen.title} (set `{chosen.name}`). "
                    f"Open for {span(schedule.open_hours)}, "
                    f"{reminder}. First round: {first:%a} {first.day} {first:%b}."
                ),
                Context(
                    "Answers are private unless each member chooses to share them. "
                    "See it any time with `/trellis checkin show`."
                ),
            )
        )

    async def show(
        self, community: CommunityInfo, container: Container, member: MemberInfo
    ) -> Message:
        assert container.id is not None
        schedule = await self.repo.schedule_for(container.id)
        latest = await self.repo.latest_rounds(container.id, 1)
        if schedule is None and not latest:
            raise CommandError(
                f"{container.name} has no check-ins yet. A facilitator can start them with "
                "`/trellis checkin schedule --every week --day mon --at 09:00`."
            )
        zone = member.timezone or (schedule.zone if schedule else None) or community.timezone
        pairs: list[tuple[str, str]] = []
        if schedule is not None:
            chosen = await resolve_question_set(self.repo, community, schedule.question_set)
            pairs += [
                (
                    "Rhythm",
                    f"{day_label(schedule.every, schedule.day)} at "
                    f"{schedule.hour:02d}:{schedule.minute:02d}, each member's own time",
                ),
                ("Questions", chosen.title if chosen else schedule.question_set),
                ("State", "paused" if schedule.paused else "active"),
                (
                    "Open for",
                    f"{span(schedule.open_hours)}; reminder after "
                    f"{span(schedule.remind_hours) if schedule.remind_hours else '(none)'}; "
                    f"late check-ins sent up to {schedule.grace_hours} h late",
                ),
            ]
            if not schedule.paused and schedule.next_date is not None:
                moment = due_at(schedule.next_date, schedule.hour, schedule.minute, zone)
                pairs.append(("Next round (your time)", local(moment, zone)))
        if latest:
            pairs.append(("Last round", await self.round_line(latest[0], zone)))
        return Message(
            (
                Text(f"Check-ins: {container.name}", style="heading"),
                Fields(tuple(pairs)),
                Context("Your answers: `/trellis me reflections`."),
            )
        )

    async def round_line(self, round_: CheckinRound, zone: str) -> str:
        assert round_.id is not None
        sent = sum(1 for d, _ in await self.repo.deliveries(round_.id) if d.status == "sent")
        answered = await self.repo.count_answered(round_.id)
        state = (
            "closed"
            if round_.closed_at is not None
            else f"open until {local(round_.closes_at, zone)}"
        )
        return f"{round_.label}: {answered} of {sent} answered, {state}"

    async def pause(self, container: Container) -> Message:
        schedule = await self.require(container)
        if schedule.paused:
            raise CommandError(
                "Check-ins are already paused. `/trellis checkin resume` restarts them."
            )
        assert schedule.id is not None
        await self.repo.update_schedule(schedule.id, paused=True)
        return Message.text(
            f"Check-ins for {container.name} are paused: no new rounds until a facilitator "
            "runs `/trellis checkin resume`. A round already open stays open."
        )

    async def resume(self, container: Container, now: datetime) -> Message:
        schedule = await self.require(container)
        if not schedule.paused:
            raise CommandError("Check-ins are not paused.")
        assert schedule.id is not None
        schedule = await self.repo.update_schedule(schedule.id, paused=False)
        first = first_date(schedule.every, schedule.day, schedule.hour, schedule.minute, now)
        await self.runner.plan_open(schedule, first)
        return Message.text(
            f"Check-ins for {container.name} resume. Next round: {first:%a} {first.day} {first:%b}."
        )

    async def require(self, container: Container) -> CheckinSchedule:
        assert container.id is not None
        schedule = await self.repo.schedule_for(container.id)
        if schedule is None:
            raise CommandError(
                "No check-in schedule here yet. Start one with "
                "`/trellis checkin schedule --every week --day mon --at 09:00`."
            )
        return schedule

    async def start_now(
        self, community: CommunityInfo, container: Container, set_name: str | None, now: datetime
    ) -> Message:
        """A round for everyone at once, outside the rhythm (a kick-off, a special occasion)."""
        assert container.id is not None
        schedule = await self.repo.schedule_for(container.id)
        name = set_name or (
            schedule.question_set if schedule else checkin_prompts(community.locale).default
        )
        chosen = await self.question_set(community, name)
        open_hours = schedule.open_hours if schedule else hours(DEFAULT_OPEN)
        zone = (schedule.zone if schedule else None) or community.timezone
        round_ = await self.runner.open_round(
            container,
            key=f"now:{stamp(now)}",
            label=f"{local(now, zone).split(' (')[0]}, started by hand",
            question_set=chosen,
            due_for=lambda _member: now,
            open_for=timedelta(hours=open_hours),
            schedule=schedule,
            now=now,
        )
        assert round_.id is not None
        sent = await self.runner.send_due(round_.id)
        return Message.text(
            f"Check-in started for {container.name}: sent to {sent} member(s) "
            f"({chosen.title}). It closes {local(round_.closes_at, zone)}."
        )

    async def add_questions(
        self, community: CommunityInfo, by: MemberInfo, name: str, text: str, now: datetime
    ) -> Message:
        name = name.strip().lower()
        if not SET_NAME.match(name):
            raise CommandError(
                "A set name is one word of letters, digits and dashes (at most 32), e.g. `retro`."
            )
        if name in checkin_prompts(community.locale).sets:
            raise CommandError(f"`{name}` is a built-in set; choose another name.")
        questions = [q.strip() for q in text.split("|") if q.strip()]
        if not 1 <= len(questions) <= MAX_QUESTIONS:
            raise CommandError(
                f"Give 1 to {MAX_QUESTIONS} questions separated by `|`, e.g. "
                "`/trellis checkin questions add retro What went well? | What will you change?`"
            )
        too_long = [q for q in questions if len(q) > MAX_QUESTION_CHARS]
        if too_long:
            raise CommandError(
                f"A question can be at most {MAX_QUESTION_CHARS} characters; this one has "
                f"{len(too_long[0])}: “{too_long[0][:80]}…”"
            )
        if not await self.repo.add_question_set(community.id, name, questions, by.id, now):
            raise CommandError(f"There is already a set `{name}`; choose another name.")
        listed = "\n".join(f"{n}. {q}" for n, q in enumerate(questions, 1))
        return Message(
            (
                Text(f"Question set `{name}` added:\n{listed}"),
                Context(
                    f"Use it with `/trellis checkin schedule … --questions {name}`. Forms show "
                    f"the first {LABEL_CHARS} characters of each question as its label."
                ),
            )
        )

    async def list_questions(self, community: CommunityInfo) -> Message:
        prompts = checkin_prompts(community.locale)
        blocks: list[Text | Context] = [Text("Check-in question sets", style="heading")]
        for name, found in prompts.sets.items():
            default = " (default)" if name == prompts.default else ""
            listed = "\n".join(f"  {n}. {q.text}" for n, q in enumerate(found.questions, 1))
            blocks.append(Text(f"{name}{default}: {found.title}\n{listed}"))
        for name, questions in (await self.repo.question_sets(community.id)).items():
            listed = "\n".join(f"  {n}. {q}" for n, q in enumerate(questions, 1))
            blocks.append(Text(f"{name} (custom)\n{listed}"))
        sources = "; ".join(s.source for s in prompts.sets.values() if s.source)
        blocks.append(Context(f"Wording: {sources}."))
        return Message(tuple(blocks))
