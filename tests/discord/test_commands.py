"""Every registry command through INTERACTION_CREATE, answered within the 3 s rule."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.discord.client import TrellisClient
from bot.app import Trellis
from bot.core.commands import CommandSpec, OptionSpec
from tests.discord.conftest import MEMBER, OTHER, Harness, ephemeral, text_of
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p

SAMPLE = {
    "text": "Learning together",
    "word": "word",
    "duration": "7d",
    "date": "2026-03-31",
    "time": "09:30",
}
OPTION_TYPES = {"int": 4, "member": 6, "channel": 7}


def option_payload(option: OptionSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """One option as Discord sends it, and what goes into `resolved` for it."""
    kind = option.kind
    if kind == "member":
        user = MEMBER["user"]
        return (
            {"type": 6, "name": option.name, "value": user["id"]},
            {
                "users": {user["id"]: user},
                "members": {
                    user["id"]: {k: v for k, v in MEMBER.items() if k != "user"}
                    | {"permissions": "0"}
                },
            },
        )
    if kind == "channel":
        return (
            {"type": 7, "name": option.name, "value": p.CHANNEL_ID},
            {
                "channels": {
                    p.CHANNEL_ID: {
                        "id": p.CHANNEL_ID,
                        "name": "general",
                        "type": 0,
                        "permissions": "0",
                    }
                }
            },
        )
    if kind == "int":
        return {"type": 4, "name": option.name, "value": option.min_value or 1}, {}
    if kind == "choice":
        return {"type": 3, "name": option.name, "value": option.choices[0]}, {}
    return {"type": 3, "name": option.name, "value": SAMPLE[kind]}, {}


def interaction_for(spec: CommandSpec) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    options: list[dict[str, Any]] = []
    resolved: dict[str, Any] = {}
    for option in spec.options:
        if option.required:
            payload, extra = option_payload(option)
            options.append(payload)
            for key, value in extra.items():
                resolved.setdefault(key, {}).update(value)
    return options, resolved


async def test_every_registry_command_answers(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness, trellis: Trellis
) -> None:
    specs = trellis.registry.specs
    assert len(specs) >= 5
    for spec in specs:
        options, resolved = interaction_for(spec)
        token = await harness.command(spec.path, options, resolved=resolved)
        first = await fake.wait_for(lambda token=token: fake.callbacks.get(token))
        if first[0]["type"] == 9:  # a form that is the whole answer opens as a modal
            assert first[0]["data"]["components"], spec.name
            continue
        (answer,) = await harness.answers(token)
        text = text_of(answer)
        assert text.strip(), f"/trellis {spec.name} answered nothing"
        assert "went wrong" not in text, f"/trellis {spec.name}: {text}"
        assert "is not a valid" not in text, f"/trellis {spec.name}: {text}"
        # Answered at once (type 4) or deferred (type 5) on the first callback.
        assert fake.callbacks[token][0]["type"] in (4, 5, 9)


async def test_help_is_ephemeral_and_lists_commands(
    bot: TrellisClient, harness: Harness, trellis: Trellis
) -> None:
    from bot.adapters.discord.render import FormShelf, render
    from bot.core.help import help_overview

    # The whole list is longer than one Discord message: it comes in parts, in order.
    parts = len(render(help_overview(trellis.registry.specs, is_facilitator=True), FormShelf()))
    token = await harness.command(("help",))
    answers = await harness.answers(token, count=parts)
    assert all(ephemeral(a) for a in answers)
    text = "\n".join(text_of(a) for a in answers)
    for spec in trellis.registry.specs:
        assert spec.path[-1] in text


async def test_container_create_is_public_and_show_is_private(
    bot: TrellisClient, harness: Harness
) -> None:
    token = await harness.command(
        ("container", "create"),
        [
            {"type": 3, "name": "name", "value": "Maths leads"},
            {"type": 3, "name": "purpose", "value": "Teach fractions --well"},
        ],
    )
    (created,) = await harness.answers(token)
    assert not ephemeral(created)
    assert "Maths leads" in text_of(created)
    assert "Teach fractions --well" in text_of(created)
    token = await harness.command(("container", "show"))
    (shown,) = await harness.answers(token)
    assert ephemeral(shown)
    assert "Maths leads" in text_of(shown)


async def test_member_without_role_is_refused_politely(
    bot: TrellisClient, harness: Harness
) -> None:
    token = await harness.command(
        ("container", "create"),
        [{"type": 3, "name": "name", "value": "x"}, {"type": 3, "name": "purpose", "value": "y"}],
        invoker=OTHER,
    )
    (answer,) = await harness.answers(token)
    assert ephemeral(answer)
    assert "Only facilitators" in text_of(answer)


async def test_server_managers_are_facilitators_from_the_start(
    bot: TrellisClient, harness: Harness
) -> None:
    manager = p.member(p.user("920000000000000099", "maya"), roles=["940000000000000001"])
    token = await harness.command(
        ("container", "create"),
        [{"type": 3, "name": "name", "value": "Sci"}, {"type": 3, "name": "purpose", "value": "y"}],
        invoker=manager,
    )
    (answer,) = await harness.answers(token)
    assert "New container" in text_of(answer), text_of(answer)


async def test_facilitator_add_with_a_member_option(bot: TrellisClient, harness: Harness) -> None:
    # Trellis must have met the member: they run a command first.
    await harness.answers(await harness.command(("help",), invoker=MEMBER))
    options, resolved = interaction_for(
        next(s for s in bot.trellis.registry.specs if s.path == ("facilitator", "add"))
    )
    token = await harness.command(("facilitator", "add"), options, resolved=resolved)
    (answer,) = await harness.answers(token)
    assert "is now a facilitator" in text_of(answer)


@pytest.mark.parametrize("kind", sorted(OPTION_TYPES))
def test_option_kinds_have_discord_types(kind: str) -> None:
    from bot.adapters.discord.commands import build_group

    spec = CommandSpec(("t",), "t", options=(OptionSpec("x", kind=kind, required=True),))  # type: ignore[arg-type]

    async def sink(*args: Any) -> None:
        return None

    import discord
    from discord import app_commands

    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    group = build_group([spec], sink)
    tree.add_command(group)
    option = group.to_dict(tree)["options"][0]["options"][0]
    assert option["type"] == OPTION_TYPES[kind]
