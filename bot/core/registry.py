"""The tables that map inbound events to handlers: commands, buttons, forms, listeners."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.core.commands import CommandSpec, Role
from bot.core.context import Context
from bot.core.events import ActionChosen, CommandInvoked, Event, FormSubmitted
from bot.core.messages import Outgoing
from bot.core.parsing import Args

Replies = list[Outgoing]
CommandHandler = Callable[[Context[CommandInvoked], Args], Awaitable[Replies]]
ActionHandler = Callable[[Context[ActionChosen]], Awaitable[Replies]]
FormHandler = Callable[[Context[FormSubmitted]], Awaitable[Replies]]
Listener = Callable[[Context[Any]], Awaitable[Replies]]


@dataclass(frozen=True, slots=True)
class Registered:
    spec: CommandSpec
    handler: CommandHandler


@dataclass(frozen=True, slots=True)
class Interactive:
    role: Role
    handler: Any


class Registry:
    def __init__(self) -> None:
        self._commands: dict[tuple[str, ...], Registered] = {}
        self._actions: dict[str, Interactive] = {}
        self._forms: dict[str, Interactive] = {}
        self._listeners: dict[type[Event], list[Listener]] = {}

    def command(self, spec: CommandSpec, handler: CommandHandler) -> None:
        if spec.path in self._commands:
            raise ValueError(f"command declared twice: {spec.name}")
        self._commands[spec.path] = Registered(spec, handler)

    def action(self, action_id: str, handler: ActionHandler, role: Role = "member") -> None:
        self._actions[action_id] = Interactive(role, handler)

    def form(self, form_id: str, handler: FormHandler, role: Role = "member") -> None:
        self._forms[form_id] = Interactive(role, handler)

    def listen(self, event_type: type[Event], listener: Listener) -> None:
        self._listeners.setdefault(event_type, []).append(listener)

    @property
    def specs(self) -> list[CommandSpec]:
        return [r.spec for r in self._commands.values()]

    @property
    def actions(self) -> dict[str, Interactive]:
        """Every button id and who may press it (the exhaustive authz test walks these)."""
        return dict(self._actions)

    @property
    def forms(self) -> dict[str, Interactive]:
        return dict(self._forms)

    def handler_for(self, spec: CommandSpec) -> CommandHandler:
        return self._commands[spec.path].handler

    def action_for(self, action_id: str) -> Interactive | None:
        return self._actions.get(action_id)

    def form_for(self, form_id: str) -> Interactive | None:
        return self._forms.get(form_id)

    def listeners_for(self, event_type: type[Event]) -> Iterable[Listener]:
        return tuple(self._listeners.get(event_type, ()))
