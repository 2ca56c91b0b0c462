"""Buttons, selects and modals built from the neutral message, as discord.py items.

Buttons and selects are `DynamicItem`s: discord.py matches a click to them by the custom
id's pattern, so they keep working after a restart without re-registering any view.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

from bot.adapters.discord import ids
from bot.core.messages import ButtonStyle, Choice, ChoiceInput, Form

STYLES: dict[ButtonStyle, discord.ButtonStyle] = {
    "default": discord.ButtonStyle.secondary,
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
}
LABEL_LIMIT = 80
OPTION_LIMIT = 25
MODAL_FIELDS = 5


@runtime_checkable
class InteractionSink(Protocol):
    """What a component needs from the client: somewhere to send the click."""

    async def on_action(
        self, interaction: discord.Interaction, action_id: str, value: str, values: tuple[str, ...]
    ) -> None: ...

    async def on_open_form(self, interaction: discord.Interaction, key: str) -> None: ...


def sink_of(interaction: discord.Interaction) -> InteractionSink:
    client = interaction.client
    if not isinstance(client, InteractionSink):
        raise TypeError("component clicked on a client that is not Trellis's")
    return client


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=ids.BUTTON_TEMPLATE
):
    """A neutral `Button`: the custom id carries its action id and value."""

    def __init__(
        self, action_id: str, value: str, label: str = "…", style: ButtonStyle = "default"
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, LABEL_LIMIT) or "…",
                style=STYLES[style],
                custom_id=ids.button_id(action_id, value),
            )
        )
        self.action_id = action_id
        self.value = value

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ActionButton:
        return cls(ids.decode(match["action"]), ids.decode(match["value"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await sink_of(interaction).on_action(interaction, self.action_id, self.value, ())


class ActionSelect(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=ids.SELECT_TEMPLATE
):
    """A neutral `Choice`: the picked values come back in the interaction itself."""

    def __init__(
        self, choice: Choice | None = None, action_id: str = "", row: int | None = None
    ) -> None:
        action = choice.action_id if choice else action_id
        select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=ids.select_id(action), row=row
        )
        if choice is not None:
            options = choice.options[:OPTION_LIMIT]
            select.placeholder = clip(choice.placeholder, 150)
            select.max_values = len(options) if choice.multi else 1
            for option in options:
                select.add_option(label=clip(option.label, 100), value=option.value[:100])
        super().__init__(select)
        self.action_id = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ActionSelect:
        return cls(action_id=ids.decode(match["action"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        data: Any = interaction.data or {}
        values = tuple(str(v) for v in data.get("values", ()))
        first = values[0] if values else ""
        await sink_of(interaction).on_action(interaction, self.action_id, first, values)


class FormButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=ids.FORM_BUTTON_TEMPLATE
):
    """Opens a form that could not be shown as the first answer (a modal must be first)."""

    def __init__(self, key: str, label: str = "Open form") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, LABEL_LIMIT),
                style=discord.ButtonStyle.primary,
                custom_id=ids.form_button_id(key),
            )
        )
        self.key = key

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FormButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await sink_of(interaction).on_open_form(interaction, self.key)


class FormModal(discord.ui.Modal):
    """A neutral `Form` as a modal. Submissions are read from the raw interaction instead
    (see `interactions.submitted_values`), because discord.py forgets modals on restart."""

    async def on_submit(self, interaction: discord.Interaction) -> None:
        return None


def build_modal(form: Form, intro: str = "", custom_id: str | None = None) -> FormModal:
    """`form` as one modal, `intro` (the asking message) shown above the fields; callers
    keep to `MODAL_FIELDS` (see `pages` for longer forms). Labels are cut at 45 characters
    by Discord, so a longer label is given whole as the field's description too."""
    modal = FormModal(
        title=clip(form.title, 45) or "Form",
        custom_id=custom_id or ids.modal_id(form.form_id, form.context),
        timeout=None,
    )
    if intro:
        modal.add_item(discord.ui.TextDisplay(clip(intro, 4000)))
    for field in form.fields[: MODAL_FIELDS - (1 if intro else 0)]:
        description = clip(field.label, 100) if len(field.label) > 45 else None
        if isinstance(field, ChoiceInput):
            select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
                custom_id=field.name[:100],
                required=field.required,
                min_values=1 if field.required else 0,
                max_values=min(len(field.options), OPTION_LIMIT) if field.multi else 1,
            )
            for option in field.options[:OPTION_LIMIT]:
                select.add_option(
                    label=clip(option.label, 100),
                    value=option.value[:100],
                    default=option.value == field.initial,
                )
            modal.add_item(
                discord.ui.Label(
                    text=clip(field.label, 45), description=description, component=select
                )
            )
            continue
        text_input: discord.ui.TextInput[discord.ui.View] = discord.ui.TextInput(
            custom_id=field.name[:100],
            style=discord.TextStyle.paragraph if field.multiline else discord.TextStyle.short,
            required=field.required,
            max_length=min(field.max_length, 4000),
            default=field.initial[:4000] or None,
            placeholder=clip(field.placeholder, 100) or None,
        )
        modal.add_item(
            discord.ui.Label(
                text=clip(field.label, 45), description=description, component=text_input
            )
        )
    return modal


def submitted_values(components: list[Any]) -> dict[str, str]:
    """Walk a modal submission (labels or legacy action rows) to field name -> value."""
    values: dict[str, str] = {}
    for component in components:
        if not isinstance(component, dict):
            continue
        if "custom_id" in component and component.get("type") in (3, 4):
            if "values" in component:
                values[component["custom_id"]] = ",".join(str(v) for v in component["values"])
            else:
                values[component["custom_id"]] = str(component.get("value") or "")
        inner = component.get("components") or []
        if "component" in component:
            inner = [component["component"], *inner]
        values.update(submitted_values(list(inner)))
    return values
