"""The tables, one module per room. Importing this package registers every table with
SQLModel.metadata, which Alembic compares against."""

from bot.storage.models import checkins as checkins
from bot.storage.models import discord_channels as discord_channels
from bot.storage.models import exchange as exchange
from bot.storage.models import health as health
from bot.storage.models import slack_homes as slack_homes
from bot.storage.models import slack_installations as slack_installations
from bot.storage.models import subgroups as subgroups
from bot.storage.models.containers import (
    Agreement,
    AgreementVote,
    ClosingReflection,
    CustomPrompt,
    OrganisationType,
    PromptSchedule,
    PurposeAgreement,
    PurposeVersion,
    Share,
    TrustAnswer,
    TrustPulse,
)
from bot.storage.models.core import (
    CommandUse,
    Community,
    Container,
    ContainerMembership,
    Member,
    OutboxMessage,
    ProcessedEvent,
    ScheduledRun,
)
from bot.storage.models.motivations import MotivationCadence, MotivationStatement

__all__ = [
    "Agreement",
    "AgreementVote",
    "ClosingReflection",
    "CommandUse",
    "Community",
    "Container",
    "ContainerMembership",
    "CustomPrompt",
    "Member",
    "MotivationCadence",
    "MotivationStatement",
    "OrganisationType",
    "OutboxMessage",
    "ProcessedEvent",
    "PromptSchedule",
    "PurposeAgreement",
    "PurposeVersion",
    "ScheduledRun",
    "Share",
    "TrustAnswer",
    "TrustPulse",
]
