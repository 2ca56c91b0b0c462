"""The tables, one module per room. Importing this package registers every table with
SQLModel.metadata, which Alembic compares against."""

from bot.storage.models import checkins  # noqa: F401  (registers the check-in tables)
from bot.storage.models.containers import (
    Agreement,
    AgreementVote,
    OrganisationType,
    PurposeAgreement,
    PurposeVersion,
    Share,
    TrustAnswer,
    TrustPulse,
)
from bot.storage.models.core import (
    Community,
    Container,
    ContainerMembership,
    Member,
    OutboxMessage,
    ProcessedEvent,
    ScheduledRun,
)

__all__ = [
    "Agreement",
    "AgreementVote",
    "Community",
    "Container",
    "ContainerMembership",
    "Member",
    "OrganisationType",
    "OutboxMessage",
    "ProcessedEvent",
    "PurposeAgreement",
    "PurposeVersion",
    "ScheduledRun",
    "Share",
    "TrustAnswer",
    "TrustPulse",
]
