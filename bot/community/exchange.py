"""Capturing learnings: written by their author, or proposed by a reaction and quoted only
as the author chose (by name, anonymously, or not at all)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.community.exchange_taxonomy import TaxonomyService
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import ReactionAdded
from bot.core.messages import Button, Buttons, Context, Message, Outgoing, Text, ToMember
from bot.core.parsing import CommandError
from bot.core.refs import ChannelRef
from bot.storage.exchange_repository import ExchangeRepository
from bot.storage.models import Container
from bot.storage.models.exchange import Learning
from bot.storage.repositories import ContainerRepository

MAX_LEARNING = 2000
CONSENT_ACTION = "exchange.consent"
CHOICES = {
    "named": "Quote me by name",
    "anonymous": "Quote anonymously",
    "declined": "Don't quote it",
}
# Slack names emoji, Discord sends the character: accept both for the common ones.
EMOJI_CHARACTERS = {
    "bulb": "💡",
    "star": "⭐",
    "bookmark": "🔖",
    "heart": "❤️",
    "memo": "📝",
    "seedling": "🌱",
}


def emoji_name(raw: str) -> str:
    name = raw.strip().strip(":").lower()
    for known, character in EMOJI_CHARACTERS.items():
        if name == character or name == character.rstrip("\ufe0f"):
            return known
    return name


def too_long(text: str) -> CommandError:
    return CommandError(
        f"That learning is {len(text):,} characters; a learning can be at most "
        f"{MAX_LEARNING:,}. Here is your text to shorten and send again:\n\n{text}"
    )


@dataclass(frozen=True, slots=True)
class Decision:
    learning: Learning | None
    message: str


class CaptureService:
    def __init__(
        self,
        repository: ExchangeRepository,
        containers: ContainerRepository,
        taxonomy: TaxonomyService,
    ) -> None:
        self.repository = repository
        self.containers = containers
        self.taxonomy = taxonomy

    async def container_of(
        self, community: CommunityInfo, channel: ChannelRef | None
    ) -> Container | None:
        if channel is None:
            return None
        return await self.containers.open_in_channel(community.id, channel.external_id)

    async def learned(
        self,
        community: CommunityInfo,
        member: MemberInfo,
        channel: ChannelRef | None,
        text: str,
        *,
        field: str,
        strand: str,
        quote: str,
        now: datetime,
    ) -> tuple[Learning, str | None]:
        """The learning stored, and the name of the channel's container (None outside one)."""
        text = text.strip()
        if not text:
            raise CommandError(
                f"Write what you learned after the command, in at most {MAX_LEARNING:,} "
                'characters. Example: /trellis learned "Bar models made fractions click for '
                'year 4" --field practitioner --strand pupil'
            )
        if len(text) > MAX_LEARNING:
            raise too_long(text)
        strand_name = await self.taxonomy.check_strand(community.id, strand)
        container = (
            await self.repository.channel_container(community.id, channel.external_id)
            if channel is not None
            else None
        )
        learning = Learning(
            community_id=community.id,
            container_id=container.id if container else None,
            member_id=member.id,
            text=text,
            field=field,
            strand=strand_name,
            source="command",
            consent=quote,
            created_at=now,
            decided_at=now,
        )
        return await self.repository.add_learning(learning), container.name if container else None

    async def propose(
        self,
        community: CommunityInfo,
        event: ReactionAdded,
        proposer: MemberInfo,
        author: MemberInfo,
        now: datetime,
    ) -> list[Outgoing]:
        """The author is asked by DM, once per message; nothing is quoted before they answer."""
        settings = await self.repository.settings(community.id)
        if emoji_name(event.emoji) != emoji_name(settings.emoji):
            return []
        container = await self.container_of(community, event.channel)
        if container is None or event.channel is None:
            return []
        where = f"#{event.channel.name or container.channel_name or event.channel.external_id}"
        if not event.message_text.strip():
            # The platform did not tell us the text: nothing to store; the author may write it.
            note = Message.text(
                f"{proposer.display_name} marked your message in {where} as a learning. If you "
                "would like it in the weekly digest, write it up with `/trellis learned TEXT`."
            )
            key = f"learning-nudge:{community.id}:{event.channel.external_id}:{event.message_id}"
            return [Outgoing(note, ToMember(author.ref), key)]
        learning = await self.repository.propose_learning(
            {
                "community_id": community.id,
                "container_id": container.id,
                "member_id": author.id,
                "proposed_by": proposer.id,
                "text": event.message_text.strip()[:MAX_LEARNING],
                "field": "practitioner",
                "source": "reaction",
                "source_ref": f"{event.channel.external_id}:{event.message_id}",
                "consent": "pending",
                "created_at": now,
            }
        )
        if learning is None or learning.id is None:
            return []
        return [
            Outgoing(
                consent_request(learning, proposer, where, container),
                ToMember(author.ref),
                f"learning-consent:{learning.id}",
            )
        ]

    async def decide(self, member: MemberInfo, value: str, now: datetime) -> Decision:
        raw_id, _, choice = value.partition(":")
        learning = await self.repository.learning(int(raw_id)) if raw_id.isdigit() else None
        if learning is None or choice not in CHOICES:
            raise CommandError("That choice is no longer valid; nothing was changed.")
        if learning.member_id != member.id:
            raise CommandError("Only the author of the message can decide how it is quoted.")
        decided = await self.repository.decide(int(raw_id), choice, now)
        if decided is None:
            shown = CHOICES.get(learning.consent, learning.consent).lower()
            return Decision(None, f"You already chose for this message: {shown}.")
        replies = {
            "named": "Thank you. The weekly digest will quote it with your name.",
            "anonymous": "Thank you. The weekly digest will quote it without your name.",
            "declined": "Understood. It will not be quoted, and its text has been deleted.",
        }
        return Decision(decided, replies[choice])


def consent_request(
    learning: Learning, proposer: MemberInfo, where: str, container: Container
) -> Message:
    return Message(
        (
            Text("May we quote your message?", style="heading"),
            Text(f"{proposer.display_name} marked your message in {where} as a learning:"),
            Text(learning.text, style="quote"),
            Text(
                f"May the weekly learning-exchange digests of {container.name} and of the "
                "whole network quote it?"
            ),
            Buttons(
                tuple(
                    Button(
                        label,
                        CONSENT_ACTION,
                        f"{learning.id}:{choice}",
                        "danger" if choice == "declined" else "default",
                    )
                    for choice, label in CHOICES.items()
                )
            ),
            Context("Nothing is shared until you choose. If you say no, the text is deleted."),
        )
    )
