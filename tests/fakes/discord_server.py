"""A loopback Discord: REST and gateway on 127.0.0.1, enough for the real discord.py.

Point discord.py at it with `DISCORD_API_BASE=fake.api_base` and
`DISCORD_GATEWAY_URL=fake.gateway_url`. It records every request, creates messages,
DM channels and threads, answers interaction callbacks (`?with_response=1`) and
follow-up webhooks, stores synced commands, and can be told to fail the next request
(a 429 with `Via` and a JSON `retry_after`, a 403, a 404). The gateway speaks HELLO,
heartbeat ACK, IDENTIFY -> READY + GUILD_CREATE, dispatches, RECONNECT -> RESUME with a
replay of what was missed, and INVALID_SESSION.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fixtures.discord import payloads as p


class LostAnswer(Exception):
    """The request was carried out but its answer never reaches the client."""


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 200


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Session:
    session_id: str
    sent: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py only parses JSON when the Content-Type is exactly application/json.
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class FakeDiscord:
    def __init__(
        self, guilds: list[dict[str, Any]] | None = None, app_flags: int = p.PRIVILEGED_FLAGS
    ) -> None:
        self.guilds = guilds if guilds is not None else [p.guild()]
        self.app_flags = app_flags
        self.requests: list[Recorded] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self.callbacks: dict[str, list[dict[str, Any]]] = {}
        self.followups: dict[str, list[dict[str, Any]]] = {}
        self.edits: dict[str, list[dict[str, Any]]] = {}
        self.deleted_originals: set[str] = set()
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.threads: dict[str, dict[str, Any]] = {}
        self.thread_members: dict[str, list[str]] = {}
        self.dm_channels: dict[str, str] = {}
        self.failures: list[Failure] = []
        # Message creates whose answer is lost (created, then the connection drops), as
        # after a timeout: the client cannot know the message exists.
        self.lose_answers = 0
        self.expired_tokens: set[str] = set()
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.sessions: dict[str, Session] = {}
        self.session: Session | None = None
        self.socket: web.WebSocketResponse | None = None
        self.ready_sockets = 0
        self.ids = itertools.count(960000000000000001)
        self.changed = asyncio.Condition()
        self.runner: web.AppRunner | None = None
        self.port = 0
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
            ("GET", re.compile(r"/users/@me"), self.me),
            ("GET", re.compile(r"/oauth2/applications/@me"), self.app_info),
            ("GET", re.compile(r"/applications/@me"), self.app_info),
            ("GET", re.compile(r"/gateway/bot"), self.gateway_bot),
            ("GET", re.compile(r"/gateway"), self.gateway_plain),
            ("POST", re.compile(r"/channels/(?P<channel>\d+)/messages"), self.create_message),
            ("POST", re.compile(r"/users/@me/channels"), self.create_dm),
            ("GET", re.compile(r"/channels/(?P<channel>\d+)"), self.get_channel),
            (
                "GET",
                re.compile(r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)"),
                self.get_message,
            ),
            ("POST", re.compile(r"/channels/(?P<channel>\d+)/threads"), self.create_thread),
            (
                "PUT",
                re.compile(r"/channels/(?P<channel>\d+)/thread-members/(?P<user>\d+)"),
                self.add_thread_member,
            ),
            (
                "POST",
                re.compile(r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback"),
                self.interaction_callback,
            ),
            ("POST", re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"), self.followup),
            (
                "PATCH",
                re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<msg>[^/]+)"),
                self.edit_webhook_message,
            ),
            (
                "DELETE",
                re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<msg>[^/]+)"),
                self.delete_webhook_message,
            ),
            ("PUT", re.compile(r"/applications/(?P<app>\d+)/commands"), self.sync_commands),
            (
                "PUT",
                re.compile(r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands"),
                self.sync_commands,
            ),
        ]

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.entry)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self.socket is not None and not self.socket.closed:
            await self.socket.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
        """Wait (bounded) until `predicate()` is truthy; returns its value. The bound is
        generous: it only ends a hung test, and a first chart render (matplotlib's import)
        on a busy shared machine can take several seconds."""

        async def until() -> Any:
            async with self.changed:
                while not (value := predicate()):
                    await self.changed.wait()
                return value

        return await asyncio.wait_for(until(), timeout)

    def next_id(self) -> str:
        return str(next(self.ids))

    # -- REST -----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        self.failures.append(Failure(method, re.compile(path), status, body, headers or {}))

    def rate_limit_next(self, method: str, path: str, retry_after: float = 0.05) -> None:
        """A per-route 429 as Discord sends it: `Via` header, JSON body with retry_after."""
        self.fail_next(
            method,
            path,
            429,
            {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
            {
                "Via": "1.1 google",
                "Retry-After": str(retry_after),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Bucket": "fakebucket",
                "X-RateLimit-Scope": "user",
            },
        )

    def global_rate_limit_next(self, method: str, path: str, retry_after: float = 0.05) -> None:
        """A global 429 (over 50 requests/s), as Discord sends it."""
        self.fail_next(
            method,
            path,
            429,
            {"message": "You are being rate limited.", "retry_after": retry_after, "global": True},
            {
                "Via": "1.1 google",
                "Retry-After": "1",
                "X-RateLimit-Global": "true",
                "X-RateLimit-Scope": "global",
            },
        )

    async def entry(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self.gateway(request)
        path = request.path.removeprefix("/api/v10")
        body = await self.read_body(request)
        recorded = Recorded(request.method, path, dict(request.query), body)
        self.requests.append(recorded)
        try:
            for failure in self.failures:
                if failure.method == request.method and failure.pattern.fullmatch(path):
                    self.failures.remove(failure)
                    recorded.status = failure.status
                    return json_response(failure.body, failure.status, failure.headers)
            for method, pattern, handler in self.routes:
                match = pattern.fullmatch(path)
                if method == request.method and match:
                    try:
                        response: web.Response = await handler(body, **match.groupdict())
                    except LostAnswer:
                        recorded.status = 0
                        assert request.transport is not None
                        request.transport.close()
                        raise

                    recorded.status = response.status
                    return response
            recorded.status = 404
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        finally:
            await self.notify()

    @staticmethod
    async def read_body(request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            data = json.loads(str(form.get("payload_json") or "{}"))
            data["_files"] = [k for k in form if k != "payload_json"]
            return data
        text = await request.text()
        return json.loads(text) if text else None

    async def me(self, body: Any) -> web.Response:
        return json_response(p.user(p.BOT_ID, "trellis", bot=True))

    async def app_info(self, body: Any) -> web.Response:
        return json_response(p.application(self.app_flags))

    async def gateway_bot(self, body: Any) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def gateway_plain(self, body: Any) -> web.Response:
        return json_response({"url": self.gateway_url})

    def channel_payload(self, channel_id: str) -> dict[str, Any] | None:
        for g in self.guilds:
            for channel in g["channels"]:
                if channel["id"] == channel_id:
                    return dict(channel)
        return self.threads.get(channel_id)

    async def get_channel(self, body: Any, channel: str) -> web.Response:
        found = self.channel_payload(channel)
        if found is None:
            return json_response({"message": "Unknown Channel", "code": 10003}, 404)
        return json_response(found)

    async def get_message(self, body: Any, channel: str, message: str) -> web.Response:
        for found in self.messages.get(channel, []):
            if found["id"] == message:
                return json_response({k: v for k, v in found.items() if k != "_request"})
        return json_response({"message": "Unknown Message", "code": 10008}, 404)

    def remember(self, channel: str, message: dict[str, Any]) -> None:
        """A message a member posted earlier (not seen by the bot), for REST fetches."""
        self.messages.setdefault(channel, []).append(message)

    async def create_message(self, body: dict[str, Any], channel: str) -> web.Response:
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce") and (channel, nonce) in self.nonces:
            return json_response(self.nonces[(channel, nonce)])
        created = {
            **p.message(
                self.next_id(), p.user(p.BOT_ID, "trellis", bot=True), "", channel_id=channel
            ),
            "content": body.get("content") or "",
            "embeds": body.get("embeds", []),
            "components": body.get("components", []),
            "_request": body,
        }
        self.messages.setdefault(channel, []).append(created)
        if nonce:
            self.nonces[(channel, nonce)] = created
        if self.lose_answers:
            self.lose_answers -= 1
            raise LostAnswer
        return json_response({k: v for k, v in created.items() if k != "_request"})

    async def create_dm(self, body: dict[str, Any]) -> web.Response:
        recipient = str(body["recipient_id"])
        channel_id = self.dm_channels.setdefault(recipient, self.next_id())
        return json_response(p.dm_channel(channel_id, p.user(recipient, f"user{recipient[-3:]}")))

    async def create_thread(self, body: dict[str, Any], channel: str) -> web.Response:
        created = dict(p.thread(self.next_id(), channel, body.get("name", "thread")))
        created["type"] = body.get("type", 12)
        self.threads[created["id"]] = created
        self.thread_members[created["id"]] = []
        return json_response(created, 201)

    async def add_thread_member(self, body: Any, channel: str, user: str) -> web.Response:
        self.thread_members.setdefault(channel, []).append(user)
        return web.Response(status=204)

    async def interaction_callback(self, body: dict[str, Any], id: str, token: str) -> web.Response:
        if token in self.expired_tokens:
            return json_response({"message": "Unknown interaction", "code": 10062}, 404)
        self.callbacks.setdefault(token, []).append(body)
        data = body.get("data") or {}
        flags = int(data.get("flags") or 0)
        response: dict[str, Any] = {
            "interaction": {
                "id": id,
                "type": 2,
                "response_message_loading": body["type"] == 5,
                "response_message_ephemeral": bool(flags & 64),
            },
            "resource": {"type": body["type"]},
        }
        if body["type"] in (4, 5):
            message_id = self.next_id()
            response["interaction"]["response_message_id"] = message_id
            response["resource"]["message"] = {
                **p.message(message_id, p.user(p.BOT_ID, "trellis", bot=True), ""),
                "content": data.get("content") or "",
                "embeds": data.get("embeds", []),
                "flags": flags,
            }
        return json_response(response)

    async def followup(self, body: dict[str, Any], app: str, token: str) -> web.Response:
        if token in self.expired_tokens:
            return json_response({"message": "Invalid Webhook Token", "code": 50027}, 401)
        # As Discord does: the first follow-up after a "thinking" deferral replaces the
        # loading message and keeps the deferral's flags, unless that message was deleted
        # or already edited into the answer.
        deferred = [c for c in self.callbacks.get(token, []) if c["type"] == 5]
        first = (
            not self.followups.get(token)
            and not self.edits.get(token)
            and token not in self.deleted_originals
        )
        flags = int(body.get("flags") or 0)
        if deferred and first:
            flags = int((deferred[0].get("data") or {}).get("flags") or 0)
        body["_shown_flags"] = flags
        self.followups.setdefault(token, []).append(body)
        created = {
            **p.message(self.next_id(), p.user(p.BOT_ID, "trellis", bot=True), ""),
            "content": body.get("content") or "",
            "embeds": body.get("embeds", []),
            "flags": int(body.get("flags") or 0),
            "webhook_id": app,
        }
        return json_response(created)

    async def edit_webhook_message(
        self, body: dict[str, Any], app: str, token: str, msg: str
    ) -> web.Response:
        if msg == "@original" and token in self.deleted_originals:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        # Editing "thinking…" in place keeps the deferral's visibility.
        deferred = [c for c in self.callbacks.get(token, []) if c["type"] == 5]
        shown = (deferred[0].get("data") or {}).get("flags") if deferred else body.get("flags")
        body["_shown_flags"] = int(shown or 0)
        self.edits.setdefault(token, []).append(body)
        created = {
            **p.message(self.next_id(), p.user(p.BOT_ID, "trellis", bot=True), ""),
            "content": body.get("content") or "",
            "webhook_id": app,
        }
        return json_response(created)

    async def delete_webhook_message(
        self, body: Any, app: str, token: str, msg: str
    ) -> web.Response:
        if msg == "@original":
            self.deleted_originals.add(token)
        return web.Response(status=204)

    async def sync_commands(
        self, body: list[dict[str, Any]], app: str, guild: str = ""
    ) -> web.Response:
        self.commands[guild or "global"] = body
        result = [
            {
                **c,
                "id": self.next_id(),
                "application_id": app,
                "version": "1",
                "default_member_permissions": None,
            }
            | ({"guild_id": guild} if guild else {})
            for c in body
        ]
        return json_response(result)

    # -- gateway --------------------------------------------------------------------------

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.socket = socket
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        async for frame in socket:
            if frame.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            op = payload.get("op")
            if op == 1:
                self.heartbeats += 1
                await socket.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                await self.on_identify(socket, payload["d"])
            elif op == 6:
                await self.on_resume(socket, payload["d"])
            await self.notify()
        if self.socket is socket:
            self.socket = None
        await self.notify()
        return socket

    async def on_identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        session = Session(f"session-{len(self.sessions) + 1}")
        self.sessions[session.session_id] = session
        self.session = session
        ready = p.ready(
            session.session_id, self.gateway_url, [g["id"] for g in self.guilds], self.app_flags
        )
        await self.send(session, "READY", dict(ready))
        for g in self.guilds:
            await self.send(session, "GUILD_CREATE", g)
        self.ready_sockets += 1

    async def on_resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        session = self.sessions.get(data.get("session_id", ""))
        if session is None:
            await socket.send_json({"op": 9, "d": False, "s": None, "t": None})
            return
        self.session = session
        for frame in session.sent:
            if frame["s"] > int(data.get("seq") or 0):
                await socket.send_json(frame)
        await self.send(session, "RESUMED", {})

    async def send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        """Number the event in its session; send it now if connected, else on RESUME."""
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.sent.append(frame)
        if self.socket is not None and not self.socket.closed and self.session is session:
            await self.socket.send_json(frame)

    async def dispatch(self, event: str, data: Any) -> None:
        assert self.session is not None, "no gateway session yet"
        await self.send(self.session, event, data)

    async def reconnect(self) -> None:
        """op 7: the client closes and RESUMEs; events sent meanwhile are replayed."""
        assert self.socket is not None
        socket = self.socket
        self.socket = None
        await socket.send_json({"op": 7, "d": None, "s": None, "t": None})

    async def invalidate(self, resumable: bool = False) -> None:
        """op 9: the client must IDENTIFY again (or RESUME when `resumable`)."""
        assert self.socket is not None
        await self.socket.send_json({"op": 9, "d": resumable, "s": None, "t": None})
