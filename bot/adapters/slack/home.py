"""The App Home tab: a member's own containers; facilitators also see every container's state.

Built as a neutral Message from the community's records, then rendered as a `home` view.
Only the member's own things and aggregates are shown: nobody's individual answers.
"""

from __future__ import annotations

from bot.adapters.slack.render import MAX_VIEW_BLOCKS, SlackBlock, render
from bot.app import Trellis
from bot.core.events import Actor
from bot.core.messages import Block, Context, Fields, Message, Text
from bot.core.refs import CommunityRef
from bot.storage.repositories import ContainerRepository


async def home_message(trellis: Trellis, community_ref: CommunityRef, actor: Actor) -> Message:
    community = await trellis.directory.community(community_ref)
    me = await trellis.directory.member(community, actor)
    containers = ContainerRepository(trellis.db)
    blocks: list[Block] = [Text(f"Trellis for {me.display_name}", style="heading")]
    mine: list[tuple[str, str]] = []
    status: list[tuple[str, str]] = []
    for container in await containers.list_for(community.id):
        if container.id is None or container.state == "closed":
            continue
        rows = await containers.members(container.id)
        where = f"#{container.channel_name or container.channel_id}"
        if any(m.id == me.id for m, _ in rows):
            mine.append((container.name, f"{where} · {container.state}"))
        status.append((container.name, f"{where} · {container.state} · {len(rows)} members"))
    blocks.append(Text("Your containers", style="heading"))
    if mine:
        blocks.append(Fields(tuple(mine)))
    else:
        blocks.append(Text("You are not in a container yet."))
    if me.is_facilitator:
        blocks.append(Text("Containers in this workspace (facilitators)", style="heading"))
        blocks.append(Fields(tuple(status)) if status else Text("No containers yet."))
    blocks.append(Context("Type `/trellis help` in any channel to see what Trellis can do."))
    return Message(tuple(blocks))


def home_view(message: Message) -> SlackBlock:
    posts = render(message, max_blocks=MAX_VIEW_BLOCKS).posts
    blocks = [block for _, post in posts for block in post][:MAX_VIEW_BLOCKS]
    return {"type": "home", "blocks": blocks}
