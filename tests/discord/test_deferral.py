"""A deferred interaction keeps its answer's visibility: public answers stay public, private
ones private, whatever the "thinking…" message was."""

from __future__ import annotations

from typing import Any

from bot.adapters.discord.client import TrellisClient
from tests.discord.care import container, run
from tests.discord.conftest import MEMBER, OTHER, Harness, text_of
from tests.fakes.discord_server import FakeDiscord


def shown(fake: FakeDiscord, token: str) -> list[tuple[bool, str]]:
    """(ephemeral as members see it, text) of each follow-up of an interaction."""
    return [(bool(f["_shown_flags"] & 64), text_of(f)) for f in fake.followups.get(token, [])]


async def slow(bot: TrellisClient, harness: Harness, path: tuple[str, ...], **options: str) -> Any:
    bot.interactions.deadline = 0  # the core "takes longer" than the deadline: always defer
    token = await run(harness, path, **options)
    await harness.answers(token)
    return token


async def test_a_public_command_defers_publicly(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    token = await slow(bot, harness, ("container", "purpose"), text="Learn together")
    (deferral,) = fake.callbacks[token]
    assert deferral["type"] == 5 and not int((deferral.get("data") or {}).get("flags") or 0) & 64
    ((private, text),) = shown(fake, token)
    assert not private and "Proposed purpose" in text
    assert token not in fake.deleted_originals


async def test_a_public_answer_after_a_private_deferral_is_still_public(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    token = await slow(bot, harness, ("agreement", "propose"), text="We listen first")
    (deferral,) = fake.callbacks[token]
    assert int(deferral["data"]["flags"]) & 64  # no hint: deferred privately
    assert token in fake.deleted_originals  # so the "thinking…" message was removed
    ((private, text),) = shown(fake, token)
    assert not private and "We listen first" in text


async def test_a_private_answer_after_a_public_deferral_stays_private(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    # No container in #general: the purpose command answers with a private problem.
    token = await slow(bot, harness, ("container", "purpose"), text="Learn together")
    assert token in fake.deleted_originals
    ((private, text),) = shown(fake, token)
    assert private and "container" in text.lower()
