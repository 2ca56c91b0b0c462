"""The payload fixtures still match discord.py's own type definitions (pinned 2.7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
import pytest

from tests.fixtures.discord import payloads as p
from tests.fixtures.discord.schema import typed_dict

MEMBER = p.member(p.user(p.MEMBER_ID, "mo"))
CHANNEL = p.text_channel(p.CHANNEL_ID, "general")
ORIGINAL = p.message("1", p.user(p.OTHER_ID, "sam"), "hi")
# (builder, module, TypedDict, keys we add that the TypedDict does not declare)
CASES: list[tuple[str, Callable[[], Any], str, str, set[str]]] = [
    ("user", lambda: p.user(p.MEMBER_ID, "mo"), "user", "User", set()),
    ("role", lambda: p.role("1", "r"), "role", "Role", set()),
    ("member", lambda: MEMBER, "member", "MemberWithUser", set()),
    ("text channel", lambda: CHANNEL, "channel", "TextChannel", set()),
    ("thread", lambda: p.thread("2", p.CHANNEL_ID, "t"), "threads", "Thread", set()),
    ("application", p.application, "appinfo", "AppInfo", set()),
    (
        "thread members update",
        lambda: p.thread_members_update("2", [p.MEMBER_ID], [p.OTHER_ID]),
        "gateway",
        "ThreadMembersUpdate",
        set(),
    ),
    ("ready", lambda: p.ready("s", "ws://x", ["1"], 0), "gateway", "ReadyEvent", set()),
    # GUILD_CREATE carries more than `Guild` declares: those are declared in `gateway`.
    (
        "guild",
        p.guild,
        "guild",
        "Guild",
        {
            "joined_at",
            "large",
            "member_count",
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
        },
    ),
    (
        "message",
        lambda: p.message("3", MEMBER["user"], "x", reply_to=ORIGINAL),
        "message",
        "Message",
        set(),
    ),
    (
        "command interaction",
        lambda: p.command_interaction("4", "t", MEMBER, []),
        "interactions",
        "ApplicationCommandInteraction",
        {"member"},
    ),
    (
        "component interaction",
        lambda: p.component_interaction("5", "t", MEMBER, "c", ORIGINAL),
        "interactions",
        "MessageComponentInteraction",
        # Discord sends the clicked message and discord.py reads it (`data.get("message")`),
        # though its TypedDict does not declare it.
        {"member", "message"},
    ),
    (
        "modal interaction",
        lambda: p.modal_interaction("6", "t", MEMBER, "m", {"a": "b"}),
        "interactions",
        "ModalSubmitInteraction",
        {"member"},
    ),
    (
        "reaction",
        lambda: p.reaction_add(MEMBER, "7", p.OTHER_ID),
        "gateway",
        "MessageReactionAddEvent",
        set(),
    ),
    (
        "member remove",
        lambda: p.member_remove(MEMBER["user"]),
        "gateway",
        "GuildMemberRemoveEvent",
        set(),
    ),
]


def test_discord_py_is_the_pinned_version() -> None:
    assert discord.__version__.startswith("2.7."), "re-check the fixtures for a new discord.py"


@pytest.mark.parametrize(
    ("name", "build", "module", "typed", "extra"), CASES, ids=[c[0] for c in CASES]
)
def test_fixture_matches_discord_types(
    name: str, build: Callable[[], Any], module: str, typed: str, extra: set[str]
) -> None:
    payload = build()
    keys = typed_dict(module, typed)
    missing = keys.required - payload.keys()
    unknown = payload.keys() - keys.known - extra
    assert not missing, f"{name}: discord.types.{module}.{typed} requires {sorted(missing)}"
    assert not unknown, (
        f"{name}: keys discord.py {discord.__version__} does not know: {sorted(unknown)}"
    )


def test_fixtures_load_into_discord_py_models() -> None:
    """The models discord.py builds from these payloads, outside any connection."""
    client = discord.Client(intents=discord.Intents.all())
    state = client._connection
    guild = discord.Guild(data=p.guild(members=[MEMBER], channels=[CHANNEL]), state=state)
    assert guild.get_member(int(p.MEMBER_ID)) is not None
    assert guild.get_channel(int(p.CHANNEL_ID)).name == "general"  # type: ignore[union-attr]
    channel = guild.get_channel(int(p.CHANNEL_ID))
    message = discord.Message(
        state=state, channel=channel, data=p.message("3", MEMBER["user"], "x")
    )  # type: ignore[arg-type]
    assert message.content == "x"
    info = discord.AppInfo(state, p.application())
    assert info.flags.gateway_message_content
