"""Offers matched to needs; introductions that share names only when both sides agree."""

from __future__ import annotations

from bot.adapters.memory import MemoryCommunity
from bot.community.exchange_matching import Side, best_matches, keywords, score
from tests.community.exchange_helpers import click, text_of


def side(listing_id: int, member_id: int, text: str, topics: str = "") -> Side:
    return Side(listing_id, member_id, keywords(text), keywords(topics))


def test_keywords_meet_across_plurals_and_ignore_filler() -> None:
    assert keywords("Looking for help with fractions and number lines") == {
        "fraction",
        "number",
        "line",
    }
    offer = side(1, 1, "Coaching on fraction walls")
    need = side(2, 2, "Ideas for fractions")
    assert score(offer, need) == 2
    assert score(side(1, 1, "Gardening club"), need) == 0


def test_shared_topics_alone_do_not_match_but_strengthen_a_match() -> None:
    need = side(2, 2, "Ideas for assessment", topics="fractions")
    assert score(side(1, 1, "Playground games", topics="fractions"), need) == 0
    assert score(side(1, 1, "Fractions coaching"), need) == 1
    own = side(3, 1, "assessment")
    assert best_matches(own, [side(4, 1, "assessment")], new_is_offer=True) == []


async def test_an_offer_meets_a_need_and_names_are_shared_after_both_agree(
    community: MemoryCommunity,
) -> None:
    said = text_of(await community.command("need Ideas for teaching fractions", by="cleo"))
    assert "No matching offers yet" in said
    said = text_of(await community.command('offer "Coaching on fractions"', by="ben"))
    assert "It matches 1 of the needs" in said
    (to_ben,) = community.dms_to("ben")
    (to_cleo,) = community.dms_to("cleo")
    assert "Someone in the network needs:\nIdeas for teaching fractions" in to_ben.text
    assert "Someone in the network offers:\nCoaching on fractions" in to_cleo.text
    assert "cleo" not in to_ben.text.lower() and "ben" not in to_cleo.text.lower()
    waiting = await click(community, "ben", "exchange.intro", "1:yes")
    assert "as soon as the other side agrees" in text_of(waiting)
    assert len(community.dms_to("ben")) == 1
    stranger = await click(community, "dan", "exchange.intro", "1:yes")
    assert "offered to someone else" in text_of(stranger)
    await click(community, "cleo", "exchange.intro", "1:yes")
    made = community.dms_to("ben")[-1].text
    assert "You are introduced" in made and "ben offers" in made and "cleo needs" in made
    assert community.dms_to("cleo")[-1].text == made


async def test_a_no_keeps_both_sides_anonymous(community: MemoryCommunity) -> None:
    await community.command("need Ideas for teaching fractions", by="cleo")
    await community.command("offer Fractions coaching", by="ben")
    said = await click(community, "cleo", "exchange.intro", "1:no")
    assert "Nobody is told who you are" in text_of(said)
    await click(community, "ben", "exchange.intro", "1:yes")
    assert all("introduced" not in d.text for d in community.delivered)


async def test_unrelated_offers_and_own_needs_do_not_match(community: MemoryCommunity) -> None:
    await community.command("need Ideas for teaching fractions", by="ben")
    assert "No matching needs" in text_of(
        await community.command("offer Coaching on fractions", by="ben")
    )
    assert "No matching needs" in text_of(
        await community.command("offer Gardening club", by="cleo")
    )
    assert community.delivered == []
