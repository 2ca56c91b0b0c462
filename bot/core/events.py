"""Inbound events: what adapters translate platform payloads into."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.refs import ChannelRef, CommunityRef, MemberRef


@dataclass(frozen=True, slots=True)
class Actor:
    """Who caused an event, with what the platform told us about them."""

    ref: MemberRef
    display_name: str
    # The platform says this person administers the community (owner, admin, Manage Server).
    platform_admin: bool = False
    timezone: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    community: CommunityRef
    actor: Actor
    channel: ChannelRef | None = None
    # Platform delivery id; deliveries carrying the same id are processed once.
    event_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandInvoked(Event):
    """`/trellis <text>`; `text` is everything after the command name."""

    text: str
    # Raw tokens the adapter recognised as mentions, e.g. "<@U123>" or "@alice".
    mentions: dict[str, MemberRef] = field(default_factory=dict)
    channels: dict[str, ChannelRef] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePosted(Event):
    text: str
    message_id: str
    reply_to: MemberRef | None = None
    thread_id: str | None = None
    mentioned: tuple[MemberRef, ...] = ()
    direct: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionAdded(Event):
    emoji: str
    message_id: str
    message_author: MemberRef | None = None
    # The reacted message's text, when the adapter can tell (it may have to fetch it).
    message_text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionChosen(Event):
    """A button or choice was picked; `values` holds every value of a multi-choice."""

    action_id: str
    value: str = ""
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FormSubmitted(Event):
    form_id: str
    values: dict[str, str] = field(default_factory=dict)
    # Extra context carried by the form (e.g. an entity id), set when it was rendered.
    context: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberLeft(Event):
    pass
