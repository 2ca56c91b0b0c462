"""Dispatch: one road for every inbound event, through a fixed chain of middleware.

errors -> tenant -> member -> dedupe -> rate limit -> authz -> handler
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.core.commands import Role
from bot.core.context import Context
from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import ActionChosen, CommandInvoked, Event, FormSubmitted
from bot.core.messages import Message, Outgoing, Reply, reply
from bot.core.parsing import CommandError, Mentions, find_command, parse_arguments, tokenize
from bot.core.ports import Clock, Directory, EventLedger
from bot.core.rate_limit import CommandRate
from bot.core.registry import Registry, Replies
from bot.core.text import clean_text

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Dispatch:
    """State built up by the middleware for one event."""

    event: Event
    strict: bool = False
    """Inside a group commit: unexpected errors propagate, so the group is retried singly."""
    community: CommunityInfo | None = None
    member: MemberInfo | None = None

    def context(self, now_event: Event, clock: Clock) -> Context[Event]:
        assert self.community is not None and self.member is not None
        return Context(now_event, self.community, self.member, clock.now())


Next = Callable[[Dispatch], Awaitable[Replies]]
Middleware = Callable[[Dispatch, Next], Awaitable[Replies]]


def sanitized(event: Event) -> Event:
    """What people typed, without control characters or unpaired surrogates, length-capped."""
    match event:
        case CommandInvoked():
            return replace(event, text=clean_text(event.text))
        case FormSubmitted():
            values = {k: clean_text(v) for k, v in event.values.items()}
            return replace(event, values=values, context=clean_text(event.context))
    return event


class Forbidden(CommandError):
    pass


class Router:
    def __init__(
        self,
        registry: Registry,
        directory: Directory,
        ledger: EventLedger,
        clock: Clock,
        rate_limit: CommandRate,
    ) -> None:
        self.registry = registry
        self.rate_limit = rate_limit
        self.directory = directory
        self.ledger = ledger
        self.clock = clock
        self.middleware: list[Middleware] = [
            self.error_boundary,
            self.resolve_tenant,
            self.resolve_member,
            self.dedupe,
            self.limit_rate,
        ]

    async def dispatch(self, event: Event, *, strict: bool = False) -> list[Outgoing]:
        async def run(index: int, state: Dispatch) -> Replies:
            if index == len(self.middleware):
                return await self.handle(state)
            return await self.middleware[index](state, lambda s: run(index + 1, s))

        return await run(0, Dispatch(event, strict))

    async def error_boundary(self, state: Dispatch, call_next: Next) -> Replies:
        try:
            return await call_next(state)
        except CommandError as problem:
            return [Outgoing(Message.text(str(problem)), Reply(refused=True))]
        except Exception:
            if state.strict:
                raise
            ref = secrets.token_hex(3)
            log.exception("error %s while handling %s", ref, type(state.event).__name__)
            return [
                reply(
                    "Something went wrong on our side while handling that; nothing already "
                    f"stored was lost. Please try again, or tell a facilitator (error ref {ref})."
                )
            ]

    async def resolve_tenant(self, state: Dispatch, call_next: Next) -> Replies:
        state.community = await self.directory.community(state.event.community)
        return await call_next(state)

    async def resolve_member(self, state: Dispatch, call_next: Next) -> Replies:
        assert state.community is not None
        # Only events that may be authorised (commands, buttons, forms) need roles read fresh.
        answers = isinstance(state.event, CommandInvoked | ActionChosen | FormSubmitted)
        state.member = await self.directory.member(
            state.community, state.event.actor, cached=not answers
        )
        return await call_next(state)

    async def dedupe(self, state: Dispatch, call_next: Next) -> Replies:
        event_id = state.event.event_id
        assert state.community is not None
        if event_id and not await self.ledger.first_delivery(state.community, event_id):
            log.info("skipped redelivered event %s", event_id)
            return []
        return await call_next(state)

    async def limit_rate(self, state: Dispatch, call_next: Next) -> Replies:
        """Commands only: buttons and forms answer something the bot asked for."""
        assert state.member is not None
        command = isinstance(state.event, CommandInvoked)
        if command and not await self.rate_limit.allow(state.member.id, self.clock.now()):
            log.info("rate limited member %s", state.member.id)
            return [
                reply(
                    f"You have run {self.rate_limit.per_minute} commands in the last "
                    "minute; please wait a minute and try again."
                )
            ]
        return await call_next(state)

    def authorize(self, state: Dispatch, role: Role, what: str) -> None:
        assert state.member is not None
        if role == "facilitator" and not state.member.is_facilitator:
            raise Forbidden(
                f"Only facilitators can {what}. Ask a facilitator to do it, or to give you the "
                "role with `/trellis facilitator add @you`."
            )

    async def handle(self, state: Dispatch) -> Replies:
        event = sanitized(state.event)
        ctx = state.context(event, self.clock)
        match event:
            case CommandInvoked():
                tokens = tokenize(event.text)
                spec, used = find_command(self.registry.specs, tokens)
                self.authorize(state, spec.role, f"run `/trellis {spec.name}`")
                mentions = Mentions(event.mentions, event.channels)
                args = parse_arguments(spec, tokens[used:], mentions)
                return await self.registry.handler_for(spec)(ctx, args)  # type: ignore[arg-type]
            case ActionChosen():
                action = self.registry.action_for(event.action_id)
                if action is None:
                    raise CommandError("That button is no longer in use. Run the command again.")
                self.authorize(state, action.role, "use that button")
                result: Replies = await action.handler(ctx)
                return result
            case FormSubmitted():
                form = self.registry.form_for(event.form_id)
                if form is None:
                    raise CommandError("That form is no longer in use. Run the command again.")
                self.authorize(state, form.role, "submit that form")
                submitted: Replies = await form.handler(ctx)
                return submitted
        replies: Replies = []
        for listener in self.registry.listeners_for(type(event)):
            replies += await listener(ctx)
        return replies
