"""Capturing learnings: the command, reactions with the author's consent, the emoji."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.memory import MemoryCommunity
from bot.core.messages import Buttons, Reply
from bot.core.ports import SimulatedClock
from bot.storage.exchange_repository import ExchangeRepository
from tests.community.exchange_helpers import click, pod, react, text_of


async def digest_text(community: MemoryCommunity) -> str:
    return text_of(await community.command("digest preview", by="ana", channel="maths"))


async def test_a_learning_is_captured_and_shows_in_the_digest_by_field(
    community: MemoryCommunity,
) -> None:
    await pod(community)
    said = await community.command(
        'learned "Draw fractions first" --field practitioner --strand pupil',
        by="ben",
        channel="maths",
    )
    assert "Captured. The next digest of Maths and of the network will quote it with your name" in (
        text_of(said)
    )
    await community.command(
        'learned "EEF guidance says number lines" --field public --quote anonymous',
        by="cleo",
        channel="maths",
    )
    digest = await digest_text(community)
    assert "Practitioner knowledge:\n• “Draw fractions first” — ben (Pupil learning)" in digest
    assert "Publicly available knowledge:\n• “EEF guidance says number lines” — a member" in digest
    assert "cleo" not in digest.split("Quiet this week")[0]
    assert "Balance of 2 learnings" in digest


async def test_empty_or_too_long_learnings_get_the_limit_and_the_text_back(
    community: MemoryCommunity,
) -> None:
    empty = text_of(await community.command("learned", by="ben"))
    assert "at most 2,000 characters" in empty and "Example: /trellis learned" in empty
    long_text = "word " * 500
    refused = text_of(await community.command(f"learned {long_text}", by="ben"))
    assert "2,499 characters; a learning can be at most 2,000" in refused
    assert long_text.strip() in refused


async def test_an_unknown_strand_is_refused_with_the_list(community: MemoryCommunity) -> None:
    refused = text_of(await community.command("learned Something --strand cooking", by="ben"))
    assert "No strand `cooking`" in refused and "pupil, adult, leadership" in refused


async def test_a_reaction_asks_the_author_and_only_consent_puts_it_in_the_digest(
    community: MemoryCommunity,
) -> None:
    await pod(community)
    await react(community, "ana", "ben", "Bar models @channel work", message_id="m1")
    asked = community.dms_to("ben")
    assert len(asked) == 1 and "May we quote your message?" in asked[0].text
    buttons = next(b for b in asked[0].message.blocks if isinstance(b, Buttons))
    assert [b.label for b in buttons.buttons] == [
        "Quote me by name",
        "Quote anonymously",
        "Don't quote it",
    ]
    # Nothing is quoted before the author answers; a second reaction asks nothing more.
    assert "Bar models" not in await digest_text(community)
    await react(community, "cleo", "ben", "Bar models @channel work", message_id="m1")
    assert len(community.dms_to("ben")) == 1
    # Only the author decides.
    refused = await click(community, "cleo", "exchange.consent", f"{buttons.buttons[0].value}")
    assert "Only the author" in text_of(refused)
    answered = await click(community, "ben", "exchange.consent", buttons.buttons[0].value)
    assert isinstance(answered[0].target, Reply) and "with your name" in text_of(answered)
    digest = await digest_text(community)
    assert "Highlights:\n• “Bar models @channel work” — ben" in digest


async def test_a_declined_learning_is_erased_and_never_appears(
    community: MemoryCommunity,
) -> None:
    await pod(community)
    await react(community, "ana", "ben", "Secret attempt", message_id="m9")
    value = (
        next(b for b in community.dms_to("ben")[0].message.blocks if isinstance(b, Buttons))
        .buttons[2]
        .value
    )
    assert "text has been deleted" in text_of(
        await click(community, "ben", "exchange.consent", value)
    )
    again = await click(community, "ben", "exchange.consent", value.replace("declined", "named"))
    assert "You already chose for this message: don't quote it." in text_of(again)
    learning = await ExchangeRepository(community.trellis.db).learning(int(value.split(":")[0]))
    assert learning is not None and learning.text == "" and learning.consent == "declined"
    assert "Secret attempt" not in await digest_text(community)


async def test_only_the_configured_emoji_in_a_container_proposes(
    community: MemoryCommunity, clock: SimulatedClock
) -> None:
    await pod(community)
    await react(community, "ana", "ben", "x", message_id="m1", emoji="thumbsup")
    await react(community, "ana", "ben", "x", message_id="m2", channel="random")
    assert community.dms_to("ben") == []
    await react(community, "ana", "ben", "y", message_id="m3", emoji="💡")
    assert len(community.dms_to("ben")) == 1
    refused = await community.command("exchange emoji star", by="ben")
    assert "Only facilitators" in text_of(refused)
    await community.command("exchange emoji :star:", by="ana")
    await react(community, "ana", "ben", "z", message_id="m4", emoji="bulb")
    await react(community, "ana", "ben", "z", message_id="m5", emoji="star")
    assert len(community.dms_to("ben")) == 2
    clock.advance(timedelta(minutes=1))


async def test_a_reaction_without_the_text_stores_nothing_and_invites_a_write_up(
    community: MemoryCommunity,
) -> None:
    await pod(community)
    await react(community, "ana", "ben", "", message_id="m1")
    (note,) = community.dms_to("ben")
    assert "write it up with `/trellis learned TEXT`" in note.text
    assert "[Quote" not in note.text
