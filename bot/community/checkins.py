"""Reflection check-ins, assembled: the round runner, the schedule and the member's side."""

from __future__ import annotations

from bot.community.checkin_answers import ReflectionService
from bot.community.checkin_rounds import Job, RoundRunner
from bot.community.checkin_schedules import ScheduleService
from bot.community.checkin_support import CheckinDeps


class Checkins:
    def __init__(self, deps: CheckinDeps) -> None:
        self.deps = deps
        self.runner = RoundRunner(deps)
        self.schedules = ScheduleService(deps, self.runner)
        self.reflections = ReflectionService(deps)

    def jobs(self) -> dict[str, Job]:
        """The scheduled kinds check-ins run (open, send, remind, close, back)."""
        return self.runner.jobs()
