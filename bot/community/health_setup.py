"""Builds network health (issue 10) and plugs it into the registry and the scheduler, so the
composition root stays a few lines long."""

from __future__ import annotations

from bot.community import health_commands, interactions
from bot.community.health_commands import HealthCommands
from bot.community.health_report import HealthService
from bot.community.interactions import InteractionService
from bot.community.network_survey import NetworkSurveyService
from bot.community.weave import WeaveService
from bot.core.ports import Sender
from bot.core.registry import Registry
from bot.scheduling.runner import Scheduler
from bot.storage.db import Database
from bot.storage.health_repository import HealthRepository
from bot.storage.repositories import (
    ContainerRepository,
    DirectoryRepository,
    OrganisationTypeRepository,
)


def install(
    registry: Registry,
    db: Database,
    directory: DirectoryRepository,
    outbox: Sender,
    scheduler: Scheduler,
    min_aggregate: int,
) -> InteractionService:
    """Register health's listeners, commands, buttons and jobs; return the interaction
    service, whose `record`/`record_meeting` other rooms (subgroups) call."""
    repository = HealthRepository(db)
    containers = ContainerRepository(db)
    recorder = InteractionService(repository, containers, directory)
    health = HealthService(repository, containers, OrganisationTypeRepository(db))
    surveys = NetworkSurveyService(repository, recorder, outbox, min_aggregate)
    commands = HealthCommands(
        repository,
        health,
        WeaveService(repository, health),
        surveys,
        containers,
        directory,
        outbox,
        scheduler,
    )
    interactions.register(registry, recorder)
    health_commands.register(registry, commands)
    scheduler.job(health_commands.ALERTS_JOB, commands.alerts_job)
    scheduler.job(health_commands.SURVEY_JOB, commands.survey_job)
    scheduler.job(health_commands.QUESTION_JOB, commands.question_job)
    return recorder
