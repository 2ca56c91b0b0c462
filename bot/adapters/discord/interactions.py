"""Answering interactions: within 3 s, privately when asked, never with a traceback.

The core gets `DEADLINE` seconds to answer. If it is slower, the interaction is deferred
(Discord shows "thinking…") and the answer follows as follow-up messages. A form that is
the whole answer opens as a modal; anywhere else it waits behind an "Open form" button.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.adapters.discord import pages, translate
from bot.adapters.discord.components import FormButton, build_modal, submitted_values
from bot.adapters.discord.ids import parse_modal_id
from bot.adapters.discord.render import FormShelf, Rendered, render
from bot.app import Trellis
from bot.core.commands import CommandSpec
from bot.core.events import ActionChosen, CommandInvoked, Event, FormSubmitted
from bot.core.messages import Buttons, Choice, Form, Image, Message, Outgoing, Reply
from bot.core.refs import ChannelRef, MemberRef

log = logging.getLogger(__name__)

DEADLINE = 2.0
NONE = discord.AllowedMentions.none()
# Discord error codes: the interaction or its follow-up token is no longer valid.
EXPIRED = {10062, 10015, 50027}
UNKNOWN_GUILD = (
    "Trellis does not know this server yet: it may still be starting, or it was added "
    "without the bot scope. Ask a server admin to invite it with the link from "
    "`trellis discord invite`."
)
FORM_GONE = "That form has expired (Trellis restarted since). Run the command again."


class Interactions:
    def __init__(self, trellis: Trellis, shelf: FormShelf, deadline: float = DEADLINE) -> None:
        self.trellis = trellis
        self.shelf = shelf
        self.deadline = deadline
        # Where an interaction belongs; the client replaces it with one that also places
        # DM clicks (no guild id) in the community of the DM conversation.
        self.place: Callable[[discord.Interaction], Awaitable[int | None]] = guild_of

    # -- from discord.py to neutral events ------------------------------------------------

    async def command(
        self, interaction: discord.Interaction, spec: CommandSpec, values: dict[str, Any]
    ) -> None:
        raw: dict[str, str] = {}
        members: dict[str, MemberRef] = {}
        channels: dict[str, ChannelRef] = {}
        for option in spec.options:
            value = values.get(option.name)
            if value is None:
                continue
            if option.kind == "member":
                raw[option.name] = f"<@{value.id}>"
                members[raw[option.name]] = translate.member_ref(value.id)
            elif option.kind == "channel":
                raw[option.name] = f"<#{value.id}>"
                channels[raw[option.name]] = translate.channel_ref(value.id, value.name)
            else:
                raw[option.name] = str(value)
        await self.run(
            interaction,
            lambda guild_id: CommandInvoked(
                community=translate.community(guild_id),
                actor=translate.actor(interaction.user, interaction.guild),
                channel=translate.channel_of(interaction.channel),
                event_id=f"interaction:{interaction.id}",
                text=translate.command_text(spec, raw),
                mentions=members,
                channels=channels,
            ),
            public=spec.public_reply,
        )

    async def action(
        self,
        interaction: discord.Interaction,
        action_id: str,
        value: str,
        values: tuple[str, ...],
    ) -> None:
        await self.run(
            interaction,
            lambda guild_id: ActionChosen(
                community=translate.community(guild_id),
                actor=translate.actor(interaction.user, interaction.guild),
                channel=translate.channel_of(interaction.channel),
                event_id=f"interaction:{interaction.id}",
                action_id=action_id,
                value=value,
                values=values,
            ),
        )

    async def submitted(self, interaction: discord.Interaction) -> bool:
        """A modal submission, read from the raw payload; False when it is not ours."""
        data: Any = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        values = submitted_values(list(data.get("components", [])))
        paged = pages.parse_page_id(custom_id)
        if paged is not None:
            return await self.page_submitted(interaction, paged[0], paged[1], values)
        parsed = parse_modal_id(custom_id)
        if parsed is None:
            return False
        form_id, context = parsed
        await self.run_form(interaction, form_id, context, values)
        return True

    async def page_submitted(
        self, interaction: discord.Interaction, key: str, page: int, values: dict[str, str]
    ) -> bool:
        """One page of a long form: keep its answers; offer the next page, or submit all."""
        form = self.shelf.get(key)
        if form is None:
            await self.usage(interaction, FORM_GONE)
            return True
        gathered = self.shelf.answers(key)
        gathered.update(values)
        count = len(pages.pages(form, self.shelf.intro(key)))
        if page + 1 < count:
            view = discord.ui.View(timeout=None)
            view.add_item(
                FormButton(pages.continue_key(key, page + 1), f"Continue ({page + 2}/{count})")
            )
            try:
                await interaction.response.send_message(
                    f"Part {page + 1} of {count} kept. Press Continue for the rest.",
                    view=view,
                    ephemeral=True,
                    allowed_mentions=NONE,
                )
            except discord.HTTPException as problem:
                await self.failed(interaction, problem)
            return True
        self.shelf.finish(key)
        await self.run_form(interaction, form.form_id, form.context, dict(gathered))
        return True

    async def run_form(
        self,
        interaction: discord.Interaction,
        form_id: str,
        context: str,
        values: dict[str, str],
    ) -> None:
        await self.run(
            interaction,
            lambda guild_id: FormSubmitted(
                community=translate.community(guild_id),
                actor=translate.actor(interaction.user, interaction.guild),
                channel=translate.channel_of(interaction.channel),
                event_id=f"interaction:{interaction.id}",
                form_id=form_id,
                values=values,
                context=context,
            ),
        )

    async def open_form(self, interaction: discord.Interaction, raw_key: str) -> None:
        key, page = pages.split_key(raw_key)
        form = self.shelf.get(key)
        try:
            if form is None:
                await interaction.response.send_message(FORM_GONE, ephemeral=True)
            elif pages.fits(form, self.shelf.intro(key)):
                await interaction.response.send_modal(build_modal(form, self.shelf.intro(key)))
            else:
                modal = pages.page_modal(form, self.shelf.intro(key), key, page)
                await interaction.response.send_modal(modal)
        except discord.HTTPException as problem:
            await self.failed(interaction, problem)

    async def open_modal(self, interaction: discord.Interaction, form: Form, intro: str) -> None:
        """Open `form` (cut into pages when it is longer than one modal holds)."""
        if pages.fits(form, intro):
            await interaction.response.send_modal(build_modal(form, intro))
            return
        key = self.shelf.put(form, intro)
        await interaction.response.send_modal(pages.page_modal(form, intro, key, 0))

    async def usage(self, interaction: discord.Interaction, text: str) -> None:
        """Wrong input stopped before the core (e.g. a value of the wrong type)."""
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)
            else:
                await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)
        except discord.HTTPException as problem:
            await self.failed(interaction, problem)

    # -- the 3-second rule ----------------------------------------------------------------

    async def run(
        self, interaction: discord.Interaction, make: Any, *, public: bool = False
    ) -> None:
        """Answer within the deadline, else defer ("thinking…", public when the command's
        answer is for the channel) and follow up when the core is done."""
        guild_id = await self.place(interaction)
        if guild_id is None or interaction.client.get_guild(guild_id) is None:
            log.warning(
                "interaction %s from unknown guild %s (not in this bot's guilds)",
                interaction.id,
                guild_id,
            )
            await self.usage(interaction, UNKNOWN_GUILD)
            return
        event: Event = make(guild_id)
        task = asyncio.create_task(self.trellis.handle(event))
        done, _ = await asyncio.wait({task}, timeout=self.deadline)
        try:
            deferred = None if done else await self.defer(interaction, public)
            await self.answer(interaction, await task, deferred)
        except discord.HTTPException as problem:
            await self.failed(interaction, problem)
        await self.trellis.outbox.drain()

    async def defer(self, interaction: discord.Interaction, public: bool = False) -> bool | None:
        """Defer; returns whether the "thinking…" message is ephemeral (None: there is none,
        as a click is deferred silently and its follow-ups are new messages)."""
        if interaction.type is discord.InteractionType.component:
            await interaction.response.defer()
            return None
        await interaction.response.defer(ephemeral=not public, thinking=True)
        return not public

    async def answer(
        self,
        interaction: discord.Interaction,
        replies: list[Outgoing],
        deferred: bool | None = None,
    ) -> None:
        response = interaction.response
        only = replies[0] if len(replies) == 1 else None
        if (
            only is not None
            and only.message.form is not None
            and shown_in_modal(only.message)
            and not response.is_done()
            and interaction.type is not discord.InteractionType.modal_submit
        ):
            await self.open_modal(interaction, only.message.form, intro_of(only.message))
            return
        if not replies:
            if interaction.type is discord.InteractionType.component and not response.is_done():
                await response.defer()
            elif not response.is_done():
                await response.send_message("Done.", ephemeral=True)
            else:
                await interaction.edit_original_response(content="Done.")
            return
        for outgoing in replies:
            ephemeral = isinstance(outgoing.target, Reply) and outgoing.target.ephemeral
            for part in render(outgoing.message, self.shelf):
                if deferred is not None and deferred == ephemeral:
                    # The common case: the "thinking…" message already has the answer's
                    # visibility (decided at defer time from the command spec): edit it.
                    await self.edit_original(interaction, part)
                elif deferred is not None:
                    # A reply whose visibility differs (an error to a public command, a
                    # public answer to a private one): a follow-up would take over the
                    # placeholder and its visibility, so remove the placeholder first.
                    await interaction.delete_original_response()
                    await self.send(interaction, part, ephemeral)
                else:
                    await self.send(interaction, part, ephemeral)
                deferred = None

    async def edit_original(self, interaction: discord.Interaction, part: Rendered) -> None:
        kwargs: dict[str, Any] = {"allowed_mentions": NONE, "content": part.content}
        if part.embed is not None:
            kwargs["embed"] = part.embed
        if part.view is not None:
            kwargs["view"] = part.view
        if part.images:
            kwargs["attachments"] = part.files()
        await interaction.edit_original_response(**kwargs)

    async def send(self, interaction: discord.Interaction, part: Rendered, ephemeral: bool) -> None:
        kwargs: dict[str, Any] = {"allowed_mentions": NONE, "ephemeral": ephemeral}
        if part.content is not None:
            kwargs["content"] = part.content
        if part.embed is not None:
            kwargs["embed"] = part.embed
        if part.view is not None:
            kwargs["view"] = part.view
        if part.images:
            kwargs["files"] = part.files()
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)

    async def failed(
        self, interaction: discord.Interaction, problem: discord.HTTPException
    ) -> None:
        """Discord refused our answer. Log it; tell the member in the channel if it expired."""
        if problem.code not in EXPIRED:
            log.error("answering interaction %s failed: %s", interaction.id, problem)
            return
        log.warning(
            "interaction %s expired before Trellis answered (Discord code %s)",
            interaction.id,
            problem.code,
        )
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            return
        name = discord.utils.escape_mentions(interaction.user.display_name)
        try:
            await channel.send(
                f"{name}: Discord expired that request before Trellis could answer. "
                "Please run it again.",
                allowed_mentions=NONE,
            )
        except discord.HTTPException as again:
            log.error(
                "could not tell %s about the expired interaction: %s", interaction.user.id, again
            )


async def guild_of(interaction: discord.Interaction) -> int | None:
    return interaction.guild_id


def shown_in_modal(message: Message) -> bool:
    """Whether what asks for the form can sit above it in a modal (text only: no buttons)."""
    return not any(isinstance(b, Buttons | Choice | Image) for b in message.blocks)


def intro_of(message: Message) -> str:
    return Message(message.blocks).plain_text() if message.blocks else ""
