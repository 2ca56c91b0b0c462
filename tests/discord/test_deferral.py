"""A deferred interaction gets its visibility at defer time from the command spec, so the
common case is one "thinking…" message edited in place; a reply whose visibility differs
is sent as a follow-up of its own visibility after the placeholder is removed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.adapters.discord.client import TrellisClient
from tests.discord.care import container, run
from tests.discord.conftest import MEMBER, OTHER, Harness, text_of
from tests.fakes.discord_server import FakeDiscord


def shown(fake: FakeDiscord, token: str) -> list[tuple[bool, str]]:
    """(ephemeral as members see it, text) of what took the place of "thinking…" and of
    each follow-up."""
    seen = fake.edits.get(token, []) + fake.followups.get(token, [])
    return [(bool(f["_shown_flags"] & 64), text_of(f)) for f in seen]


def deferral_is_private(fake: FakeDiscord, token: str) -> bool:
    (deferral,) = fake.callbacks[token]
    assert deferral["type"] == 5
    return bool(int((deferral.get("data") or {}).get("flags") or 0) & 64)


async def slow(bot: TrellisClient, harness: Harness, path: tuple[str, ...], **options: str) -> Any:
    bot.interactions.deadline = 0  # the core "takes longer" than the deadline: always defer
    token = await run(harness, path, **options)
    await harness.answers(token)
    return token


async def test_a_public_command_defers_publicly_and_edits_its_answer_in(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    token = await slow(bot, harness, ("container", "purpose"), text="Learn together")
    assert not deferral_is_private(fake, token)
    ((private, text),) = shown(fake, token)
    assert not private and "Proposed purpose" in text
    assert len(fake.edits[token]) == 1 and not fake.followups.get(token)  # edited in place
    assert token not in fake.deleted_originals


async def test_an_agreement_proposal_is_public_from_the_start(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    await container(bot, harness, (MEMBER, OTHER))
    token = await slow(bot, harness, ("agreement", "propose"), text="We listen first")
    assert not deferral_is_private(fake, token)  # the spec says: for the channel
    assert token not in fake.deleted_originals  # no delete-and-resend
    ((private, text),) = shown(fake, token)
    assert not private and "We listen first" in text
    assert not fake.followups.get(token)


async def test_a_private_command_is_edited_in_place_privately(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    token = await slow(bot, harness, ("help",))
    assert deferral_is_private(fake, token)
    ((private, text),) = shown(fake, token)
    assert private and "Trellis commands" in text
    assert not fake.followups.get(token) and token not in fake.deleted_originals


async def test_an_error_to_a_public_command_is_private_and_the_placeholder_goes(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    # No container in #general: the purpose command answers with a private problem.
    token = await slow(bot, harness, ("container", "purpose"), text="Learn together")
    assert not deferral_is_private(fake, token)
    assert token in fake.deleted_originals  # the public "thinking…" is removed
    assert not fake.edits.get(token)
    ((private, text),) = shown(fake, token)
    assert private and "container" in text.lower()


async def test_a_public_answer_to_a_command_without_the_hint_is_still_public(
    bot: TrellisClient, fake: FakeDiscord, harness: Harness
) -> None:
    """The fallback: the spec said private, the answer is for the channel."""
    await container(bot, harness, (MEMBER, OTHER))
    command = bot.interactions.command

    async def without_hint(interaction: Any, spec: Any, values: Any) -> None:
        await command(interaction, replace(spec, public_reply=False), values)

    bot.interactions.command = without_hint  # type: ignore[method-assign]
    token = await slow(bot, harness, ("agreement", "propose"), text="We listen first")
    assert deferral_is_private(fake, token)
    assert token in fake.deleted_originals  # the private "thinking…" is removed
    ((private, text),) = shown(fake, token)
    assert not private and "We listen first" in text
