"""Slack payloads -> neutral events: pure functions over the dicts Slack sends.

Each function takes the Actor already resolved (users.info is I/O, kept out of here) and
returns an event, or None for payloads Trellis has nothing to do with.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.adapters.slack.escape import unescape
from bot.adapters.slack.render import neutral_action_id
from bot.core.events import (
    ActionChosen,
    Actor,
    CommandInvoked,
    Event,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
)
from bot.core.refs import ChannelRef, CommunityRef, MemberRef

PLATFORM = "slack"
USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
# Message subtypes that are still a member speaking; the rest are joins, edits, bots…
SPOKEN_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def community(team_id: str) -> CommunityRef:
    return CommunityRef(PLATFORM, team_id)


def member(user_id: str) -> MemberRef:
    return MemberRef(PLATFORM, user_id)


def channel(channel_id: str | None, name: str | None = None) -> ChannelRef | None:
    """A channel, or None for a direct message (commands there have no channel)."""
    if not channel_id or channel_id.startswith("D") or name == "directmessage":
        return None
    return ChannelRef(PLATFORM, channel_id, name or None)


def message_id(channel_id: str, ts: str) -> str:
    return f"{channel_id}:{ts}"


def command_text(text: str) -> tuple[str, dict[str, MemberRef], dict[str, ChannelRef]]:
    """Normalise `<@U1|name>` to `<@U1>` (one token each) and map tokens to refs."""
    members: dict[str, MemberRef] = {}
    channels: dict[str, ChannelRef] = {}

    def user(match: re.Match[str]) -> str:
        token = f"<@{match.group(1)}>"
        members[token] = member(match.group(1))
        return token

    def room(match: re.Match[str]) -> str:
        token = f"<#{match.group(1)}>"
        channels[token] = ChannelRef(PLATFORM, match.group(1), match.group(2) or None)
        return token

    normal = CHANNEL.sub(room, USER.sub(user, text))
    return unescape(normal), members, channels


def command_invoked(body: dict[str, Any], actor: Actor) -> CommandInvoked:
    text, members, channels = command_text(str(body.get("text") or ""))
    return CommandInvoked(
        community=community(body["team_id"]),
        actor=actor,
        channel=channel(body.get("channel_id"), body.get("channel_name")),
        text=text.strip() or "help",
        mentions=members,
        channels=channels,
    )


def is_spoken(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A message a member wrote: not a bot, not ours, not an edit or a join notice."""
    return (
        event.get("subtype") in SPOKEN_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def message_posted(
    team_id: str, event: dict[str, Any], actor: Actor, event_id: str | None
) -> MessagePosted:
    text = str(event.get("text") or "")
    thread = event.get("thread_ts")
    parent = event.get("parent_user_id")
    in_thread = bool(thread) and thread != event.get("ts")
    return MessagePosted(
        community=community(team_id),
        actor=actor,
        channel=channel(event["channel"]),
        event_id=event_id,
        text=unescape(text),
        message_id=message_id(event["channel"], event["ts"]),
        reply_to=member(parent) if in_thread and parent else None,
        thread_id=str(thread) if in_thread else None,
        mentioned=tuple(dict.fromkeys(member(u) for u in USER.findall(text))),
        direct=event.get("channel_type") == "im",
    )


def reaction_added(
    team_id: str, event: dict[str, Any], actor: Actor, event_id: str | None
) -> ReactionAdded | None:
    item = event.get("item") or {}
    if item.get("type") != "message" or not item.get("channel") or not item.get("ts"):
        return None
    author = event.get("item_user")
    return ReactionAdded(
        community=community(team_id),
        actor=actor,
        channel=channel(item["channel"]),
        event_id=event_id,
        emoji=str(event.get("reaction", "")),
        message_id=message_id(item["channel"], item["ts"]),
        message_author=member(author) if author else None,
    )


def with_message(reaction: ReactionAdded, message: dict[str, Any] | None) -> ReactionAdded:
    """The reaction with the text and author of the message it is on, when Slack told us."""
    if message is None:
        return reaction
    author = message.get("user")
    return replace(
        reaction,
        message_text=unescape(str(message.get("text") or "")),
        message_author=reaction.message_author or (member(author) if author else None),
    )


def membership(team_id: str, event: dict[str, Any], actor: Actor, event_id: str | None) -> Event:
    kind = MemberJoined if event["type"] == "member_joined_channel" else MemberLeft
    return kind(
        community=community(team_id),
        actor=actor,
        channel=channel(event["channel"]),
        event_id=event_id,
    )


def action_chosen(body: dict[str, Any], action: dict[str, Any], actor: Actor) -> ActionChosen:
    if action.get("selected_options") is not None:
        values = tuple(str(o.get("value", "")) for o in action["selected_options"])
    elif action.get("selected_option") is not None:
        values = (str(action["selected_option"].get("value", "")),)
    else:
        values = (str(action.get("value") or ""),)
    where = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return ActionChosen(
        community=community(team_of(body)),
        actor=actor,
        channel=channel(where),
        action_id=neutral_action_id(str(action["action_id"])),
        value=values[0] if values else "",
        values=values,
    )


def team_of(body: dict[str, Any]) -> str:
    """The workspace of any payload: slash commands, events and interactivity differ."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    if not team and body.get("user"):
        team = (body.get("user") or {}).get("team_id")
    return str(team or "")


def user_of(body: dict[str, Any]) -> str:
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    return str(user or "")


REQUIRED_EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "message": ("channel", "ts"),
    "reaction_added": ("user", "item"),
    "member_joined_channel": ("user", "channel"),
    "member_left_channel": ("user", "channel"),
    "app_home_opened": ("user",),
}


def problem(body: dict[str, Any]) -> str | None:
    """What makes a payload unusable (a short reason for the log), or None when it is fine."""
    if body.get("type") == "url_verification" or body.get("ssl_check"):
        return None
    if not team_of(body):
        return "no team id"
    kind = body.get("type")
    if body.get("command"):
        missing = [k for k in ("user_id", "command") if not body.get(k)]
        return f"slash command without {', '.join(missing)}" if missing else None
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not event.get("type"):
            return "event_callback without an event"
        if event.get("subtype") is not None and event["type"] == "message":
            return None
        missing = [k for k in REQUIRED_EVENT_FIELDS.get(event["type"], ()) if not event.get(k)]
        return f"{event['type']} event without {', '.join(missing)}" if missing else None
    if kind == "block_actions":
        actions = body.get("actions")
        if not user_of(body) or not isinstance(actions, list) or not actions:
            return "block_actions without a user or actions"
        if not all(isinstance(a, dict) and a.get("action_id") for a in actions):
            return "block_actions with an action without action_id"
        return None
    if kind == "view_submission":
        view = body.get("view")
        if not user_of(body) or not isinstance(view, dict) or not view.get("callback_id"):
            return "view_submission without a user or view"
    return None
