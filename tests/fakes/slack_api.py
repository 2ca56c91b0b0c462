"""A loopback fake of Slack's Web API, response_url, file uploads and Socket Mode socket.

It records every call, checks what Trellis sends against Slack's Block Kit limits and for
unescaped member text (any `<` or `>` in a text field could ping or disguise a link), and
can be told to answer 429 with Retry-After, 500, or an error such as expired_trigger_id.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

TEAM = "T0TRELLIS"
BOT_USER = "UBOT"
MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
VIEW_METHODS = {"views.open", "views.publish", "views.update"}


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    # The bearer token the call carried ("" when none): whose workspace it spoke for.
    token: str = ""


@dataclass
class Failure:
    status: int
    error: str
    retry_after: int | None = None
    # Slack did the work, then the answer was lost: a 5xx after storing, or (`drop`) the
    # connection cut before any answer, which the client sees as a timeout would be.
    stored: bool = False
    drop: bool = False


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Messages members posted, per channel, for conversations.history / .replies.
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    # Queued answers per method: a Failure is returned, None lets that call through.
    failures: dict[str, list[Failure | None]] = field(default_factory=dict)
    # Parallel to `calls`: whether the call was answered ok.
    accepted: list[bool] = field(default_factory=list)
    acks: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    # conversations.open gives the same DM / group DM for the same members every time.
    dms: dict[frozenset[str], str] = field(default_factory=dict)
    # Refresh tokens handed out (token rotation) -> (workspace, token generation).
    refresh_tokens: dict[str, tuple[str, int]] = field(default_factory=dict)
    # File id -> the bytes uploaded for it (files upload v2, step two).
    uploaded: dict[str, bytes] = field(default_factory=dict)

    # -- life ----------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.api)
        app.router.add_post("/upload/{file}", self.upload)
        app.router.add_post("/response/{id}", self.response_url)
        app.router.add_get("/socket", self.socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url + "/api/"

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests use ------------------------------------------------------------------

    def fail(self, method: str, status: int, error: str = "", retry_after: int | None = None):
        """The next call of `method` fails like this (call again to queue more failures)."""
        default = {429: "ratelimited", 500: "internal_error"}.get(status, "invalid")
        self.failures.setdefault(method, []).append(Failure(status, error or default, retry_after))

    def lose(self, method: str, *, drop: bool = True, status: int = 500) -> None:
        """The next call of `method` is done (a post is stored), then its answer is lost:
        the connection is cut (`drop`) or Slack answers `status` anyway."""
        self.failures.setdefault(method, []).append(
            Failure(status, "internal_error", stored=True, drop=drop)
        )

    def stored_posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages the bot posted that Slack kept (DMs under the user's DM channel)."""
        rooms = [self.room(channel)] if channel is not None else list(self.history)
        return [
            m for room in rooms for m in self.history.get(room, []) if m.get("user") == BOT_USER
        ]

    def room(self, channel: str) -> str:
        """The conversation a channel id names: a user id means the DM with that user."""
        if channel.startswith(("U", "W")):
            return self.dm_of([channel])
        return channel

    def dm_of(self, users: list[str]) -> str:
        key = frozenset(users)
        if key not in self.dms:
            self.dms[key] = f"D{len(self.dms) + 1:08d}"
        return self.dms[key]

    def of_calls(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.method == method]

    def response_url_for(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    async def wait_for(self, check: Callable[[FakeSlack], bool], timeout: float = 15.0) -> None:
        # A bound against a hang, not a speed check: a loaded CI machine can take seconds
        # for a first chart render.
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: check(self)), timeout)

    def texts_of(self, call: Call) -> list[str]:
        return collect_texts(call.body, [])

    def texts(self, method: str | None = None) -> list[str]:
        """Every text string sent (in blocks, fallbacks and views), for assertions."""
        found: list[str] = []
        for call in self.calls:
            if method is None or call.method == method:
                collect_texts(call.body, found)
        return found

    # -- handlers ------------------------------------------------------------------------

    def next_failure(self, method: str) -> Failure | None:
        queued = self.failures.get(method)
        failure = queued.pop(0) if queued else None
        self.accepted.append(failure is None)
        return failure

    async def record(self, method: str, body: dict[str, Any], token: str = "") -> None:
        self.calls.append(Call(method, body, token))
        self.check(method, body)
        async with self._changed:
            self._changed.notify_all()

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await read_body(request)
        failure = self.next_failure(method)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        await self.record(method, body, token or str(body.get("token", "")))
        if failure is not None and failure.stored:
            self.answer(method, body, token)
            if failure.drop and request.transport is not None:
                request.transport.close()
                raise ConnectionResetError("answer dropped on purpose")
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        return web.json_response(self.answer(method, body, token))

    async def upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        self.accepted.append(True)
        self.uploaded[request.match_info["file"]] = data
        await self.record("upload", {"file": request.match_info["file"], "bytes": len(data)})
        return web.Response(text=f"OK - {len(data)}")

    async def response_url(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        body["_id"] = request.match_info["id"]
        failure = self.next_failure("response_url")
        await self.record("response_url", body)
        if failure is not None:
            return web.Response(status=failure.status, text=failure.error)
        return web.Response(text="ok")

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {}})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self.acks.put(json.loads(message.data))
        return ws

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        for ws in self._sockets:
            if not ws.closed:
                await ws.send_json(envelope)

    def answer(self, method: str, body: dict[str, Any], token: str = "") -> dict[str, Any]:
        n = next(self._ids)
        match method:
            case "oauth.v2.access":
                return self.oauth_access(body)
            case "auth.test":
                # A token from oauth.v2.access ("xoxb-T0AAA", "xoxe.xoxb-T0AAA-2") belongs
                # to its workspace.
                installed = re.search(r"xoxb-(T[0-9A-Z]+)", token)
                return {
                    "ok": True,
                    "team_id": installed.group(1) if installed and token != "xoxb-test" else TEAM,
                    "team": "Trellis test",
                    "user_id": BOT_USER,
                    "bot_id": "B0BOT",
                    "url": "https://trellis-test.slack.com/",
                }
            case "chat.postMessage":
                ts = f"1700000000.{n:06d}"
                self.keep_post(body, ts)
                return {"ok": True, "channel": body.get("channel"), "ts": ts}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": f"1700000000.{n:06d}"}
            case "conversations.open":
                users = str(body.get("users", "")).split(",")
                return {"ok": True, "channel": {"id": self.dm_of(users)}}
            case "users.info":
                user = body.get("user", "")
                return {"ok": True, "user": self.users.get(user, default_user(user))}
            case "views.open" | "views.publish" | "views.update":
                return {"ok": True, "view": {"id": f"V{n}"}}
            case "files.getUploadURLExternal":
                return {"ok": True, "upload_url": f"{self.url}/upload/F{n}", "file_id": f"F{n}"}
            case "files.completeUploadExternal":
                files = body.get("files", [])
                files = json.loads(files) if isinstance(files, str) else files
                return {"ok": True, "files": [{"id": f["id"]} for f in files]}
            case "conversations.history" | "conversations.replies":
                return {"ok": True, "messages": self.messages_at(method, body), "has_more": False}
            case "apps.connections.open":
                return {"ok": True, "url": self.url.replace("http", "ws") + "/socket"}
        return {"ok": True}

    def oauth_access(self, body: dict[str, Any]) -> dict[str, Any]:
        """An install: the code names the workspace ("code-T0AAA" installs into T0AAA;
        "rotating-T0AAA" with token rotation on: a token expiring in a minute and a refresh
        token). A renewal (grant_type=refresh_token) hands out the next token of that
        workspace; a refresh token is good once, as Slack's."""
        answer: dict[str, Any] = {
            "ok": True,
            "app_id": "A0TRELLIS",
            "scope": "chat:write,commands",
            "token_type": "bot",
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if body.get("grant_type") == "refresh_token":
            refresh = str(body.get("refresh_token", ""))
            if refresh not in self.refresh_tokens:
                return {"ok": False, "error": "invalid_refresh_token"}
            team, generation = self.refresh_tokens.pop(refresh)
            return {**answer, **self.rotating(team, generation + 1, 12 * 3600)}
        code = str(body.get("code", ""))
        team = code.removeprefix("code-").removeprefix("rotating-")
        answer.update(
            authed_user={"id": f"U{team}ADMIN"},
            access_token=f"xoxb-{team}",
            bot_user_id=f"UBOT{team}",
            team={"id": team, "name": f"Workspace {team}"},
        )
        if code.startswith("rotating-"):
            answer.update(self.rotating(team, 1, 60))
        return answer

    def rotating(self, team: str, generation: int, expires_in: int) -> dict[str, Any]:
        refresh = f"xoxe-1-{team}-{generation}"
        self.refresh_tokens[refresh] = (team, generation)
        return {
            "access_token": f"xoxe.xoxb-{team}-{generation}",
            "refresh_token": refresh,
            "expires_in": expires_in,
        }

    def remember(self, channel: str, ts: str, user: str, text: str, thread_ts: str = "") -> None:
        """A message a member posted (Slack-escaped text), for later history look-ups."""
        message = {"type": "message", "user": user, "text": text, "ts": ts}
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.history.setdefault(channel, []).append(message)

    def keep_post(self, body: dict[str, Any], ts: str) -> None:
        """A bot post, kept in its conversation's history with its metadata."""
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": "B0BOT",
            "text": body.get("text", ""),
            "ts": ts,
        }
        if isinstance(body.get("metadata"), dict):
            message["metadata"] = body["metadata"]
        self.history.setdefault(self.room(str(body.get("channel", ""))), []).append(message)

    def messages_at(self, method: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """History holds channel messages (and thread parents), newest first; replies, a
        thread's. Metadata is only shown when asked for, as Slack does."""
        oldest, latest = str(body.get("oldest") or "0"), str(body.get("latest") or "9")
        with_metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
        found = []
        for message in self.history.get(str(body.get("channel")), []):
            in_thread = message.get("thread_ts") not in (None, message["ts"])
            if (method == "conversations.history") == in_thread:
                continue
            if oldest <= message["ts"] <= latest:
                shown = dict(message)
                if not with_metadata:
                    shown.pop("metadata", None)
                found.append(shown)
        if method == "conversations.history":
            found.reverse()
        limit = int(body.get("limit") or 100)
        return found[:limit]

    # -- checks --------------------------------------------------------------------------

    def check(self, method: str, body: dict[str, Any]) -> None:
        blocks = body.get("blocks")
        if method in VIEW_METHODS:
            view = body.get("view") or {}
            blocks = view.get("blocks")
            self.limit(method, len(blocks or []) <= 100, "more than 100 blocks in a view")
        elif method in MESSAGE_METHODS and blocks is not None:
            self.limit(method, len(blocks) <= 50, "more than 50 blocks in a message")
        for block in blocks or []:
            text = (block.get("text") or {}).get("text", "")
            if block.get("type") == "section":
                self.limit(method, len(text) <= 3000, "section text over 3000 characters")
                self.limit(method, len(block.get("fields") or []) <= 10, "over 10 fields")
            if block.get("type") == "header":
                self.limit(method, len(text) <= 150, "header over 150 characters")
            if block.get("type") == "actions":
                self.limit(method, len(block.get("elements", [])) <= 25, "over 25 elements")
        for text in collect_texts(body, []):
            self.limit(method, "<" not in text and ">" not in text, f"unescaped text {text!r}")

    def limit(self, method: str, ok: bool, problem: str) -> None:
        if not ok:
            self.violations.append(f"{method}: {problem}")


def default_user(user_id: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "team_id": TEAM,
        "name": user_id.lower(),
        "real_name": f"Member {user_id}",
        "tz": "Europe/Lisbon",
        "is_admin": False,
        "is_owner": False,
        "profile": {"display_name": f"member-{user_id.lower()}", "real_name": f"Member {user_id}"},
    }


TEXT_KEYS = {"text", "alt_text", "initial_comment", "title", "placeholder", "label"}


def collect_texts(value: Any, found: list[str]) -> list[str]:
    """Strings that Slack would show: `text` fields at any depth (blocks, views, fallbacks)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TEXT_KEYS and isinstance(item, str):
                found.append(item)
            else:
                collect_texts(item, found)
    elif isinstance(value, list):
        for item in value:
            collect_texts(item, found)
    return found


async def read_body(request: web.Request) -> dict[str, Any]:
    """JSON, form-encoded (with JSON-encoded fields such as blocks) or query parameters."""
    raw = await request.text()
    body: dict[str, Any] = dict(request.query)
    if raw.startswith("{"):
        body.update(json.loads(raw))
    elif raw:
        for key, value in parse_qsl(raw, keep_blank_values=True):
            body[key] = decode_field(value)
    return body


def decode_field(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
