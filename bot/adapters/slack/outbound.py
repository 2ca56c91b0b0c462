"""Everything Trellis says on Slack goes out here, through the one pacer.

`SlackSender` is also the outbox's Transport: DMs and channel posts stored by the core are
delivered with `deliver`. A message split into several posts remembers how far it got, so
a retry by the outbox resumes there instead of posting the first parts twice.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.pacing import Pacer, SendFailed, Transient
from bot.adapters.slack.render import SlackBlock, render
from bot.core import codec
from bot.core.messages import Message, Outbound, ToChannel, ToGroup
from bot.core.refs import ChannelRef, CommunityRef
from bot.delivery.transport import DeliveryError, delivery_key, delivery_resumed

log = logging.getLogger(__name__)
REMEMBERED_PARTIAL = 1000
# The metadata event type our posts carry, and how far back a lost post is looked for.
DELIVERY_EVENT = "trellis_delivery"
LOOK_BACK = 50
MAX_KEY = 200


TokenSource = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Upload:
    """One file for Slack's files upload v2: an image (with alt text) or an attachment."""

    content: bytes
    filename: str
    extra: dict[str, str] = field(default_factory=dict)


class SlackSender:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, pacer: Pacer, tokens: TokenSource | None = None):
        self.client = client
        self.pacer = pacer
        # OAuth (many workspaces): each workspace's bot token, looked up by team id.
        self.tokens = tokens
        self.clients: dict[str, AsyncWebClient] = {}
        # Message digest -> posts already sent, for messages interrupted half way.
        self.progress: OrderedDict[str, int] = OrderedDict()
        # Workspaces that removed the app (single-token mode; with OAuth its row is gone).
        self.stopped: dict[str, str] = {}
        # Posts whose last attempt got no answer: looked for before they are sent again.
        self.unsure: OrderedDict[tuple[str, int], None] = OrderedDict()

    # -- the outbox's Transport ----------------------------------------------------------

    async def deliver(
        self, community: CommunityRef, target: Outbound, message: Message
    ) -> ChannelRef | None:
        team = community.external_id
        space: ChannelRef | None = None
        if isinstance(target, ToChannel):
            channel = target.channel.external_id
        elif isinstance(target, ToGroup):
            # conversations.open gives the same group DM for the same members every time.
            try:
                channel = await self.open_group(team, [m.external_id for m in target.members])
            except SendFailed as problem:
                raise DeliveryError(problem.reason, retry_after=problem.retry_after) from None
            space = ChannelRef("slack", channel, target.name)
        else:
            channel = target.member.external_id
        digest = hashlib.sha256(
            f"{team}|{codec.dumps(target)}|{codec.dumps(message)}".encode()
        ).hexdigest()
        try:
            await self.post(team, channel, message, skip=self.progress.get(digest, 0), key=digest)
        except SendFailed as problem:
            raise DeliveryError(problem.reason, retry_after=problem.retry_after) from None
        self.progress.pop(digest, None)
        return space

    def stop(self, team: str, reason: str) -> None:
        self.stopped[team] = reason

    async def client_for(self, team: str) -> AsyncWebClient:
        """The client holding this workspace's token (the one token unless OAuth is on)."""
        if team in self.stopped:
            raise SendFailed(f"{self.stopped[team]} from workspace {team[:20]}")
        if self.tokens is None:
            return self.client
        token = await self.tokens(team)
        if token is None:
            raise SendFailed(f"the app is not installed in workspace {team[:20]}")
        if token not in self.clients:
            self.clients[token] = AsyncWebClient(
                token=token, base_url=self.client.base_url, retry_handlers=[]
            )
        return self.clients[token]

    # -- posting -------------------------------------------------------------------------

    async def post(
        self, team: str, channel: str, message: Message, *, skip: int = 0, key: str = ""
    ) -> None:
        """Post a message (split as needed) and upload its images; DMs take a user id."""
        rendered = render(message)
        # Slack takes no idempotency key: each post carries ours as metadata, so a post whose
        # answer was lost can be found in the channel instead of being posted again.
        mark = delivery_key.get() or key or uuid.uuid4().hex
        for index, (text, blocks) in enumerate(rendered.posts):
            if index < skip:
                continue
            payload = {"key": mark[:MAX_KEY], "part": index}
            unsure = (mark, index) in self.unsure or delivery_resumed.get()
            if unsure and await self.landed(team, channel, payload) is not None:
                self.unsure.pop((mark, index), None)
            else:
                try:
                    await self.call(
                        team,
                        "chat.postMessage",
                        channel,
                        text=text,
                        blocks=blocks,
                        metadata={"event_type": DELIVERY_EVENT, "event_payload": payload},
                        landed=partial(self.landed, team, channel, payload),
                    )
                except SendFailed as problem:
                    if problem.retry_after is not None:  # out of attempts: outcome unknown
                        self.remember_unsure(mark, index)
                    raise
                self.unsure.pop((mark, index), None)
            if key:
                self.progress[key] = index + 1
                while len(self.progress) > REMEMBERED_PARTIAL:
                    self.progress.popitem(last=False)
        uploads = [Upload(i.png, i.filename, {"alt_txt": i.alt}) for i in rendered.images] + [
            Upload(f.data, f.name, {"title": f.title or f.name}) for f in rendered.files
        ]
        if uploads:
            # Files v2 needs a conversation id: a DM is opened (found again) for a user id.
            room = await self.conversation(team, channel)
            client = await self.client_for(team)
            for offset, upload in enumerate(uploads, start=len(rendered.posts)):
                if offset < skip:
                    continue
                await self.pacer.call(
                    team,
                    "files.upload",
                    lambda upload=upload: client.files_upload_v2(  # type: ignore[misc]
                        channel=room,
                        content=upload.content,
                        filename=upload.filename,
                        **upload.extra,
                    ),
                    channel=room,
                )
                if key:
                    self.progress[key] = offset + 1

    def remember_unsure(self, mark: str, index: int) -> None:
        self.unsure[(mark, index)] = None
        while len(self.unsure) > REMEMBERED_PARTIAL:
            self.unsure.popitem(last=False)

    async def landed(self, team: str, channel: str, payload: dict[str, Any]) -> Any:
        """Our post carrying `payload` as metadata, if the channel's latest messages hold it
        (a DM is looked up in the conversation `conversations.open` gives for the user)."""
        room = await self.conversation(team, channel)
        client = await self.client_for(team)
        answer = await self.pacer.call(
            team,
            "conversations.history",
            lambda: client.conversations_history(
                channel=room, include_all_metadata=True, limit=LOOK_BACK
            ),
        )
        for found in answer.get("messages") or []:
            meta = found.get("metadata") if isinstance(found, dict) else None
            if (
                isinstance(meta, dict)
                and meta.get("event_type") == DELIVERY_EVENT
                and meta.get("event_payload") == payload
            ):
                return {"ok": True, "channel": room, "ts": found.get("ts")}
        return None

    async def post_ephemeral(self, team: str, channel: str, user: str, message: Message) -> None:
        for text, blocks in render(message).posts:
            await self.call(
                team, "chat.postEphemeral", channel, user=user, text=text, blocks=blocks
            )

    async def respond(self, team: str, url: str, message: Message, *, ephemeral: bool) -> None:
        """Answer through a response_url (works in any channel, even without the bot in it)."""
        hook = AsyncWebhookClient(url)
        for text, blocks in render(message).posts:
            body = {
                "response_type": "ephemeral" if ephemeral else "in_channel",
                "replace_original": False,
                "text": text,
                "blocks": blocks,
            }

            async def send(body: dict[str, Any] = body) -> None:
                answer = await hook.send_dict(body)
                if answer.status_code == 429 or answer.status_code >= 500:
                    raise Transient(answer.status_code)
                if answer.status_code >= 400:
                    raise SendFailed(f"response_url: HTTP {answer.status_code} {answer.body[:80]}")

            await self.pacer.call(team, "response_url", send)

    async def conversation(self, team: str, channel: str) -> str:
        """A conversation id for a user id (files need one); other ids pass through."""
        if not channel.startswith(("U", "W")):
            return channel
        return await self.open_group(team, [channel])

    async def open_group(self, team: str, users: list[str]) -> str:
        """The DM or group DM of these members with the bot (a subgroup's space)."""
        answer = await self.call(team, "conversations.open", None, users=",".join(users))
        return str(answer["channel"]["id"])

    async def open_view(self, team: str, trigger_id: str, view: SlackBlock) -> None:
        await self.call(team, "views.open", None, trigger_id=trigger_id, view=view)

    async def publish_home(self, team: str, user: str, view: SlackBlock) -> None:
        await self.call(team, "views.publish", None, user_id=user, view=view)

    async def user_info(self, team: str, user: str) -> dict[str, Any]:
        client = await self.client_for(team)
        answer = await self.pacer.call(team, "users.info", lambda: client.users_info(user=user))
        user_data = answer.get("user")
        return user_data if isinstance(user_data, dict) else {}

    async def find_message(self, team: str, channel: str, ts: str) -> dict[str, Any] | None:
        """One message by channel and ts: `conversations.history` finds it in the channel,
        `conversations.replies` inside a thread; None when neither has it."""
        client = await self.client_for(team)
        answer = await self.pacer.call(
            team,
            "conversations.history",
            lambda: client.conversations_history(
                channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
            ),
        )
        for message in answer.get("messages") or []:
            if isinstance(message, dict) and message.get("ts") == ts:
                return message
        answer = await self.pacer.call(
            team,
            "conversations.replies",
            lambda: client.conversations_replies(
                channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=1
            ),
        )
        for message in answer.get("messages") or []:
            if isinstance(message, dict) and message.get("ts") == ts:
                return message
        return None

    async def call(
        self,
        team: str,
        method: str,
        channel: str | None,
        *,
        landed: Callable[[], Awaitable[Any]] | None = None,
        **body: Any,
    ) -> Any:
        """A Web API call as JSON, paced; `channel` is the pacing channel (and sent as such)."""
        if channel is not None:
            body["channel"] = channel
        if not body.get("blocks", True):
            body.pop("blocks")
        client = await self.client_for(team)
        return await self.pacer.call(
            team,
            method,
            lambda: client.api_call(method, json=body),
            channel=channel,
            landed=landed,
        )
