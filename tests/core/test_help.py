from __future__ import annotations

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis


async def test_help_lists_every_registered_command_with_its_summary(
    trellis: Trellis, community: MemoryCommunity
) -> None:
    [shown] = await community.command("help", by="ana")
    text = shown.message.plain_text()
    for spec in trellis.registry.specs:
        assert spec.usage() in text
        assert spec.summary in text
    assert shown.target.ephemeral  # type: ignore[union-attr]


async def test_help_for_one_command_gives_usage_and_an_example(community: MemoryCommunity) -> None:
    [shown] = await community.command("help container create", by="ana")
    text = shown.message.plain_text()
    assert "Usage: /trellis container create NAME --purpose TEXT" in text
    assert "Example: /trellis container create" in text
    assert "Who: facilitators" in text


async def test_help_for_an_unknown_topic_points_back_to_the_list(
    community: MemoryCommunity,
) -> None:
    [shown] = await community.command("help teleport", by="ana")
    assert "No command `teleport`" in shown.message.plain_text()
