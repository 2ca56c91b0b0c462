"""Builds the learning exchange and plugs it into the registry and the scheduler, so that
the composition root stays a few lines long."""

from __future__ import annotations

from bot.community import exchange_commands, exchange_digest_commands, exchange_taxonomy_commands
from bot.community.exchange import CaptureService
from bot.community.exchange_chart import TrendChart
from bot.community.exchange_digest_service import DigestService, Sink
from bot.community.exchange_facilitator_sections import (
    NonResponders,
    QuietMembers,
    WeavingSuggestions,
)
from bot.community.exchange_offers import OfferService
from bot.community.exchange_reflections import ReflectionLearnings, SharedWithFacilitators
from bot.community.exchange_sections import (
    DIGEST_JOB,
    AcrossBoundaries,
    ComingUp,
    WhatHappened,
    WhatPeopleTried,
    WhatWeHave,
)
from bot.community.exchange_taxonomy import TaxonomyService
from bot.core.registry import Registry
from bot.scheduling.runner import Scheduler
from bot.storage.db import Database
from bot.storage.exchange_digest_repository import DigestRepository
from bot.storage.exchange_repository import ExchangeRepository
from bot.storage.repositories import ContainerRepository, DirectoryRepository


def install(
    registry: Registry,
    db: Database,
    directory: DirectoryRepository,
    outbox: Sink,
    scheduler: Scheduler,
    min_aggregate: int = 5,
) -> DigestService:
    """Register the exchange's commands, buttons, listeners and digest job; return the digest
    service, whose `providers` and `facilitator_providers` other rooms extend."""
    exchange = ExchangeRepository(db)
    digests = DigestRepository(db)
    containers = ContainerRepository(db)
    taxonomy = TaxonomyService(exchange)
    capture = CaptureService(exchange, containers, taxonomy)
    offers = OfferService(exchange, containers)
    service = DigestService(digests, containers, outbox, scheduler, TrendChart(digests))
    reflections = ReflectionLearnings(digests, min_aggregate)
    service.providers += [
        WhatHappened(digests, exchange),
        WhatWeHave(exchange, taxonomy, reflections),
        WhatPeopleTried(digests),
        AcrossBoundaries(digests, exchange),
        ComingUp(digests),
    ]
    service.facilitator_providers += [
        SharedWithFacilitators(reflections),
        NonResponders(digests),
        QuietMembers(digests),
        WeavingSuggestions(exchange),
    ]
    exchange_commands.register(registry, capture, offers, exchange, directory)
    exchange_taxonomy_commands.register(registry, taxonomy)
    exchange_digest_commands.register(registry, service)
    scheduler.job(DIGEST_JOB, service.run)
    return service
