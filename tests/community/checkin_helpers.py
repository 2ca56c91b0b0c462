"""Helpers for check-in tests: members joining a container (issue 5 builds the command)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.events import ActionChosen, FormSubmitted
from bot.core.messages import Buttons, Outgoing
from bot.storage.models import Container, ContainerMembership, Member


def text_of(replies: list[Outgoing]) -> str:
    return "\n".join(r.message.plain_text() for r in replies)


async def join(trellis: Trellis, channel: str, member_id: int, at: datetime) -> None:
    """Add a member to the open container of `channel`."""
    async with trellis.db.session() as session:
        container = (
            await session.exec(
                select(Container).where(
                    Container.channel_id == channel, Container.state != "closed"
                )
            )
        ).one()
        assert container.id is not None
        session.add(
            ContainerMembership(container_id=container.id, member_id=member_id, joined_at=at)
        )


async def meet(
    community: MemoryCommunity, name: str, *, timezone: str | None = None, admin: bool = False
) -> int:
    """Make Trellis meet a member (as their first event would) and return their id."""
    info = await community.trellis.directory.community(community.community)
    member = await community.trellis.directory.member(
        info, community.actor(name, admin=admin, timezone=timezone)
    )
    return member.id


async def set_pause(trellis: Trellis, member_id: int, until: datetime | None) -> None:
    async with trellis.db.session() as session:
        member = await session.get(Member, member_id)
        assert member is not None
        member.paused_until = until
        session.add(member)


def round_of(community: MemoryCommunity, name: str) -> str:
    """The round id in the latest check-in DM to `name` (the Reflect now button's value)."""
    for delivered in reversed(community.dms_to(name)):
        for block in delivered.message.blocks:
            if isinstance(block, Buttons) and block.buttons[0].action_id == "checkin.reflect":
                return block.buttons[0].value
    raise AssertionError(f"no check-in was sent to {name}")


async def reflect(
    community: MemoryCommunity, name: str, values: dict[str, str], round_id: str | None = None
) -> list[Outgoing]:
    """Press Reflect now, then submit the form, as `name` would."""
    round_id = round_id or round_of(community, name)
    opened = await community.send(
        ActionChosen(
            community=community.community,
            actor=community.actor(name),
            action_id="checkin.reflect",
            value=round_id,
        )
    )
    form = opened[0].message.form
    assert form is not None, text_of(opened)
    return await community.send(
        FormSubmitted(
            community=community.community,
            actor=community.actor(name),
            form_id=form.form_id,
            values=values,
            context=form.context,
        )
    )


async def share(
    community: MemoryCommunity, name: str, number: int, level: str, round_id: str | None = None
) -> list[Outgoing]:
    round_id = round_id or round_of(community, name)
    return await community.send(
        ActionChosen(
            community=community.community,
            actor=community.actor(name),
            action_id=f"checkin.share.{number}",
            value=f"{round_id}:{level}",
        )
    )
