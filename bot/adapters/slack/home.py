"""The App Home tab: the neutral home page (`bot.community.home`) rendered as a `home` view.

Slack shows it when a member opens the app's Home; the adapter publishes it again after
anything the member did, so pausing, restating a motivation or joining shows at once.
"""

from __future__ import annotations

from bot.adapters.slack.render import MAX_VIEW_BLOCKS, SlackBlock, render
from bot.app import Trellis
from bot.core.events import Actor
from bot.core.messages import Message
from bot.core.refs import CommunityRef


async def home_message(trellis: Trellis, community_ref: CommunityRef, actor: Actor) -> Message:
    community = await trellis.directory.community(community_ref)
    me = await trellis.directory.member(community, actor)
    return await trellis.home.message(community, me, trellis.clock.now())


def home_view(message: Message) -> SlackBlock:
    posts = render(message, max_blocks=MAX_VIEW_BLOCKS).posts
    blocks = [block for _, post in posts for block in post][:MAX_VIEW_BLOCKS]
    return {"type": "home", "blocks": blocks}
