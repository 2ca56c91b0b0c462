"""The outbox: every non-reply message is stored with a unique key, then delivered.

Storing first means a crash between deciding to send and sending loses nothing, and the
database's unique key means a retried decision never queues twice. A send is made under a
lease that its heartbeat renews, bounded well under the lease, and its outcome is recorded
only while the claim is still ours (`in_flight.py`): a slow send is never repeated by
another process, and a process whose claim was taken over cannot overwrite the new holder's
record. Delivery itself cannot be atomic with the database: a process killed after the
platform accepted a message but before it marked the row sent will send it again once the
lease ends. The key travels with the message (`transport.delivery_key`) so a transport
whose platform dedupes by nonce drops that second copy (see README, "Running at scale").
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.core import codec
from bot.core.directory import CommunityInfo
from bot.core.messages import Outgoing, ToChannel, ToGroup, ToMember
from bot.core.ports import Clock
from bot.core.refs import ChannelRef, CommunityRef
from bot.delivery.in_flight import Bounds, Flight, LeaseLost, SendTimedOut
from bot.delivery.transport import DeliveryError, Transport, delivery_key, delivery_resumed
from bot.storage.models import OutboxMessage
from bot.storage.repositories import OutboxRepository

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
# A message still undelivered this long after it was stored is given up (and reported).
GIVE_UP_AFTER = timedelta(hours=24)
# How long a process holds a message it is sending (5 minutes, renewed while the send is in
# flight) and how long one send may take (well under that): `in_flight.Bounds`.
# Awaited before each send on a platform: a place for per-platform pacing (Slack paces
# inside its transport; a platform without its own pacer can be given one here).
Pacer = Callable[[], Awaitable[None]]
GiveUpHook = Callable[[OutboxMessage], Awaitable[None]]
# Told where a group's space is once a transport opened it: (community, group name, space).
SpaceHook = Callable[[CommunityRef, str, ChannelRef], Awaitable[None]]


class Outbox:
    def __init__(
        self,
        repository: OutboxRepository,
        clock: Clock | None = None,
        give_up_after: timedelta = GIVE_UP_AFTER,
        bounds: Bounds | None = None,
    ) -> None:
        self.repository = repository
        self.clock = clock or repository.clock
        self.give_up_after = give_up_after
        self.bounds = bounds or Bounds()
        self.transports: dict[str, Transport] = {}
        self.pacers: dict[str, Pacer] = {}
        # A platform that answered Retry-After is left alone until then, for every message.
        self.paused_until: dict[str, datetime] = {}
        self.on_give_up: list[GiveUpHook] = []
        self.space_hooks: list[SpaceHook] = []
        # Sent, but the database was away when we went to record it: recorded first thing at
        # the next drain, while our lease still holds, so the message is not sent again.
        self.unrecorded: dict[int, Callable[[], Awaitable[None]]] = {}
        # How many times this process queued messages, and that count when a drain last
        # found nothing due: equal means nothing new was queued here since (see `drain`).
        self.queued = 0
        self.found_empty_at: int | None = None

    def attach(self, transport: Transport, pacer: Pacer | None = None) -> None:
        self.transports[transport.platform] = transport
        if pacer is not None:
            self.pacers[transport.platform] = pacer

    async def put(self, community: CommunityInfo, outgoing: Outgoing) -> bool:
        """Store a message for delivery; False when its key was already stored."""
        (stored,) = await self.put_all(community, [outgoing])
        return stored

    async def put_all(self, community: CommunityInfo, outgoing: list[Outgoing]) -> list[bool]:
        """Store several messages in one transaction (what one event decided to send); each
        False when its key was already stored."""
        rows = []
        # A fan-out repeats one message to many: each distinct message is encoded once.
        encoded: dict[int, str] = {}
        for item in outgoing:
            target = item.target
            if isinstance(target, ToChannel):
                kind, target_id = "channel", target.channel.external_id
            elif isinstance(target, ToMember):
                kind, target_id = "member", target.member.external_id
            elif isinstance(target, ToGroup):
                kind, target_id = "group", target.name[:64]
            else:
                raise ValueError("replies are answered by the adapter, not the outbox")
            message = encoded.get(id(item.message))  # the items keep their ids unique here
            if message is None:
                message = encoded[id(item.message)] = codec.dumps(item.message)
            payload = json.dumps(
                {
                    "platform": community.ref.platform,
                    "community": community.ref.external_id,
                    "target": codec.dumps(target),
                    "message": message,
                }
            )
            key = item.idempotency_key or f"adhoc:{uuid.uuid4()}"
            rows.append((key, kind, target_id, payload))
        if not rows:
            return []
        stored = await self.repository.enqueue_many(community.id, rows)
        self.queued += 1
        return stored

    def _paused(self, platform: str) -> bool:
        until = self.paused_until.get(platform)
        return until is not None and self.clock.now() < until

    async def drain(self, limit: int = 500, *, if_queued: bool = False) -> int:
        """Deliver what is due; returns how many were sent.

        `if_queued`: skip the look when the last drain left nothing due (it sent or
        rescheduled all it found) and this process queued nothing since; the drain after
        each console line, most of which queue nothing. Retries coming due and other
        processes' messages wait for the next plain drain (the scheduler's, `:advance`, or
        the serving loop's tick)."""
        if if_queued and self.found_empty_at == self.queued and not self.unrecorded:
            return 0
        queued = self.queued  # before looking: a message queued meanwhile is looked for next time
        for message_id in list(self.unrecorded):
            # Taken before awaiting: two drains running at once record each message once.
            record = self.unrecorded.pop(message_id, None)
            if record is None:
                continue
            try:
                await record()
            except BaseException:
                self.unrecorded[message_id] = record  # still unrecorded: the next drain tries
                raise
        sent = 0
        due = await self.repository.due(limit)
        self.found_empty_at = None
        rows = [row for row in due if json.loads(row.payload)["platform"] in self.transports]
        # Everything due was seen and is ours; cleared when a row is left for later.
        left_nothing = len(due) < limit and len(rows) == len(due)
        token: datetime | None = None  # the claim on rows[i], when taken with the last record
        for i, row in enumerate(rows):
            assert row.id is not None
            if token is None:
                if self._paused(self._platform(row)):
                    left_nothing = False
                    continue
                # Several processes may drain the same table: only the one that claims it sends.
                token = await self.repository.claim(row.id, self.bounds.lease)
                if token is None:
                    left_nothing = False
                    continue
            flight = Flight(self.clock, self.bounds, token, self._renewer(row.id))
            token = None
            following = rows[i + 1] if i + 1 < len(rows) else None
            try:
                delivered, token = await self._send(row, flight, following)
                sent += delivered
            except LeaseLost as lost:
                left_nothing = False
                log.warning("stopped sending %s: %s", row.idempotency_key, lost)
        if left_nothing:
            self.found_empty_at = queued
        return sent

    @staticmethod
    def _platform(row: OutboxMessage) -> str:
        return str(json.loads(row.payload)["platform"])

    def _renewer(self, message_id: int) -> Callable[[datetime], Awaitable[datetime | None]]:
        async def renew(token: datetime) -> datetime | None:
            return await self.repository.renew(message_id, token, self.bounds.lease)

        return renew

    async def _send(
        self, row: OutboxMessage, flight: Flight, following: OutboxMessage | None
    ) -> tuple[int, datetime | None]:
        """Pace, send and record one claimed message: 1 when it was delivered, and the claim
        on `following` (the next message to send), taken as the delivery is recorded."""
        assert row.id is not None
        data = json.loads(row.payload)
        platform = data["platform"]
        target = codec.loads_target(data["target"])
        assert isinstance(target, ToChannel | ToMember | ToGroup)
        community = CommunityRef(platform, data["community"])
        pacer = self.pacers.get(platform)
        if pacer is not None:
            await flight.run(pacer(), bounded=False)  # a long wait for the pace keeps the lease
        token = delivery_key.set(row.idempotency_key)
        resumed = delivery_resumed.set(row.claims > row.attempts)
        try:
            space = await flight.run(
                self.transports[platform].deliver(
                    community, target, codec.loads_message(data["message"])
                ),
                bounded=True,
            )
        except SendTimedOut as slow:
            problem = DeliveryError(f"send timed out: {slow}", retry_after=1)
            await self._failed(row, flight.token, platform, problem)
            return 0, None
        except DeliveryError as problem:
            await self._failed(row, flight.token, platform, problem)
            return 0, None
        finally:
            delivery_key.reset(token)
            delivery_resumed.reset(resumed)
        marked = False
        claimed: datetime | None = None
        # Claimed together with this record; never on a retry at the next drain (that drain
        # claims what it sends itself).
        next_id = (
            following.id
            if following is not None and not self._paused(self._platform(following))
            else None
        )

        async def record() -> None:
            nonlocal marked, claimed, next_id
            assert row.id is not None
            if not marked:
                held, claimed = await self.repository.mark_sent_and_claim(
                    row.id, flight.token, next_id, self.bounds.lease
                )
                next_id = None
                if not held:
                    log.warning(
                        "%s was sent, but another process holds it now", row.idempotency_key
                    )
            marked = True
            if isinstance(target, ToGroup) and space is not None:
                for hook in self.space_hooks:
                    await hook(community, target.name, space)

        try:
            await record()
        except BaseException:
            next_id = None  # that transaction did not happen: nothing was claimed
            # Kept only once recording failed: a drain running alongside must not take (and
            # record twice) one this drain is still recording.
            self.unrecorded[row.id] = record
            raise
        return 1, claimed

    async def _failed(
        self, row: OutboxMessage, token: datetime, platform: str, problem: DeliveryError
    ) -> None:
        """Retry later (honouring Retry-After, with backoff), or give up and say so."""
        assert row.id is not None
        now = self.clock.now()
        wait = None
        if problem.retry_after is not None and row.attempts + 1 < MAX_ATTEMPTS:
            wait = timedelta(seconds=max(problem.retry_after, 2**row.attempts))
            if problem.rate_limited:
                self.paused_until[platform] = now + timedelta(seconds=problem.retry_after)
            if now + wait > row.created_at + self.give_up_after:
                wait = None
        log.warning("delivery of %s failed: %s", row.idempotency_key, problem)
        if not await self.repository.mark_failed(row.id, token, str(problem), wait):
            log.warning("%s is held by another process now; left to it", row.idempotency_key)
            return
        if wait is None:
            log.error("gave up delivering %s: %s", row.idempotency_key, problem)
            row.status, row.last_error, row.attempts = "failed", str(problem), row.attempts + 1
            for hook in self.on_give_up:
                try:
                    await hook(row)
                except Exception:
                    log.exception("reporting the failed delivery %s failed", row.idempotency_key)
