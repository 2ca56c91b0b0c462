"""Bad input never crashes: a short clear message (ephemeral) and a log line."""

from __future__ import annotations

import pytest

from bot.adapters.discord.client import TrellisClient
from bot.adapters.discord.spaces import SpaceError, open_private_thread
from bot.app import Trellis
from bot.core.commands import CommandSpec, OptionSpec
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.messages import Outgoing, reply
from bot.core.parsing import Args
from bot.core.refs import ChannelRef, MemberRef
from tests.discord.conftest import Harness, connect, ephemeral, text_of
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p

GENERAL = ChannelRef("discord", p.CHANNEL_ID, "general")
TYPED = CommandSpec(
    ("plan", "session"),
    "Plan a session (a test command with typed options).",
    options=(
        OptionSpec("count", kind="int", required=True, min_value=1, max_value=10),
        OptionSpec("on", kind="date", required=True),
    ),
)


async def test_unknown_guild_gets_a_clear_ephemeral_message(
    bot: TrellisClient, harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    token = await harness.command(("help",), guild_id=p.OTHER_GUILD_ID)
    (answer,) = await harness.answers(token)
    assert ephemeral(answer)
    assert "does not know this server" in text_of(answer)
    assert "unknown guild" in caplog.text


async def test_expired_interaction_is_logged_and_the_member_told(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    token = "token-expired"
    fake.expired_tokens.add(token)
    await fake.dispatch(
        "INTERACTION_CREATE",
        p.command_interaction(
            harness.new_id(),
            token,
            p.member(p.user(p.MEMBER_ID, "mo")),
            [{"type": 1, "name": "help", "options": []}],
        ),
    )
    notice = await fake.wait_for(lambda: fake.messages.get(p.CHANNEL_ID))
    assert "expired" in notice[0]["content"] and "run it again" in notice[0]["content"]
    assert notice[0]["_request"]["allowed_mentions"] == {"parse": []}
    assert "expired before Trellis answered" in caplog.text
    assert bot.is_ready() and not bot.is_closed()


@pytest.fixture
async def typed_bot(trellis: Trellis):  # type: ignore[no-untyped-def]
    async def plan(ctx: Context[CommandInvoked], args: Args) -> list[Outgoing]:
        return [reply(f"{args.int('count')} on {args.get('on')}")]

    trellis.registry.command(TYPED, plan)
    client, task = await connect(trellis)
    yield client
    await client.close()
    await task


async def test_wrong_option_types_get_the_usage_ephemerally(
    typed_bot: TrellisClient, harness: Harness
) -> None:
    # A value Discord's typing cannot catch: the registry parser answers with the usage.
    token = await harness.command(
        ("plan", "session"),
        [{"type": 4, "name": "count", "value": 3}, {"type": 3, "name": "on", "value": "tomorrow"}],
    )
    (answer,) = await harness.answers(token)
    assert ephemeral(answer)
    assert "expects a date" in text_of(answer) and "Usage: /trellis plan session" in text_of(answer)
    # A value of the wrong Discord type: discord.py's transformer refuses, we show the usage.
    token = await harness.command(
        ("plan", "session"),
        [
            {"type": 3, "name": "count", "value": "many"},
            {"type": 3, "name": "on", "value": "2026-03-31"},
        ],
    )
    (answer,) = await harness.answers(token)
    assert ephemeral(answer)
    assert "Usage: /trellis plan session" in text_of(answer)
    # And good input works.
    token = await harness.command(
        ("plan", "session"),
        [
            {"type": 4, "name": "count", "value": 3},
            {"type": 3, "name": "on", "value": "2026-03-31"},
        ],
    )
    (answer,) = await harness.answers(token)
    assert text_of(answer) == "3 on 2026-03-31"


async def test_subgroup_space_is_a_private_thread_with_members(
    bot: TrellisClient, fake: FakeDiscord
) -> None:
    members = [MemberRef("discord", p.MEMBER_ID), MemberRef("discord", p.OTHER_ID)]
    thread = await open_private_thread(bot, GENERAL, "Trio: fractions", members)
    created = fake.threads[thread.external_id]
    assert created["type"] == 12 and created["name"] == "Trio: fractions"
    request = next(r for r in fake.requests if r.path.endswith("/threads"))
    assert request.body["invitable"] is False
    assert fake.thread_members[thread.external_id] == [p.MEMBER_ID, p.OTHER_ID]


async def test_missing_thread_permission_is_a_clear_message(
    bot: TrellisClient, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next(
        "POST",
        rf"/channels/{p.CHANNEL_ID}/threads",
        403,
        {"message": "Missing Permissions", "code": 50013},
    )
    with pytest.raises(SpaceError, match="Create Private Threads permission in #general"):
        await open_private_thread(bot, GENERAL, "Duo", [MemberRef("discord", p.MEMBER_ID)])
    assert "missing permission to create a private thread" in caplog.text
