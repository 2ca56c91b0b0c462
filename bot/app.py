"""The composition root: builds every part and starts and stops them in order."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.community import checkin_commands, container_commands, roles
from bot.community.checkin_support import CheckinDeps
from bot.community.checkins import Checkins
from bot.community.containers import ContainerService
from bot.config import Settings
from bot.core import help_command
from bot.core.events import Event
from bot.core.messages import Outgoing, Reply
from bot.core.ports import Clock
from bot.core.registry import Registry
from bot.core.router import Router
from bot.delivery.outbox import Outbox
from bot.scheduling.runner import Scheduler
from bot.storage import migrate
from bot.storage.checkins_repository import CheckinRepository
from bot.storage.db import Database
from bot.storage.repositories import (
    ContainerRepository,
    DirectoryRepository,
    EventLedgerRepository,
    OutboxRepository,
    ScheduleRepository,
)

log = logging.getLogger(__name__)


def build_registry(
    directory: DirectoryRepository, containers: ContainerService, checkins: Checkins
) -> Registry:
    registry = Registry()
    help_command.register(registry)
    container_commands.register(registry, containers)
    roles.register(registry, directory)
    checkin_commands.register(registry, checkins)
    return registry


@dataclass
class Trellis:
    settings: Settings
    clock: Clock
    db: Database
    directory: DirectoryRepository
    registry: Registry
    router: Router
    outbox: Outbox
    scheduler: Scheduler

    async def handle(self, event: Event) -> list[Outgoing]:
        """Dispatch one event; store non-replies in the outbox and return the replies."""
        replies: list[Outgoing] = []
        community = None
        for outgoing in await self.router.dispatch(event):
            if isinstance(outgoing.target, Reply):
                replies.append(outgoing)
                continue
            community = community or await self.directory.community(event.community)
            await self.outbox.put(community, outgoing)
        return replies


def build(settings: Settings, clock: Clock) -> Trellis:
    db = Database(settings.database_url)
    directory = DirectoryRepository(
        db, clock, timezone=settings.trellis_timezone, locale=settings.trellis_locale
    )
    ledger = EventLedgerRepository(db, clock)
    containers = ContainerService(ContainerRepository(db))
    outbox = Outbox(OutboxRepository(db, clock))
    scheduler = Scheduler(ScheduleRepository(db), clock)
    scheduler.after_each.append(outbox.drain)
    checkins = Checkins(
        CheckinDeps(
            CheckinRepository(db),
            ContainerRepository(db),
            scheduler,
            outbox,
            clock,
            min_aggregate=settings.trellis_min_aggregate,
        )
    )
    for kind, job in checkins.jobs().items():
        scheduler.job(kind, job)
    registry = build_registry(directory, containers, checkins)
    router = Router(registry, directory, ledger, clock)
    return Trellis(settings, clock, db, directory, registry, router, outbox, scheduler)


@asynccontextmanager
async def lifespan(settings: Settings, clock: Clock) -> AsyncIterator[Trellis]:
    """Open the database, bring its schema up to date, and close it again on the way out."""
    trellis = build(settings, clock)
    try:
        await trellis.db.check()
        await migrate.upgrade(trellis.db)
        yield trellis
    finally:
        await trellis.db.dispose()
