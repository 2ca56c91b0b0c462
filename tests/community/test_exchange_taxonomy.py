"""The taxonomy: DOMAIN.md's defaults, editable per community by facilitators."""

from __future__ import annotations

from bot.adapters.memory import MemoryCommunity
from tests.community.exchange_helpers import text_of


async def test_defaults_are_the_three_fields_and_six_strands(community: MemoryCommunity) -> None:
    shown = text_of(await community.command("taxonomy show", by="ben"))
    assert "practitioner: Practitioner knowledge" in shown
    assert "public: Publicly available knowledge" in shown
    assert "co-created: Knowledge created together" in shown
    for strand in ("pupil", "adult", "leadership", "organisational", "school-to-school"):
        assert f"{strand}: " in shown
    assert "network-to-network: Network-to-network learning" in shown


async def test_a_network_that_is_not_schools_edits_its_strands(
    community: MemoryCommunity,
) -> None:
    await community.command("help", by="ana", admin=True)
    assert "Only facilitators" in text_of(
        await community.command("taxonomy strand add nursing", by="ben")
    )
    await community.command('taxonomy strand add peer-care --label "Peer care"', by="ana")
    await community.command("taxonomy strand remove pupil", by="ana")
    await community.command('taxonomy field rename practitioner --label "From the ward"', by="ana")
    shown = text_of(await community.command("taxonomy show", by="ben"))
    assert "peer-care: Peer care" in shown and "pupil:" not in shown
    assert "practitioner: From the ward" in shown
    again = text_of(await community.command("taxonomy strand add peer-care", by="ana"))
    assert "exists already" in again
    bad = text_of(await community.command("taxonomy strand add Bad_Name!", by="ana"))
    assert "cannot be a strand name" in bad
    assert "No strand `pupil`" in text_of(
        await community.command("learned Something --strand pupil", by="ben")
    )
    assert "Captured" in text_of(
        await community.command("learned Something --strand peer-care", by="ben")
    )
