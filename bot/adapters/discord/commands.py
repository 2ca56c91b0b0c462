"""The `/trellis` app-command group, generated from the registry's command specs.

Each `CommandSpec` becomes a subcommand (`/trellis help`) or a subcommand of a group
(`/trellis container create`), with typed, described options: Discord's own typing then
stops most wrong input before it reaches us, and the registry parser checks the rest.
"""

from __future__ import annotations

import inspect
import keyword
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Literal

import discord
from discord import app_commands

from bot.core.commands import KIND_HINTS, CommandSpec, OptionSpec

ROOT = "trellis"
DESCRIPTION_LIMIT = 100
MAX_CHOICES = 25
# What the core needs from a chosen member or channel, and from the rest: the typed value.
CommandSink = Callable[[discord.Interaction, CommandSpec, dict[str, Any]], Awaitable[None]]
Channel = app_commands.AppCommandChannel | app_commands.AppCommandThread
TEXT_CHANNELS = [
    discord.ChannelType.text,
    discord.ChannelType.news,
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
]


def describe(text: str, fallback: str) -> str:
    text = (text or fallback).strip() or fallback
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def annotation(option: OptionSpec) -> Any:
    """The Python type discord.py turns into the Discord option type."""
    if option.kind == "int":
        if option.min_value is None and option.max_value is None:
            return int
        return app_commands.Range[int, option.min_value, option.max_value]
    if option.kind == "choice" and 0 < len(option.choices) <= MAX_CHOICES:
        return Literal[tuple(option.choices)]
    if option.kind == "member":
        return discord.User
    if option.kind == "channel":
        return Channel
    return str


def option_help(option: OptionSpec) -> str:
    hint = KIND_HINTS.get(option.kind, "")
    if option.kind in ("duration", "date", "time"):
        return describe(f"{option.help} ({hint})" if option.help else hint, option.name)
    return describe(option.help, hint.lower() or option.name)


def parameter_name(option: OptionSpec) -> str:
    """A Python identifier for the option; Discord still shows the option's own name."""
    name = option.name.replace("-", "_")
    return f"{name}_" if keyword.iskeyword(name) else name


def make_callback(spec: CommandSpec, sink: CommandSink) -> Callable[..., Coroutine[Any, Any, None]]:
    """A callback whose signature declares the spec's options, for discord.py to read."""

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        named = {o.name: values.get(parameter_name(o)) for o in spec.options}
        await sink(interaction, spec, {k: v for k, v in named.items() if v is not None})

    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for option in sorted(spec.options, key=lambda o: not o.required):
        parameters.append(
            inspect.Parameter(
                parameter_name(option),
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation(option),
                default=inspect.Parameter.empty if option.required else None,
            )
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        parameter_name(o): option_help(o) for o in spec.options
    }
    callback.__discord_app_commands_param_rename__ = {  # type: ignore[attr-defined]
        parameter_name(o): o.name for o in spec.options if parameter_name(o) != o.name
    }
    callback.__name__ = "_".join(spec.path)
    callback.__qualname__ = callback.__name__
    return callback


def placement(spec: CommandSpec) -> tuple[str | None, str]:
    """Discord nests two levels under `/trellis`: longer paths join their tail with `-`."""
    if len(spec.path) == 1:
        return None, spec.path[0]
    return spec.path[0], "-".join(spec.path[1:])


def build_group(specs: list[CommandSpec], sink: CommandSink) -> app_commands.Group:
    root = app_commands.Group(
        name=ROOT,
        description="Trellis: facilitation for this learning community",
        guild_only=True,
    )
    groups: dict[str, app_commands.Group] = {}
    for spec in sorted(specs, key=lambda s: s.path):
        group_name, name = placement(spec)
        parent = root
        if group_name is not None:
            if group_name not in groups:
                groups[group_name] = app_commands.Group(
                    name=group_name,
                    description=describe(f"{group_name} commands", group_name),
                    parent=root,
                )
            parent = groups[group_name]
        command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=name,
            description=describe(spec.summary, spec.name),
            callback=make_callback(spec, sink),
            parent=parent,
            extras={"spec": spec},
        )
        for option in spec.options:
            if option.kind == "channel":
                command._params[parameter_name(option)].channel_types = TEXT_CHANNELS
        parent.add_command(command)
    return root


def spec_of(interaction: discord.Interaction) -> CommandSpec | None:
    command = interaction.command
    spec = command.extras.get("spec") if command is not None else None
    return spec if isinstance(spec, CommandSpec) else None
