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
from bot.adapters.discord.dm_places import PLACE_ACTION, ask_which, parse_place
from bot.adapters.discord.interactions import Interactions
from bot.adapters.discord.outbound import DiscordTransport
from bot.adapters.discord.render import FormShelf
from bot.app import Trellis
from bot.core.commands import CommandSpec
from bot.core.events import Event
from bot.core.messages import Reply, ToChannel, ToMember
from bot.delivery.transport import DeliveryError
from bot.storage.discord_channels_repository import DiscordChannelRepository

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
        self.background: set[asyncio.Future[None]] = set()
        self.fetched: OrderedDict[int, asyncio.Future[discord.Message | None]] = OrderedDict()
        self.interactions = Interactions(trellis, self.shelf)
        if answer_deadline is not None:
            self.interactions.deadline = answer_deadline
        self.transport = DiscordTransport(
            self, self.shelf, channels=DiscordChannelRepository(trellis.db), now=trellis.clock.now
        )
        self.interactions.place = self.place_interaction
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
        # Wrap discord.py's parser: it drops THREAD_MEMBERS_UPDATE for threads it has not
        # cached, and gives no event at all for a removal of a member it did not cache.
        parsers = self._connection.parsers
        original = parsers["THREAD_MEMBERS_UPDATE"]

        def thread_members(data: Any) -> None:
            original(data)
            task = asyncio.ensure_future(self.on_thread_members(data))
            self.background.add(task)
            task.add_done_callback(self.background.discard)

        parsers["THREAD_MEMBERS_UPDATE"] = thread_members
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
        if action_id == PLACE_ACTION:
            await self.placed(interaction, value)
            return
        await self.interactions.action(interaction, action_id, value, values)

    async def place_interaction(self, interaction: discord.Interaction) -> int | None:
        """The guild of an interaction; in a DM (no guild), the DM conversation's community."""
        if interaction.guild_id is not None:
            return interaction.guild_id
        if interaction.channel_id is None:
            return None
        known = await self.transport.dm_community(interaction.channel_id)
        return int(known) if known and known.isdigit() else None

    async def placed(self, interaction: discord.Interaction, value: str) -> None:
        """The member said which community their DM was for: remember it for this DM
        conversation, and hand the message they wrote to that community."""
        parsed = parse_place(value)
        guild = self.get_guild(parsed[0]) if parsed else None
        channel_id = interaction.channel_id
        member = guild.get_member(interaction.user.id) if guild else None
        if parsed is None or member is None or channel_id is None or interaction.guild_id:
            await self.interactions.usage(
                interaction, "Trellis cannot place this message there: you are not in that server."
            )
            return
        assert guild is not None
        await self.transport.remember_dm(interaction.user.id, channel_id, guild.id)
        name = discord.utils.escape_mentions(guild.name)
        await interaction.response.send_message(f"Thanks: passed on to {name}.")
        message = await self.fetch_message(channel_id, parsed[1])
        if message is not None:
            await self.dispatch_event(translate.message_posted(message, guild.id))

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
        if message.guild is not None:
            await self.dispatch_event(translate.message_posted(message, message.guild.id))
            return
        guild = await self.home_of(message.author, message.channel.id)
        if guild is not None:
            await self.dispatch_event(translate.message_posted(message, guild.id))
            return
        shared = self.shared_guilds(message.author)
        if len(shared) < 2:
            log.info("DM from %s ignored: no server to place it in", message.author.id)
            return
        await ask_which(message, shared)

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

    async def on_thread_members(self, data: dict[str, Any]) -> None:
        """THREAD_MEMBERS_UPDATE, raw (the thread need not be in discord.py's cache, e.g.
        after a restart): joins and leaves of a subgroup's thread reach the core as that
        space's member-joined/left events."""
        me = str(self.user.id) if self.user else None
        for event in translate.thread_members_update(data, me, self.trellis.clock.now()):
            await self.dispatch_event(event)

    def shared_guilds(self, user: discord.abc.User) -> list[discord.Guild]:
        return [g for g in self.guilds if g.get_member(user.id) is not None]

    async def home_of(self, user: discord.abc.User, dm_channel: int) -> discord.Guild | None:
        """The server a DM belongs to: that of the conversation Trellis opened in this DM
        channel; else the only shared one, or the only one at all. None: ambiguous."""
        known = await self.transport.dm_community(dm_channel)
        guild = self.get_guild(int(known)) if known and known.isdigit() else None
        if guild is not None:
            return guild
        shared = self.shared_guilds(user)
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
