"""`trellis slack manifest`: a Slack app manifest with the fewest scopes that work.

Each scope is listed with why Trellis needs it; docs/slack.md repeats the reasons.
"""

from __future__ import annotations

import json
from typing import Any

# scope -> why (shown in the README; keep the two in step).
BOT_SCOPES: dict[str, str] = {
    "commands": "the /trellis slash command",
    "chat:write": "post answers, prompts and digests in channels Trellis is in, and DMs",
    "im:write": "open a DM with a member (conversations.open) to send images there",
    "mpim:write": "open a group DM for a subgroup (conversations.open with several members)",
    "users:read": "display name, time zone and owner/admin flags (users.info)",
    "channels:history": "message events in public channels, for the interaction graph",
    "groups:history": "message events in private channels Trellis was invited to",
    "im:history": "messages members send Trellis in DMs (conversations with the bot)",
    "mpim:history": "find a post to a subgroup's group DM whose answer was lost, not repost it",
    "reactions:read": "reaction_added events, for the interaction graph",
    "channels:read": "member_joined_channel / member_left_channel in public channels",
    "groups:read": "member_joined_channel / member_left_channel in private channels",
    "files:write": "upload charts (files upload v2)",
}
BOT_EVENTS = [
    "app_home_opened",
    "message.channels",
    "message.groups",
    "message.im",
    "reaction_added",
    "member_joined_channel",
    "member_left_channel",
    # No scope needed: stop sending to a workspace that removed the app.
    "app_uninstalled",
    "tokens_revoked",
]


def manifest(name: str = "Trellis", request_url: str | None = None) -> dict[str, Any]:
    """The manifest; with `request_url` it is set up for HTTP mode instead of Socket Mode."""
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": BOT_EVENTS},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": request_url is None,
        "token_rotation_enabled": False,
    }
    command: dict[str, Any] = {
        "command": "/trellis",
        "description": "Trellis: containers, check-ins and learning exchange",
        "usage_hint": "help",
        "should_escape": True,
    }
    if request_url is not None:
        settings["event_subscriptions"]["request_url"] = request_url
        settings["interactivity"]["request_url"] = request_url
        command["url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "A facilitator for networked learning communities.",
            "background_color": "#2f5d50",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": sorted(BOT_SCOPES)}},
        "settings": settings,
    }


def manifest_json(name: str = "Trellis", request_url: str | None = None) -> str:
    return json.dumps(manifest(name, request_url), indent=2)
