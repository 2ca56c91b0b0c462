"""The composition root: builds every part and starts and stops them in order."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.community import container_commands, exchange_setup, roles
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
from bot.storage.db import Database
from bot.storage.repositories import (
    ContainerRepository,
    DirectoryRepository,
    EventLedgerRepository,
    OutboxRepository,
    ScheduleRepository,
)

log = logging.getLogger(__name__)


def build_registry(directory: DirectoryRepository, containers: ContainerService) -> Registry:
    registry = Registry()
    help_command.register(registry)
    container_commands.register(registry, containers)
    roles.register(registry, directory)
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
    registry = build_registry(directory, containers)
    router = Router(registry, directory, ledger, clock)
    outbox = Outbox(OutboxRepository(db, clock))
    scheduler = Scheduler(ScheduleRepository(db), clock)
    scheduler.after_each.append(outbox.drain)
    # Learning exchange (issue 9); append digest section providers to `digests.providers`.
    digests = exchange_setup.install(registry, db, directory, outbox, scheduler)  # noqa: F841
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
