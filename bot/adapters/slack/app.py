"""The Slack adapter: a Bolt AsyncApp whose listeners translate, dispatch and answer.

Listeners ack first (Slack gives 3 s), then do the work. The one exception is a modal
submission, which waits up to `VIEW_BUDGET` for the core so that a problem with a field can
be shown on the modal itself.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import forms, installations, translate
from bot.adapters.slack.home import home_message, home_view
from bot.adapters.slack.home_refresh import DAILY_KIND, HomeRefresher, next_daily
from bot.adapters.slack.members import MemberCache
from bot.adapters.slack.outbound import SlackSender
from bot.adapters.slack.pacing import Pacer, SendFailed
from bot.adapters.slack.render import SlackBlock
from bot.adapters.slack.replies import OPEN_FORM, Origin, open_form, send_replies
from bot.app import Trellis
from bot.config import Settings
from bot.core import codec
from bot.core.events import Event, FormSubmitted, MessagePosted, ReactionAdded
from bot.core.messages import Form, Message, Outgoing, Reply
from bot.storage.outbox_give_up_repository import OutboxGiveUpRepository
from bot.storage.slack_homes_repository import SlackHomeRepository
from bot.storage.slack_installations_repository import SlackInstallationRepository

log = logging.getLogger(__name__)
VIEW_BUDGET = 2.5
REMEMBERED_MESSAGES = 1000
EVENTS_PATH = "/slack/events"
Ack = Callable[..., Awaitable[Any]]


class SlackAdapter:
    platform = "slack"

    def __init__(self, trellis: Trellis, settings: Settings, pacer: Pacer | None = None):
        self.trellis = trellis
        self.settings = settings
        self.oauth: AsyncOAuthFlow | None = None
        if installations.oauth_enabled(settings):
            # Many workspaces: no token of our own; each workspace's from its installation.
            repository = SlackInstallationRepository(trellis.db)
            self.oauth = installations.oauth_flow(settings, repository, trellis.clock)
            self.store = installations.DatabaseInstallationStore(repository)
            self.renew = installations.rotator(
                settings, AsyncWebClient(base_url=settings.slack_api_url, retry_handlers=[])
            )
            # No SDK retries: the pacer retries, and first checks whether a post landed.
            self.client = AsyncWebClient(base_url=settings.slack_api_url, retry_handlers=[])
            self.sender = SlackSender(self.client, pacer or Pacer(), self.bot_token)
            self.installations = repository
            self.bolt = AsyncApp(
                client=self.client,
                signing_secret=settings.slack_signing_secret or "",
                oauth_flow=self.oauth,
                name="trellis",
            )
        else:
            self.client = AsyncWebClient(
                token=settings.slack_bot_token, base_url=settings.slack_api_url, retry_handlers=[]
            )
            self.sender = SlackSender(self.client, pacer or Pacer())
            self.bolt = AsyncApp(
                client=self.client,
                signing_secret=settings.slack_signing_secret or "",
                name="trellis",
            )
        self.members = MemberCache(
            self.sender,
            trellis.clock,
            installer=settings.slack_installer_user_id or None,
            installers=self.installer_of if self.oauth is not None else None,
        )
        self.verifier = SignatureVerifier(settings.slack_signing_secret or "")
        self.homes = HomeRefresher(
            SlackHomeRepository(trellis.db),
            self.render_home,
            self.sender.publish_home,
            self.sender.pacer.sleep,
            self.spawn,
            trellis.clock.now,
        )
        self.daily_planned = False
        self.reacted: OrderedDict[tuple[str, str, str], dict[str, Any] | None] = OrderedDict()
        self.inflight = 0
        self.background: set[asyncio.Future[None]] = set()
        self.settled = asyncio.Event()
        self.settled.set()
        trellis.outbox.attach(self.sender)
        # Scheduled work (check-in rounds, pulses closing...) changes Homes too.
        trellis.scheduler.after_each.append(self.after_scheduled)
        trellis.scheduler.job(DAILY_KIND, self.daily_homes)
        self.register()

    async def bot_token(self, team: str) -> str | None:
        """This workspace's bot token, from its installation (OAuth mode), renewed first
        when token rotation is on and it is about to expire."""
        return await installations.current_bot_token(self.store, self.renew, team)

    async def installer_of(self, team: str) -> str | None:
        """Who installed the app in this workspace: a facilitator there from the start."""
        found = await self.installations.find(None, team)
        return found.installer_user_id if found is not None else None

    def register(self) -> None:
        bolt = self.bolt
        bolt.middleware(self.guard)
        bolt.command("/trellis")(self.on_command)
        bolt.event("message")(self.on_message)
        bolt.event("reaction_added")(self.on_reaction)
        bolt.event("member_joined_channel")(self.on_membership)
        bolt.event("member_left_channel")(self.on_membership)
        bolt.event("app_home_opened")(self.on_home_opened)
        bolt.event("app_uninstalled")(self.on_uninstalled)
        bolt.event("tokens_revoked")(self.on_tokens_revoked)
        bolt.action(re.compile(".*"))(self.on_action)
        bolt.view_submission(re.compile(".*"))(self.on_view)
        bolt.error(self.on_error)

    # -- bookkeeping ---------------------------------------------------------------------

    @asynccontextmanager
    async def working(self, what: str) -> AsyncIterator[None]:
        """Count work in progress (tests wait for it) and keep any failure to a log line."""
        self.inflight += 1
        self.settled.clear()
        try:
            yield
        except Exception:
            log.exception("failed while handling a Slack %s", what)
        finally:
            self.inflight -= 1
            if self.inflight == 0:
                self.settled.set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run work in the background, counted as in progress from this moment."""
        self.inflight += 1
        self.settled.clear()

        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("failed while refreshing Slack Homes")
            finally:
                self.inflight -= 1
                if self.inflight == 0:
                    self.settled.set()

        # A fresh context: work spawned inside a scheduled run's transaction must not
        # carry that transaction (the database's ambient session) past its end.
        task = asyncio.get_running_loop().create_task(run(), context=contextvars.Context())
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every acknowledged request has been fully handled."""
        await asyncio.wait_for(self.settled.wait(), timeout)

    async def guard(
        self, body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Refuse payloads we cannot use, or from a workspace this token is not installed in."""
        problem = translate.problem(body)
        if problem is not None:
            log.warning("refused a Slack request: %s", problem)
            return BoltResponse(status=400, body=problem)
        result = context.authorize_result
        team = translate.team_of(body)
        if result is not None and result.team_id and team != result.team_id:
            log.warning("refused a Slack request from unknown workspace %s", team[:20])
            return BoltResponse(status=403, body="unknown workspace")
        await next()
        return None

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("Slack request failed: %s (%s)", type(error).__name__, error)

    # -- dispatch ------------------------------------------------------------------------

    async def dispatch(self, event: Event, origin: Origin) -> None:
        replies = await self.trellis.handle(event)
        await send_replies(self.sender, origin, replies)
        await self.trellis.outbox.drain()
        if not isinstance(event, MessagePosted | ReactionAdded):
            # Commands, clicks, forms and joins can change anyone's Home; chat cannot.
            self.homes.changed(origin.team)

    # -- App Home ------------------------------------------------------------------------

    async def render_home(self, team: str, user: str) -> SlackBlock:
        actor = await self.members.actor(team, user)
        return home_view(await home_message(self.trellis, translate.community(team), actor))

    async def after_scheduled(self) -> None:
        self.homes.changed()

    async def daily_homes(self, payload: dict[str, Any], due_at: datetime) -> None:
        """Pauses run out with no event: a daily pass shows it. The refresh itself is the
        one after every scheduled run (`after_scheduled`), once this run has committed."""
        await self.plan_daily(due_at)

    async def plan_daily(self, after: datetime) -> None:
        due = next_daily(after)
        await self.trellis.scheduler.plan(f"{DAILY_KIND}:{due:%Y-%m-%d}", DAILY_KIND, due, {})

    # -- listeners -----------------------------------------------------------------------

    async def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        async with self.working("slash command"):
            await ack()
            team, user = body["team_id"], body["user_id"]
            actor = await self.members.actor(team, user)
            origin = Origin(
                team,
                user,
                channel_id=body.get("channel_id"),
                response_url=body.get("response_url"),
                trigger_id=body.get("trigger_id"),
            )
            await self.dispatch(translate.command_invoked(body, actor), origin)

    async def on_message(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        async with self.working("message"):
            if not translate.is_spoken(event, context.bot_user_id):
                return
            team = translate.team_of(body)
            actor = await self.members.actor(team, event["user"])
            posted = translate.message_posted(team, event, actor, body.get("event_id"))
            await self.dispatch(posted, Origin(team, event["user"], channel_id=event["channel"]))

    async def on_reaction(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        async with self.working("reaction"):
            team = translate.team_of(body)
            actor = await self.members.actor(team, event["user"])
            reaction = translate.reaction_added(team, event, actor, body.get("event_id"))
            if reaction is not None:
                channel = event["item"]["channel"]
                found = await self.reacted_message(team, channel, str(event["item"]["ts"]))
                reaction = translate.with_message(reaction, found)
                await self.dispatch(reaction, Origin(team, event["user"], channel_id=channel))

    async def reacted_message(self, team: str, channel: str, ts: str) -> dict[str, Any] | None:
        """The message a reaction is on (cached: a popular message gets many reactions)."""
        key = (team, channel, ts)
        if key in self.reacted:
            self.reacted.move_to_end(key)
            return self.reacted[key]
        try:
            found = await self.sender.find_message(team, channel, ts)
        except SendFailed as problem:
            log.info("could not read the message reacted to in %s: %s", channel, problem)
            return None
        self.reacted[key] = found
        while len(self.reacted) > REMEMBERED_MESSAGES:
            self.reacted.popitem(last=False)
        return found

    async def on_membership(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        async with self.working(event.get("type", "membership")):
            team = translate.team_of(body)
            actor = await self.members.actor(team, event["user"])
            change = translate.membership(team, event, actor, body.get("event_id"))
            await self.dispatch(change, Origin(team, event["user"], channel_id=event["channel"]))

    async def on_home_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        async with self.working("app_home_opened"):
            if event.get("tab", "home") != "home":
                return
            team = translate.team_of(body)
            await self.homes.opened(team, event["user"])
            if not self.daily_planned:
                self.daily_planned = True
                await self.plan_daily(self.trellis.clock.now())

    async def on_uninstalled(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        async with self.working("app_uninstalled"):
            if self.oauth is not None:  # Bolt's own listener, through our installation store
                await self.revocations().handle_app_uninstalled_events(context)
            await self.stop_serving(translate.team_of(body), "the app was uninstalled")

    async def on_tokens_revoked(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        async with self.working("tokens_revoked"):
            if self.oauth is not None:
                await self.revocations().handle_tokens_revoked_events(event, context)
            if (event.get("tokens") or {}).get("bot"):
                await self.stop_serving(translate.team_of(body), "the bot token was revoked")

    def revocations(self) -> AsyncTokenRevocationListeners:
        return AsyncTokenRevocationListeners(self.store)

    async def stop_serving(self, team: str, reason: str) -> None:
        """Nothing more is sent to a workspace that removed the app: what was queued for it
        is given up (and listed by `/trellis outbox failed`), not retried for a day."""
        if self.oauth is None:  # with OAuth the installation is gone, and a reinstall is new
            self.sender.stop(team, reason)
        await self.homes.forget(team)
        community = await self.trellis.directory.community(translate.community(team))
        keys = await OutboxGiveUpRepository(self.trellis.db).give_up_pending(
            community.id, f"{reason} from this workspace"
        )
        log.warning(
            "Slack workspace %s: %s; gave up %d queued message(s)", team[:20], reason, len(keys)
        )

    async def on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        async with self.working("button"):
            await ack()
            team, user = translate.team_of(body), translate.user_of(body)
            action = body["actions"][0]
            channel = (body.get("channel") or {}).get("id")
            origin = Origin(
                team,
                user,
                channel_id=channel,
                response_url=body.get("response_url"),
                trigger_id=body.get("trigger_id"),
            )
            if action.get("action_id") == OPEN_FORM:
                await self.reopen_form(origin, str(action.get("value", "")))
                return
            actor = await self.members.actor(team, user)
            await self.dispatch(translate.action_chosen(body, action, actor), origin)

    async def reopen_form(self, origin: Origin, value: str) -> None:
        try:
            form = codec.loads_message(value).form
        except (ValueError, KeyError, TypeError, AssertionError):
            log.warning("refused an open-form button with a bad value")
            return
        if isinstance(form, Form):
            await open_form(self.sender, origin, Message(form=form))

    async def on_view(self, ack: Ack, body: dict[str, Any]) -> None:
        async with self.working("modal submission"):
            view = body["view"]
            team, user = translate.team_of(body), translate.user_of(body)
            try:
                submission = forms.read_submission(view)
            except ValueError as problem:
                log.warning("refused a modal submission: %s", problem)
                await ack()
                return
            origin = Origin(team, user, channel_id=submission.channel_id)
            task = asyncio.ensure_future(self.submit(team, user, submission))
            try:
                replies = await asyncio.wait_for(asyncio.shield(task), VIEW_BUDGET)
            except TimeoutError:
                await ack()
                await send_replies(self.sender, origin, await task)
                await self.trellis.outbox.drain()
                self.homes.changed(team)
                return
            replies = await self.answer_modal(ack, view, submission, replies)
            await send_replies(self.sender, origin, replies)
            await self.trellis.outbox.drain()
            self.homes.changed(team)

    async def submit(self, team: str, user: str, submission: forms.Submission) -> list[Outgoing]:
        actor = await self.members.actor(team, user)
        event = FormSubmitted(
            community=translate.community(team),
            actor=actor,
            channel=translate.channel(submission.channel_id),
            form_id=submission.form_id,
            values=submission.values,
            context=submission.context,
        )
        return await self.trellis.handle(event)

    async def answer_modal(
        self,
        ack: Ack,
        view: dict[str, Any],
        submission: forms.Submission,
        replies: list[Outgoing],
    ) -> list[Outgoing]:
        """Ack the modal: field errors stay on it, a next form replaces it; returns the rest."""
        if len(replies) == 1 and isinstance(replies[0].target, Reply):
            message = replies[0].message
            mapped = forms.field_error(message.plain_text(), forms.field_names(view))
            if mapped is not None and message.form is None:
                await ack(response_action="errors", errors={mapped[0]: mapped[1][:2000]})
                return []
            if replies[0].target.refused and message.form is None:
                # No field to point at: say it on the modal, keeping what was typed.
                await ack(
                    response_action="update", view=forms.with_problem(view, message.plain_text())
                )
                return []
        for index, outgoing in enumerate(replies):
            form = outgoing.message.form
            if form is not None:
                intro = Message(outgoing.message.blocks) if outgoing.message.blocks else None
                try:
                    following = forms.modal(form, submission.channel_id, intro)
                except ValueError:
                    break
                await ack(response_action="update", view=following)
                return replies[:index] + replies[index + 1 :]
        await ack()
        return replies

    # -- serving -------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.Response:
        """Bolt's aiohttp adapter, plus a 400 for bodies it cannot parse (it would raise)."""
        try:
            bolt_request = await to_bolt_request(request)
        except Exception as problem:  # Bolt parses while building: any shape can fail it
            log.warning("refused a Slack request: unreadable body (%s)", type(problem).__name__)
            return web.Response(status=400, text="unreadable body")
        if not isinstance(bolt_request.body, dict):
            log.warning("refused a Slack request: body is not an object")
            return web.Response(status=400, text="body is not an object")
        shape = translate.problem(bolt_request.body)
        if shape is not None:
            # Bolt's own argument building fails on some shapes, so they never reach it; a
            # forged one is still told 401, as Bolt would.
            if not self.verifier.is_valid_request(bolt_request.raw_body, dict(request.headers)):
                return web.Response(status=401, text="invalid signature")
            log.warning("refused a Slack request: %s", shape)
            return web.Response(status=400, text=shape)
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    async def handle_install(self, request: web.Request) -> web.Response:
        """The page that sends a workspace admin to Slack to install the app."""
        assert self.oauth is not None
        answer = await self.oauth.handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(answer)

    async def handle_oauth_redirect(self, request: web.Request) -> web.Response:
        """Slack sends the admin back here with a code; Bolt stores the installation."""
        assert self.oauth is not None
        answer = await self.oauth.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(answer)

    def web_app(self) -> web.Application:
        from bot.ops import health

        application = web.Application()
        application.router.add_post(EVENTS_PATH, self.handle_http)
        if self.oauth is not None:
            application.router.add_get(self.oauth.install_path, self.handle_install)
            application.router.add_get(self.oauth.redirect_uri_path, self.handle_oauth_redirect)
        health.add_routes(application, self.trellis.db)
        return application
