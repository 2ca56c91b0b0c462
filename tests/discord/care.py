"""Helpers for driving the core's care flows through the fake Discord: run commands, find
the components Trellis sent, click them, and fill in the modals they open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.adapters.discord.client import TrellisClient
from bot.core.ports import SimulatedClock
from tests.discord.conftest import MEMBER, OWNER, Harness
from tests.fakes.discord_server import FakeDiscord
from tests.fixtures.discord import payloads as p


async def run(harness: Harness, path: tuple[str, ...], invoker: Any = OWNER, **options: str) -> str:
    """`/trellis <path> --option value…` (string options); returns the interaction token."""
    given = [{"type": 3, "name": k, "value": v} for k, v in options.items()]
    return await harness.command(path, given, invoker=invoker)


async def container(bot: TrellisClient, harness: Harness, members: tuple[Any, ...]) -> None:
    """The server owner opens a container in #general; `members` join it."""
    token = await run(harness, ("container", "create"), name="Maths leads", purpose="Fractions")
    await harness.answers(token)
    for member in members:
        await harness.answers(await run(harness, ("join",), invoker=member))
    await bot.trellis.outbox.drain()


async def advance(bot: TrellisClient, **delta: float) -> None:
    clock = bot.trellis.clock
    assert isinstance(clock, SimulatedClock)
    await bot.trellis.scheduler.advance(clock, timedelta(**delta))
    await bot.trellis.outbox.drain()


def dms(fake: FakeDiscord, user_id: str) -> list[dict[str, Any]]:
    channel = fake.dm_channels.get(user_id)
    return list(fake.messages.get(channel, [])) if channel else []


def components(messages: list[dict[str, Any]], prefix: str) -> list[tuple[dict[str, Any], Any]]:
    """(message, component) for every button/select whose custom id starts with `prefix`."""
    found = []
    for message in messages:
        for row in message.get("components") or []:
            for item in row.get("components") or []:
                if str(item.get("custom_id", "")).startswith(prefix):
                    found.append((message, item))
    return found


async def click(
    harness: Harness,
    source: dict[str, Any],
    custom_id: str,
    *,
    by: Any = MEMBER,
    values: list[str] | None = None,
) -> str:
    token = f"token-{harness.new_id()}"
    payload = p.component_interaction(harness.new_id(), token, by, custom_id, source, values=values)  # type: ignore[arg-type]
    await harness.fake.dispatch("INTERACTION_CREATE", payload)
    return token


async def modal_of(fake: FakeDiscord, token: str) -> dict[str, Any]:
    """The modal Trellis opened in answer to an interaction."""
    callbacks = await fake.wait_for(lambda: fake.callbacks.get(token))
    (callback,) = callbacks
    assert callback["type"] == 9, callback
    data: dict[str, Any] = callback["data"]
    return data


def fields_of(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Field custom id -> its component (text input 4 or select 3), in a labelled modal."""
    return {row["component"]["custom_id"]: row for row in modal["components"] if "component" in row}


def shown_text(modal: dict[str, Any]) -> str:
    """Text displayed above the fields (a text display component, type 10)."""
    return "\n".join(row["content"] for row in modal["components"] if row["type"] == 10)


async def submit(
    harness: Harness, modal: dict[str, Any], answers: dict[str, str], by: Any = MEMBER
) -> str:
    """Submit `modal` as Discord would: text inputs carry a value, selects a list of values."""
    components = []
    for n, (name, row) in enumerate(fields_of(modal).items()):
        kind = row["component"]["type"]
        inner: dict[str, Any] = {"type": kind, "id": n + 100, "custom_id": name}
        if kind == 3:
            inner["values"] = [answers[name]] if answers.get(name) else []
        else:
            inner["value"] = answers.get(name, "")
        components.append({"type": 18, "id": n + 1, "component": inner})
    token = f"token-{harness.new_id()}"
    payload: dict[str, Any] = {
        **p.modal_interaction(harness.new_id(), token, by, modal["custom_id"], {}),
    }
    payload["data"] = {"custom_id": modal["custom_id"], "components": components}
    await harness.fake.dispatch("INTERACTION_CREATE", payload)
    return token


def as_message(sent: dict[str, Any], channel_id: str = p.CHANNEL_ID) -> dict[str, Any]:
    """An interaction answer as the message Discord would attach to a click on it."""
    bot_user = p.user(p.BOT_ID, "trellis", bot=True)
    message: dict[str, Any] = dict(
        p.message(f"97{p.MEMBER_ID[2:]}", bot_user, "", channel_id=channel_id)
    )
    message.update(
        content=sent.get("content") or "",
        embeds=sent.get("embeds") or [],
        components=sent.get("components") or [],
        flags=int(sent.get("flags") or 0),
    )
    return message
