"""The discord.py client: gateway events and interactions in, through the core, out.

Thin on purpose: `translate` makes neutral events, `Interactions` answers interactions,
`DiscordTransport` sends everything else. This class only wires them to discord.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord import intents as gateway_intents
from bot.adapters.discord import translate
from bot.adapters.discord.commands import build_group, spec_of
from bot.adapters.discord.components import ActionButton, ActionSelect, FormButton
from bot.adapters.discord.interactions import Interactions
from bot.adapters.discord.outbound import DiscordTransport
from bot.adapters.discord.render import FormShelf
from bot.app import Trellis
from bot.core.commands import CommandSpec
from bot.core.events import Event
from bot.core.messages import Reply, ToChannel, ToMember
from bot.delivery.transport import DeliveryError

log = logging.getLogger(__name__)
REMEMBERED_MESSAGES = 1000


def shard_ids(raw: str | None) -> list[int] | None:
    """`DISCORD_SHARD_IDS=0,1,2` -> [0, 1, 2]; ValueError names the bad part."""
    if not raw or not raw.strip():
        return None
    try:
        return [int(part) for part in raw.replace(" ", "").split(",") if part]
    except ValueError:
        raise ValueError(f"DISCORD_SHARD_IDS: expected numbers like 0,1,2 (got {raw!r})") from None


class TrellisClient(discord.AutoShardedClient):
    def __init__(
        self,
        trellis: Trellis,
        *,
        shard_count: int | None = None,
        shard_ids: list[int] | None = None,
        guild_ready_timeout: float = 2.0,
        identify_pause: float = 5.0,
        answer_deadline: float | None = None,
    ) -> None:
        sharding: dict[str, Any] = {"shard_count": shard_count}
        if shard_ids is not None:
            sharding["shard_ids"] = shard_ids
        super().__init__(
            intents=gateway_intents.wanted(),
            allowed_mentions=discord.AllowedMentions.none(),
            **sharding,
            chunk_guilds_at_startup=False,  # Trellis needs no member list, only who acts
            guild_ready_timeout=guild_ready_timeout,
            max_ratelimit_timeout=10.0,  # longer waits go back to the outbox as a retry
        )
        self.trellis = trellis
        self.identify_pause = identify_pause
        self.shelf = FormShelf()
        self.fetched: OrderedDict[int, asyncio.Future[discord.Message | None]] = OrderedDict()
        self.interactions = Interactions(trellis, self.shelf)
        if answer_deadline is not None:
            self.interactions.deadline = answer_deadline
        self.transport = DiscordTransport(self, self.shelf)
        self.tree: app_commands.CommandTree[TrellisClient] = app_commands.CommandTree(self)
        self.tree.add_command(build_group(trellis.registry.specs, self.on_command))
        self.tree.on_error = self.on_tree_error  # type: ignore[method-assign]

    # -- start-up -------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        for line in gateway_intents.fit_to_application(
            self._connection._intents, self.application_flags
        ):
            log.warning(line)
        self.add_dynamic_items(ActionButton, ActionSelect, FormButton)
        self.trellis.outbox.attach(self.transport)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before each re-IDENTIFY (Discord's start-up limit)."""
        if not initial and self.identify_pause > 0:
            await asyncio.sleep(self.identify_pause)

    async def on_ready(self) -> None:
        log.info("Discord: connected as %s to %d server(s)", self.user, len(self.guilds))

    # -- interactions ---------------------------------------------------------------------

    async def on_command(
        self, interaction: discord.Interaction, spec: CommandSpec, values: dict[str, Any]
    ) -> None:
        await self.interactions.command(interaction, spec, values)

    async def on_action(
        self, interaction: discord.Interaction, action_id: str, value: str, values: tuple[str, ...]
    ) -> None:
        await self.interactions.action(interaction, action_id, value, values)

    async def on_open_form(self, interaction: discord.Interaction, key: str) -> None:
        await self.interactions.open_form(interaction, key)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            await self.interactions.submitted(interaction)

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        spec = spec_of(interaction)
        usage = f"\nUsage: {spec.usage()}" if spec else ""
        if isinstance(error, app_commands.TransformerError):
            value = discord.utils.escape_mentions(str(error.value))[:60]
            text = f"`{value}` is not a valid {error.type.name} here.{usage}"
        elif isinstance(
            error, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound
        ):
            text = (
                "Discord has an older list of Trellis commands; ask an admin to run "
                "`trellis discord sync`. See `/trellis help`."
            )
        else:
            log.error("app command failed", exc_info=error)
            text = "Something went wrong on our side while handling that. Please try again."
        log.info("interaction %s refused: %s", interaction.id, type(error).__name__)
        await self.interactions.usage(interaction, text)

    # -- gateway events -------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.type not in (
            discord.MessageType.default,
            discord.MessageType.reply,
        ):
            return
        guild = message.guild or self.home_of(message.author)
        if guild is None:
            log.info("DM from %s ignored: no single server to place it in", message.author.id)
            return
        await self.dispatch_event(translate.message_posted(message, guild.id))

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        if payload.member is not None and payload.member.bot:
            return
        event = translate.reaction_added(payload)
        if event is not None:
            found = await self.reacted_message(payload.channel_id, payload.message_id)
            await self.dispatch_event(translate.with_message(event, found))

    async def reacted_message(self, channel_id: int, message_id: int) -> discord.Message | None:
        """The message a reaction is on: from discord.py's cache, else fetched once (REST)."""
        cached = self._connection._get_message(message_id)
        if cached is not None:
            return cached
        fetching = self.fetched.get(message_id)
        if fetching is None:
            # One fetch per message, even when several reactions arrive at once.
            fetching = asyncio.ensure_future(self.fetch_message(channel_id, message_id))
            self.fetched[message_id] = fetching
            while len(self.fetched) > REMEMBERED_MESSAGES:
                self.fetched.popitem(last=False)
        return await asyncio.shield(fetching)

    async def fetch_message(self, channel_id: int, message_id: int) -> discord.Message | None:
        channel = self.get_channel(channel_id) or self.get_partial_messageable(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        try:
            return await channel.fetch_message(message_id)
        except discord.HTTPException as problem:
            log.info("could not fetch the message reacted to (%s): %s", message_id, problem)
            return None

    async def on_member_join(self, member: discord.Member) -> None:
        if not member.bot:
            await self.dispatch_event(translate.member_joined(member))

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        if not payload.user.bot:
            await self.dispatch_event(translate.member_left(payload, self.trellis.clock.now()))

    async def on_thread_member_join(self, member: discord.ThreadMember) -> None:
        if member.id != (self.user.id if self.user else None):
            await self.dispatch_event(translate.thread_member_joined(member))

    def home_of(self, user: discord.abc.User) -> discord.Guild | None:
        """The one server a DM belongs to: the only shared one, or the only one at all."""
        shared = [g for g in self.guilds if g.get_member(user.id) is not None]
        if len(shared) == 1:
            return shared[0]
        return self.guilds[0] if len(self.guilds) == 1 else None

    async def dispatch_event(self, event: Event) -> None:
        """Run a gateway event through the core; replies go to the channel, or by DM when
        only the actor should see them."""
        for outgoing in await self.trellis.handle(event):
            assert isinstance(outgoing.target, Reply)
            target: ToChannel | ToMember
            if outgoing.target.ephemeral or event.channel is None:
                target = ToMember(event.actor.ref)
            else:
                target = ToChannel(event.channel)
            try:
                await self.transport.send(event.community, target, outgoing.message, "interactive")
            except DeliveryError as problem:
                log.warning("reply to %s not delivered: %s", type(event).__name__, problem)
        await self.trellis.outbox.drain()
