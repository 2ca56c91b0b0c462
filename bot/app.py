"""The composition root: builds every part and starts and stops them in order."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import redaction
from bot.community import (
    agreements,
    checkin_commands,
    closing,
    container_commands,
    digest_sections,
    exchange_setup,
    health_setup,
    home,
    hygiene,
    membership,
    motivation_commands,
    profiles,
    prompts,
    pulses,
    purpose,
    rights,
    roles,
    shares,
    subgroup_commands,
)
from bot.community.checkin_support import CheckinDeps
from bot.community.checkins import Checkins
from bot.community.circle import Circles
from bot.community.containers import ContainerService
from bot.community.exchange_digest_service import DigestService
from bot.community.home import HomeService
from bot.community.interactions import InteractionService
from bot.community.motivations import MotivationService
from bot.community.subgroup_jobs import SubgroupJobs
from bot.community.subgroup_rounds import SubgroupService
from bot.config import Settings
from bot.core import help_command
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import Event, MessagePosted, ReactionAdded
from bot.core.messages import Outgoing, Reply
from bot.core.ports import Clock
from bot.core.registry import Registry
from bot.core.router import Router
from bot.delivery import failures
from bot.delivery.outbox import Outbox
from bot.scheduling.runner import Scheduler
from bot.storage import migrate
from bot.storage.checkins_repository import CheckinRepository
from bot.storage.db import Database
from bot.storage.group_commit import GroupCommit
from bot.storage.models import Container
from bot.storage.motivations_repository import MotivationRepository
from bot.storage.prompt_repository import PromptRepository
from bot.storage.rate_limit_repository import CommandRateRepository
from bot.storage.repositories import (
    ContainerRepository,
    DirectoryRepository,
    EventLedgerRepository,
    OrganisationTypeRepository,
    OutboxRepository,
    ScheduleRepository,
)
from bot.storage.rights_repository import RightsRepository
from bot.storage.single_process import ProcessLock
from bot.storage.subgroups_repository import SubgroupRepository
from bot.storage.trust_repository import (
    AgreementRepository,
    ClosingRepository,
    PulseRepository,
    PurposeRepository,
    ShareRepository,
)

log = logging.getLogger(__name__)

GROUPED = (MessagePosted, ReactionAdded)
"""Events stored by group commit: high volume, handled by listeners, no command to answer."""


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
    membership: membership.MembershipService
    motivations: MotivationService
    digests: DigestService
    home: HomeService
    subgroups: SubgroupService
    # Network health (issue 10): subgroups record meetings through `interactions.record_meeting`.
    interactions: InteractionService | None = None
    rights: rights.RightsService | None = None

    group: GroupCommit[Event, list[Outgoing]] | None = None
    ledger: EventLedgerRepository | None = None

    async def handle(self, event: Event) -> list[Outgoing]:
        """Dispatch one event; store non-replies in the outbox and return the replies.

        Messages and reactions arrive in floods and answer nothing: concurrent ones are
        stored together in one transaction (group commit); this returns once it committed."""
        # Not from inside a write transaction: the group's worker would wait for it forever.
        if self.group is not None and isinstance(event, GROUPED) and not self.db.writing():
            return await self.group.submit(event)
        async with self.db.reading():
            return await self._handle(event)

    async def _claim_deliveries(self, events: list[Event]) -> None:
        """Dedupe a whole group with one insert of its delivery ids (see EventLedger)."""
        if self.ledger is None:
            return
        deliveries = []
        for event in events:
            if event.event_id:
                community = await self.directory.community(event.community)
                deliveries.append((community.id, event.event_id))
        await self.ledger.claim(deliveries)

    async def _handle_grouped(self, event: Event) -> list[Outgoing]:
        return await self._handle(event, strict=True)

    async def _handle(self, event: Event, *, strict: bool = False) -> list[Outgoing]:
        replies: list[Outgoing] = []
        stored: list[Outgoing] = []
        for outgoing in await self.router.dispatch(event, strict=strict):
            (replies if isinstance(outgoing.target, Reply) else stored).append(outgoing)
        if stored:  # one transaction for all the event queued, not one per message
            community = await self.directory.community(event.community)
            await self.outbox.put_all(community, stored)
        return replies


def build(settings: Settings, clock: Clock, *, inline_sqlite: bool = False) -> Trellis:
    redaction.install(settings)
    db = Database(settings.database_url, inline_sqlite=inline_sqlite)
    directory = DirectoryRepository(
        db, clock, timezone=settings.trellis_timezone, locale=settings.trellis_locale
    )
    registry = Registry()
    ledger = EventLedgerRepository(db, clock)
    router = Router(
        registry,
        directory,
        ledger,
        clock,
        CommandRateRepository(db, settings.trellis_command_rate),
    )
    outbox = Outbox(
        OutboxRepository(db, clock),
        clock,
        timedelta(hours=settings.trellis_outbox_give_up_hours),
    )
    scheduler = Scheduler(ScheduleRepository(db), clock)
    scheduler.after_each.append(outbox.drain)

    containers = ContainerRepository(db)
    purposes = PurposeRepository(db)
    agreement_repo = AgreementRepository(db)
    pulse_repo = PulseRepository(db)
    circles = Circles(containers, directory)
    container_service = ContainerService(containers, purposes, scheduler)
    share_service = shares.ShareService(
        container_service,
        containers,
        ShareRepository(db),
        shares.parse_emoji_map(settings.trellis_outcome_emoji),
    )
    pulse_service = pulses.PulseService(
        container_service,
        containers,
        pulse_repo,
        circles,
        outbox,
        scheduler,
        settings.trellis_min_aggregate,
    )
    membership_service = membership.MembershipService(
        container_service, containers, purposes, agreement_repo
    )
    profile_service = profiles.ProfileService(
        db, directory, containers, OrganisationTypeRepository(db), scheduler, outbox
    )
    closing_service = closing.ClosingService(
        container_service, containers, ClosingRepository(db), circles, outbox, scheduler
    )
    prompt_service = prompts.PromptService(
        container_service, containers, PromptRepository(db), circles, outbox, scheduler
    )
    hygiene_service = hygiene.HygieneService(
        containers,
        pulse_repo,
        pulse_service,
        share_service,
        agreement_repo,
        circles,
        outbox,
        scheduler,
    )

    motivations = MotivationService(
        MotivationRepository(db), containers, scheduler, clock, settings.trellis_min_aggregate
    )
    motivation_commands.schedule(scheduler, motivations, outbox)

    async def ask_motivation(
        community: CommunityInfo, container: Container, member: MemberInfo, now: datetime
    ) -> list[Outgoing]:
        return await motivations.on_join(community, container, member)

    membership_service.join_hooks.append(ask_motivation)

    # Subgroups (issue 7): rounds, spaces, follow-through; check-ins ask it for "my subgroup".
    subgroups = SubgroupService(
        SubgroupRepository(db),
        containers,
        directory,
        circles,
        motivations,
        pulse_service,
        scheduler,
        outbox,
    )
    subgroup_actions = subgroup_commands.SubgroupCommands(subgroups, container_service)
    membership_service.leave_hooks.append(subgroup_actions.left)
    prompt_service.relay = subgroups.relay
    outbox.space_hooks.append(subgroups.space_opened)
    for kind, job in SubgroupJobs(subgroups).jobs().items():
        scheduler.job(kind, job)

    help_command.register(registry)
    failures.register(registry, failures.FailureReports(directory, outbox))
    roles.register(registry, directory)
    container_commands.register(registry, container_service, containers, purposes, share_service)
    purpose.register(registry, purpose.PurposeService(container_service, containers, purposes))
    agreements.register(
        registry, agreements.AgreementService(container_service, containers, agreement_repo)
    )
    membership.register(registry, membership_service)
    profiles.register(registry, profile_service)
    pulses.register(registry, pulse_service)
    shares.register(registry, share_service)
    prompts.register(registry, prompt_service)
    closing.register(registry, closing_service)
    motivation_commands.register(registry, motivations, containers)
    subgroup_commands.register(registry, subgroup_actions)

    scheduler.job("pulse.open", pulse_service.open_job)
    scheduler.job("pulse.remind", pulse_service.remind_job)
    scheduler.job("pulse.close", pulse_service.close_job)
    scheduler.job("container.hygiene", hygiene_service.weekly_job)
    scheduler.job("agreements.review", hygiene_service.review_job)
    scheduler.job("facilitation.rotate", hygiene_service.rotation_job)
    scheduler.job("container.close", closing_service.finish_job)
    scheduler.job("prompt.post", prompt_service.job)
    scheduler.job("member.back", profile_service.back)

    checkins = Checkins(
        CheckinDeps(
            CheckinRepository(db),
            containers,
            scheduler,
            outbox,
            clock,
            min_aggregate=settings.trellis_min_aggregate,
            subgroups=subgroups,
            fitting=motivations,
        )
    )
    for kind, job in checkins.jobs().items():
        scheduler.job(kind, job)
    checkin_commands.register(registry, checkins)
    home_service = HomeService(
        directory,
        containers,
        CheckinRepository(db),
        motivations,
        pulse_service,
        circles,
        profile_service,
    )
    home.register(registry, home_service)

    # Learning exchange (issue 9): digest section providers are appended to `digests.providers`.
    digests = exchange_setup.install(
        registry, db, directory, outbox, scheduler, settings.trellis_min_aggregate
    )
    digests.providers += [
        digest_sections.TrustCheck(pulse_service, circles),
        digest_sections.MotivationBalance(motivations),
    ]
    digests.facilitator_providers += digest_sections.facilitator_sections(
        db, digests.digests, pulse_service, circles, motivations
    )
    interactions = health_setup.install(
        registry, db, directory, outbox, scheduler, settings.trellis_min_aggregate
    )
    if interactions is not None:
        subgroup_actions.meeting_hooks.append(interactions.record_meeting)
    rights_service = rights.RightsService(
        RightsRepository(db), scheduler, settings.trellis_retention_days
    )
    rights.register(registry, rights_service)
    trellis = Trellis(
        settings,
        clock,
        db,
        directory,
        registry,
        router,
        outbox,
        scheduler,
        membership_service,
        motivations,
        digests,
        home_service,
        subgroups,
        interactions,
        rights_service,
    )
    trellis.group = GroupCommit(db, trellis._handle_grouped, trellis._handle)
    trellis.group.rolled_back.append(directory.forget)
    trellis.ledger = ledger
    trellis.group.prepare = trellis._claim_deliveries
    return trellis


@asynccontextmanager
async def lifespan(
    settings: Settings, clock: Clock, *, inline_sqlite: bool = False
) -> AsyncIterator[Trellis]:
    """Open the database, bring its schema up to date, and close it again on the way out.
    `inline_sqlite`: the demo's scratch database (see `Database`)."""
    trellis = build(settings, clock, inline_sqlite=inline_sqlite)
    lock = ProcessLock(settings.database_url)
    try:
        await trellis.db.check()
        lock.acquire()
        await migrate.upgrade(trellis.db)
        yield trellis
    finally:
        await trellis.db.dispose()
        lock.release()
