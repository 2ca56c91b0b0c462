"""Repositories: every query Trellis makes lives here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.directory import CommunityInfo, MemberInfo
from bot.core.events import Actor
from bot.core.ports import Clock
from bot.core.refs import CommunityRef, MemberRef
from bot.core.text import clean_name
from bot.storage.db import Database
from bot.storage.models import (
    Community,
    Container,
    ContainerMembership,
    Member,
    OrganisationType,
    OutboxMessage,
    ProcessedEvent,
    ScheduledRun,
)

_IGNORING_DUPLICATES: dict[tuple[str, str], Any] = {}
"""INSERT … ON CONFLICT DO NOTHING per (dialect, table), built once: the values come as
parameters, so every call reuses one compiled statement."""


async def insert_ignoring_duplicates(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any]
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    table = model.__table__  # type: ignore[attr-defined]
    statement = _IGNORING_DUPLICATES.get((dialect, table.name))
    if statement is None:
        builder = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = _IGNORING_DUPLICATES[(dialect, table.name)] = builder(
            table
        ).on_conflict_do_nothing()
    connection = await session.connection()
    result = await connection.execute(statement, values)
    return bool(result.rowcount)


def community_info(row: Community) -> CommunityInfo:
    assert row.id is not None
    return CommunityInfo(
        id=row.id,
        ref=CommunityRef(row.platform, row.external_id),
        name=row.name,
        timezone=row.timezone,
        locale=row.locale,
    )


MEMBERS = Member.__table__  # type: ignore[attr-defined]
MEMBER_INFO = [
    MEMBERS.c[name]
    for name in (
        "id",
        "community_id",
        "platform_user_id",
        "display_name",
        "is_facilitator",
        "timezone",
        "organisation",
        "organisation_type",
        "topics",
        "paused_until",
    )
]
"""The member columns MemberInfo is made of."""
# Built once (every command reads its member): no statement to build or key per call.
MEMBER_INFO_QUERY = select(*MEMBER_INFO).where(
    MEMBERS.c.community_id == bindparam("community"),
    MEMBERS.c.platform_user_id == bindparam("user"),
)


def member_info(row: Member | Row[Any], platform: str) -> MemberInfo:
    assert row.id is not None
    return MemberInfo(
        id=row.id,
        community_id=row.community_id,
        ref=MemberRef(platform, row.platform_user_id),
        display_name=row.display_name,
        is_facilitator=row.is_facilitator,
        timezone=row.timezone,
        organisation=row.organisation,
        organisation_type=row.organisation_type,
        topics=tuple(t.strip() for t in row.topics.split(",") if t.strip()),
        paused_until=row.paused_until,
    )


class DirectoryRepository:
    """Communities and members, created on first sight.

    Messages arrive by the thousand, so their lookups are cached in process: a community's
    row never changes, and a member's id never does while the member exists. Every write to
    member rows (profile, pause, roles, erasure) empties the member cache; another process's
    erasure shows up as a foreign-key failure, whose group is then retried without caches.
    Commands always read the member fresh: roles decide what they may do."""

    def __init__(self, db: Database, clock: Clock, *, timezone: str = "UTC", locale: str = "en"):
        self.db = db
        self.clock = clock
        self.default_timezone = timezone
        self.default_locale = locale
        self._communities: dict[CommunityRef, CommunityInfo] = {}
        # (community id, platform user id) -> (what the platform last told us, the member).
        self._members: dict[tuple[int, str], tuple[tuple[str, str | None, bool], MemberInfo]] = {}
        # (community id, platform user id) -> member id, for members a message only names.
        self._ids: dict[tuple[int, str], int] = {}
        self._version = db.members_version

    def forget(self) -> None:
        """Drop every cached row (after a rolled-back group: its new ids are gone)."""
        self._communities.clear()
        self._members.clear()
        self._ids.clear()

    def _member_cache(
        self,
    ) -> dict[tuple[int, str], tuple[tuple[str, str | None, bool], MemberInfo]]:
        if self._version != self.db.members_version:
            self._members.clear()
            self._ids.clear()
            self._version = self.db.members_version
        return self._members

    async def community(self, ref: CommunityRef) -> CommunityInfo:
        cached = self._communities.get(ref)
        if cached is not None:
            return cached
        async with self.db.read() as session:
            row = (await session.exec(self._community_query(ref))).first()
        if row is None:
            async with self.db.session() as session:
                await insert_ignoring_duplicates(
                    session,
                    Community,
                    {
                        "platform": ref.platform,
                        "external_id": ref.external_id,
                        "name": ref.external_id,
                        "timezone": self.default_timezone,
                        "locale": self.default_locale,
                        "created_at": self.clock.now(),
                    },
                )
                row = (await session.exec(self._community_query(ref))).one()
        info = community_info(row)
        self._communities[ref] = info
        return info

    async def member(
        self, community: CommunityInfo, actor: Actor, *, cached: bool = False
    ) -> MemberInfo:
        """The member acting, created on first sight and kept in step with what the platform
        says (name, zone, admin). `cached`: a message's author, whose id is all that is used;
        commands pass False, so roles are always read fresh."""
        name = clean_name(actor.display_name, fallback=clean_name(actor.ref.external_id))
        told = (name, actor.timezone, actor.platform_admin)
        key = (community.id, actor.ref.external_id)
        members = self._member_cache()
        if cached and key in members and members[key][0] == told:
            return members[key][1]
        # The columns MemberInfo holds, not an ORM object: every command pays for this read.
        async with self.db.read() as session:
            connection = await session.connection()
            params = {"community": community.id, "user": actor.ref.external_id}
            found = (await connection.execute(MEMBER_INFO_QUERY, params)).first()
        if found is None or self._stale(found, actor, name):
            async with self.db.session() as session:
                row = await self._store_member(session, community, actor, name)
            info = member_info(row, community.ref.platform)
        else:
            info = member_info(found, community.ref.platform)
        members[key] = (told, info)
        return info

    @staticmethod
    def _stale(row: Member | Row[Any], actor: Actor, name: str) -> bool:
        return (
            bool(actor.display_name and row.display_name != name)
            or bool(actor.timezone and row.timezone != actor.timezone)
            or (actor.platform_admin and not row.is_facilitator)
        )

    async def _store_member(
        self, session: AsyncSession, community: CommunityInfo, actor: Actor, name: str
    ) -> Member:
        await insert_ignoring_duplicates(
            session,
            Member,
            {
                "community_id": community.id,
                "platform_user_id": actor.ref.external_id,
                "display_name": name,
                "timezone": actor.timezone,
                "is_facilitator": actor.platform_admin,
                "created_at": self.clock.now(),
            },
        )
        row: Member = (await session.exec(self._member_query(community.id, actor.ref))).one()
        # Keep what the platform tells us fresh (names and zones change).
        if actor.display_name and row.display_name != name:
            row.display_name = name
        if actor.timezone and row.timezone != actor.timezone:
            row.timezone = actor.timezone
        # Platform admins are facilitators by right, also when they became admins later.
        if actor.platform_admin and not row.is_facilitator:
            row.is_facilitator = True
        session.add(row)
        await session.flush()
        return row

    async def find_member(self, community: CommunityInfo, ref: MemberRef) -> MemberInfo | None:
        async with self.db.read() as session:
            row = (await session.exec(self._member_query(community.id, ref))).first()
            return member_info(row, community.ref.platform) if row else None

    async def member_id(self, community: CommunityInfo, ref: MemberRef) -> int | None:
        """The id of a member a message names (a reply, a mention), from the cache."""
        members = self._member_cache()
        key = (community.id, ref.external_id)
        if key in members:
            return members[key][1].id
        if key in self._ids:
            return self._ids[key]
        found = await self.find_member(community, ref)
        if found is None:
            return None  # not remembered: they may turn up later
        self._ids[key] = found.id
        return found.id

    async def member_by_id(self, member_id: int) -> MemberInfo | None:
        async with self.db.session() as session:
            row = await session.get(Member, member_id)
            if row is None:
                return None
            community = await session.get(Community, row.community_id)
            assert community is not None
            return member_info(row, community.platform)

    async def community_by_id(self, community_id: int) -> CommunityInfo | None:
        async with self.db.read() as session:
            row = await session.get(Community, community_id)
            return community_info(row) if row else None

    async def facilitators(self, community_id: int) -> list[MemberInfo]:
        async with self.db.read() as session:
            community = await session.get(Community, community_id)
            assert community is not None
            statement = select(Member).where(
                Member.community_id == community_id, col(Member.is_facilitator).is_(True)
            )
            return [
                member_info(m, community.platform) for m in (await session.exec(statement)).all()
            ]

    async def profile(self, member_id: int) -> Member | None:
        async with self.db.read() as session:
            return await session.get(Member, member_id)

    async def set_facilitator(self, member_id: int, value: bool) -> None:
        self.db.members_changed()
        async with self.db.session() as session:
            await session.exec(
                update(Member).where(col(Member.id) == member_id).values(is_facilitator=value)
            )

    async def count_members(self, community_id: int) -> int:
        async with self.db.read() as session:
            # COUNT in the database: loading every id made each call O(members).
            rows = await session.exec(
                select(func.count()).select_from(Member).where(Member.community_id == community_id)
            )
            return int(rows.one())

    @staticmethod
    def _community_query(ref: CommunityRef) -> Any:
        return select(Community).where(
            Community.platform == ref.platform, Community.external_id == ref.external_id
        )

    @staticmethod
    def _member_query(community_id: int, ref: MemberRef) -> Any:
        return select(Member).where(
            Member.community_id == community_id, Member.platform_user_id == ref.external_id
        )


CLAIMED = "trellis_claimed_events"


class EventLedgerRepository:
    """Processed platform event ids, so that a redelivery is recognised."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def claim(self, deliveries: list[tuple[int, str]]) -> None:
        """Record a group's (community id, event id)s with one statement, ahead of handling
        them in the same shared transaction; `first_delivery` then answers from what was
        new. The unique key decides, so two processes never both handle one delivery."""
        state = self.db.shared_state()
        if state is None or not deliveries:
            return
        now = self.clock.now()
        table = ProcessedEvent.__table__  # type: ignore[attr-defined]
        rows = [{"community_id": c, "event_id": e, "received_at": now} for c, e in deliveries]
        claimed: set[tuple[int, str]] = state.setdefault(CLAIMED, set())
        builder = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        statement = (
            builder(table)
            .on_conflict_do_nothing()
            .returning(table.c.community_id, table.c.event_id)
        )
        async with self.db.session() as session:
            found = await (await session.connection()).execute(statement, rows)
            claimed.update((int(c), str(e)) for c, e in found)

    async def first_delivery(self, community: CommunityInfo, event_id: str) -> bool:
        state = self.db.shared_state()
        if state is not None and (community.id, event_id) in state.get(CLAIMED, ()):
            state[CLAIMED].discard((community.id, event_id))  # a second copy is a redelivery
            return True
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(
                session,
                ProcessedEvent,
                {
                    "community_id": community.id,
                    "event_id": event_id,
                    "received_at": self.clock.now(),
                },
            )

    async def forget_before(self, moment: datetime) -> int:
        """Drop ids older than `moment` (platforms stop retrying after minutes)."""
        from sqlalchemy import delete

        async with self.db.session() as session:
            result = await session.exec(
                delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < moment)
            )
            return int(result.rowcount or 0)


MEMBERSHIPS = ContainerMembership.__table__  # type: ignore[attr-defined]
# Built once: `container show` reads it on every call.
ROSTER = (
    select(
        MEMBERS.c.display_name,
        (MEMBERSHIPS.c.role == "facilitator") | MEMBERS.c.is_facilitator,
    )
    .join(MEMBERSHIPS, MEMBERSHIPS.c.member_id == MEMBERS.c.id)
    .where(MEMBERSHIPS.c.container_id == bindparam("container"), MEMBERSHIPS.c.left_at.is_(None))
    .order_by(MEMBERS.c.display_name)
)


MEMBERSHIPS = ContainerMembership.__table__  # type: ignore[attr-defined]
REJOIN = (
    update(MEMBERSHIPS)
    .where(
        MEMBERSHIPS.c.container_id == bindparam("b_container"),
        MEMBERSHIPS.c.member_id == bindparam("b_member"),
        MEMBERSHIPS.c.left_at.is_not(None),
    )
    .values(left_at=None, joined_at=bindparam("b_now"))
)
"""A member who left comes back: the row they had, open again from now."""
# Built once: every command run in a container's channel looks its container up here.
OPEN_IN_CHANNEL = select(Container).where(
    Container.community_id == bindparam("community"),
    Container.channel_id == bindparam("channel"),
    Container.state != "closed",
)


class ContainerRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open_in_channel(self, community_id: int, channel_id: str) -> Container | None:
        async def load() -> Container | None:
            async with self.db.read() as session:
                params = {"community": community_id, "channel": channel_id}
                return (await session.exec(OPEN_IN_CHANNEL, params=params)).first()

        found: Container | None = await self.db.remembered(
            ("open_in", community_id, channel_id), load
        )
        return found

    async def create(self, container: Container, creator_id: int, now: datetime) -> Container:
        self.db.forget_remembered()
        async with self.db.session() as session:
            session.add(container)
            await session.flush()
            assert container.id is not None
            session.add(
                ContainerMembership(
                    container_id=container.id,
                    member_id=creator_id,
                    role="facilitator",
                    joined_at=now,
                )
            )
            return container

    async def get(self, container_id: int) -> Container | None:
        async with self.db.read() as session:
            return await session.get(Container, container_id)

    async def last_in_channel(self, community_id: int, channel_id: str) -> Container | None:
        """The newest container of a channel, closed or not (to explain a closed one)."""
        async with self.db.read() as session:
            statement = (
                select(Container)
                .where(Container.community_id == community_id, Container.channel_id == channel_id)
                .order_by(col(Container.created_at).desc(), col(Container.id).desc())
                .limit(1)
            )
            return (await session.exec(statement)).first()

    async def update(self, container_id: int, **values: Any) -> None:
        self.db.forget_remembered()
        async with self.db.session() as session:
            await session.exec(
                update(Container).where(col(Container.id) == container_id).values(**values)
            )

    async def join(
        self, container_id: int, member_id: int, now: datetime, role: str = "member"
    ) -> bool:
        """Add a member (or bring back one who left); False when they were already in."""
        async with self.db.session() as session:
            values = {
                "container_id": container_id,
                "member_id": member_id,
                "role": role,
                "joined_at": now,
                "left_at": None,
            }
            if await insert_ignoring_duplicates(session, ContainerMembership, values):
                return True
            connection = await session.connection()
            params = {"b_container": container_id, "b_member": member_id, "b_now": now}
            return bool((await connection.execute(REJOIN, params)).rowcount)

    async def leave(self, container_id: int, member_id: int, now: datetime) -> bool:
        async with self.db.session() as session:
            result = await session.exec(
                update(ContainerMembership)
                .where(
                    col(ContainerMembership.container_id) == container_id,
                    col(ContainerMembership.member_id) == member_id,
                    col(ContainerMembership.left_at).is_(None),
                )
                .values(left_at=now)
            )
            return bool(result.rowcount)

    async def of_member(self, member_id: int) -> list[Container]:
        async with self.db.read() as session:
            statement = (
                select(Container)
                .join(
                    ContainerMembership, col(ContainerMembership.container_id) == col(Container.id)
                )
                .where(
                    ContainerMembership.member_id == member_id,
                    col(ContainerMembership.left_at).is_(None),
                    Container.state != "closed",
                )
                .order_by(col(Container.created_at))
            )
            return list((await session.exec(statement)).all())

    async def members(self, container_id: int) -> list[tuple[Member, ContainerMembership]]:
        async with self.db.read() as session:
            statement = (
                select(Member, ContainerMembership)
                .join(ContainerMembership, col(ContainerMembership.member_id) == col(Member.id))
                .where(
                    ContainerMembership.container_id == container_id,
                    col(ContainerMembership.left_at).is_(None),
                )
                .order_by(col(Member.display_name))
            )
            return [(m, cm) for m, cm in (await session.exec(statement)).all()]

    async def roster(self, container_id: int) -> list[tuple[str, bool]]:
        """Each current member's name and whether they facilitate here (a facilitator of the
        container or of the community), by name: two columns, not whole member rows."""
        async with self.db.read() as session:
            connection = await session.connection()
            rows = await connection.execute(ROSTER, {"container": container_id})
            return [(name, bool(leads)) for name, leads in rows]

    async def member_counts(self, community_id: int) -> dict[int, int]:
        """How many current members each container of a community has (one query)."""
        async with self.db.read() as session:
            statement = (
                select(ContainerMembership.container_id, func.count())
                .join(Container, col(Container.id) == col(ContainerMembership.container_id))
                .where(
                    Container.community_id == community_id,
                    col(ContainerMembership.left_at).is_(None),
                )
                .group_by(col(ContainerMembership.container_id))
            )
            return {cid: int(n) for cid, n in (await session.exec(statement)).all()}

    async def list_for(self, community_id: int) -> list[Container]:
        async with self.db.read() as session:
            statement = (
                select(Container)
                .where(Container.community_id == community_id)
                .order_by(col(Container.created_at))
            )
            return list((await session.exec(statement)).all())


OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
# The outbox's statements, built once: every message of a fan-out runs them, and a Core
# statement on the session's connection skips the ORM's per-call statement building.
# Bound names start with `b_`: an UPDATE reserves the column names for its values.
_HELD = (
    OUTBOX.c.id == bindparam("b_id"),
    OUTBOX.c.status == "pending",
    OUTBOX.c.next_attempt_at == bindparam("b_token"),
)
OUTBOX_CLAIM = (
    update(OUTBOX)
    .where(
        OUTBOX.c.id == bindparam("b_id"),
        OUTBOX.c.status == "pending",
        OUTBOX.c.next_attempt_at <= bindparam("b_now"),
    )
    .values(next_attempt_at=bindparam("b_until"), claims=OUTBOX.c.claims + 1)
)
OUTBOX_RENEW = update(OUTBOX).where(*_HELD).values(next_attempt_at=bindparam("b_until"))
OUTBOX_SENT = update(OUTBOX).where(*_HELD).values(status="sent", sent_at=bindparam("b_now"))
OUTBOX_INSERT = {
    dialect: builder(OUTBOX).on_conflict_do_nothing().returning(OUTBOX.c.idempotency_key)
    for dialect, builder in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


class OutboxRepository:
    """Outbound messages stored before sending; a duplicate key is refused by the database."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def enqueue(
        self, community_id: int, key: str, target_kind: str, target_id: str, payload: str
    ) -> bool:
        (stored,) = await self.enqueue_many(community_id, [(key, target_kind, target_id, payload)])
        return stored

    async def enqueue_many(
        self, community_id: int, messages: list[tuple[str, str, str, str]]
    ) -> list[bool]:
        """Store (key, target kind, target id, payload) messages in one statement; each is
        True when stored, False when its key was stored already (or earlier in the list)."""
        now = self.clock.now()
        rows = [
            {
                "idempotency_key": key,
                "community_id": community_id,
                "target_kind": target_kind,
                "target_id": target_id,
                "payload": payload,
                "status": "pending",
                "attempts": 0,
                "claims": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for key, target_kind, target_id, payload in messages
        ]
        statement = OUTBOX_INSERT["postgresql" if self.db.dialect == "postgresql" else "sqlite"]
        async with self.db.connection() as connection:
            inserted = set((await connection.execute(statement, rows)).scalars())
        stored = []
        for key, *_ in messages:
            stored.append(key in inserted)
            inserted.discard(key)  # a key given twice is stored once: the second is a repeat
        return stored

    async def due(self, limit: int = 100) -> list[OutboxMessage]:
        async with self.db.read() as session:
            statement = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == "pending",
                    col(OutboxMessage.next_attempt_at) <= self.clock.now(),
                )
                .order_by(col(OutboxMessage.id))
                .limit(limit)
            )
            return list((await session.exec(statement)).all())

    async def claim(self, message_id: int, lease: timedelta) -> datetime | None:
        """Take a due message for sending, for `lease`; None when another process took it.
        A process that dies while sending leaves it due again once the lease ends.

        The lease's end is the claim's fencing token: each claim or renewal moves it later
        (a takeover happens only after it passed), so a holder whose token no longer matches
        knows another process took the message over and must not touch it."""
        async with self.db.connection() as connection:
            return await self._claim(connection, message_id, lease)

    async def _claim(
        self, connection: AsyncConnection, message_id: int, lease: timedelta
    ) -> datetime | None:
        now = self.clock.now()
        until = now + lease
        params = {"b_id": message_id, "b_now": now, "b_until": until}
        result = await connection.execute(OUTBOX_CLAIM, params)
        return until if result.rowcount else None

    async def renew(self, message_id: int, token: datetime, lease: timedelta) -> datetime | None:
        """Extend a claim still held (the heartbeat of a send in flight); None when lost."""
        until = max(self.clock.now() + lease, token)
        async with self.db.connection() as connection:
            params = {"b_id": message_id, "b_token": token, "b_until": until}
            result = await connection.execute(OUTBOX_RENEW, params)
            return until if result.rowcount else None

    @staticmethod
    def _held(message_id: int, token: datetime) -> tuple[Any, ...]:
        return (
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status) == "pending",
            col(OutboxMessage.next_attempt_at) == token,
        )

    async def mark_sent(self, message_id: int, token: datetime) -> bool:
        """Record the delivery, only while still holding the claim; False when fenced off."""
        marked, _ = await self.mark_sent_and_claim(message_id, token, None, timedelta(0))
        return marked

    async def mark_sent_and_claim(
        self, message_id: int, token: datetime, next_id: int | None, lease: timedelta
    ) -> tuple[bool, datetime | None]:
        """`mark_sent`, and `claim` of the next message to send, in one transaction: a
        fan-out costs one transaction per message, not two. The claim is taken exactly when a
        separate `claim` would have been, so a crash leaves at most one message claimed."""
        async with self.db.connection() as connection:
            params = {"b_id": message_id, "b_token": token, "b_now": self.clock.now()}
            result = await connection.execute(OUTBOX_SENT, params)
            claimed = await self._claim(connection, next_id, lease) if next_id is not None else None
            return bool(result.rowcount), claimed

    async def mark_failed(
        self, message_id: int, token: datetime, error: str, retry_in: timedelta | None
    ) -> bool:
        """Retry later or give up, only while still holding the claim; False when fenced off."""
        values: dict[str, Any] = {
            "last_error": error[:2000],
            "attempts": OutboxMessage.attempts + 1,
        }
        if retry_in is None:
            values["status"] = "failed"
        else:
            values["next_attempt_at"] = self.clock.now() + retry_in
        async with self.db.session() as session:
            result = await session.exec(
                update(OutboxMessage)
                .where(*self._held(message_id, token))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)


def left_alone(prefixes: Sequence[str]) -> list[ColumnElement[bool]]:
    return [~col(ScheduledRun.kind).startswith(p, autoescape=True) for p in prefixes]


class ScheduleRepository:
    """Due runs as rows: planned once per key, claimed by exactly one worker."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def plan(self, run_key: str, kind: str, due_at: datetime, payload: str = "{}") -> bool:
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(
                session,
                ScheduledRun,
                {
                    "run_key": run_key,
                    "kind": kind,
                    "due_at": due_at,
                    "payload": payload,
                    "status": "due",
                },
            )

    async def next_due_at(self, leave: Sequence[str] = ()) -> datetime | None:
        async with self.db.read() as session:
            statement = (
                select(ScheduledRun.due_at)
                .where(ScheduledRun.status == "due", *left_alone(leave))
                .order_by(col(ScheduledRun.due_at))
                .limit(1)
            )
            return (await session.exec(statement)).first()

    async def claim_due(
        self,
        now: datetime,
        worker: str,
        lease: timedelta,
        limit: int = 50,
        leave: Sequence[str] = (),
    ) -> list[ScheduledRun]:
        """Claim runs that are due (or whose lease expired); each goes to one worker only.
        Kinds starting with a prefix in `leave` are left for other workers."""
        async with self.db.session() as session:
            statement = (
                select(ScheduledRun)
                .where(
                    *left_alone(leave),
                    col(ScheduledRun.due_at) <= now,
                    (col(ScheduledRun.status) == "due")
                    | (
                        (col(ScheduledRun.status) == "claimed")
                        & (col(ScheduledRun.lease_until) < now)
                    ),
                )
                .order_by(col(ScheduledRun.due_at), col(ScheduledRun.id))
                .limit(limit)
            )
            if self.db.dialect == "postgresql":
                statement = statement.with_for_update(skip_locked=True)
            runs = list((await session.exec(statement)).all())
            claimed: list[ScheduledRun] = []
            for run in runs:
                # The status guard makes the claim safe on SQLite too (one writer at a time).
                result = await session.exec(
                    update(ScheduledRun)
                    .where(col(ScheduledRun.id) == run.id, col(ScheduledRun.status) == run.status)
                    .values(status="claimed", claimed_by=worker, lease_until=now + lease)
                )
                if result.rowcount:
                    claimed.append(run)
            return claimed

    async def finish(self, run_id: int, worker: str, now: datetime, status: str = "done") -> bool:
        """Record a run as finished, only if `worker` still holds its claim; False when the
        lease ran out and another worker took it. Inside a unit of work this comes first:
        on PostgreSQL it locks the row, so no one can take it over until the unit commits."""
        async with self.db.session() as session:
            result = await session.exec(
                update(ScheduledRun)
                .where(
                    col(ScheduledRun.id) == run_id,
                    col(ScheduledRun.status) == "claimed",
                    col(ScheduledRun.claimed_by) == worker,
                )
                .values(status=status, done_at=now, lease_until=None)
            )
            return bool(result.rowcount)


async def update_member_profile(
    db: Database,
    member_id: int,
    *,
    organisation: str | None = None,
    organisation_type: str | None = None,
    timezone: str | None = None,
    topics: str | None = None,
) -> None:
    """Set the profile fields given (None leaves a field as it is)."""
    values = {
        key: value
        for key, value in (
            ("organisation", organisation),
            ("organisation_type", organisation_type),
            ("timezone", timezone),
            ("topics", topics),
        )
        if value is not None
    }
    if not values:
        return
    db.members_changed()
    async with db.session() as session:
        await session.exec(update(Member).where(col(Member.id) == member_id).values(**values))


async def set_member_pause(db: Database, member_id: int, until: datetime | None) -> None:
    db.members_changed()
    async with db.session() as session:
        await session.exec(
            update(Member).where(col(Member.id) == member_id).values(paused_until=until)
        )


class OrganisationTypeRepository:
    """The community's list of organisation types, seeded with defaults on first use."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def names(self, community_id: int, defaults: tuple[str, ...]) -> list[str]:
        async with self.db.session() as session:
            statement = select(OrganisationType.name).where(
                OrganisationType.community_id == community_id
            )
            found = list((await session.exec(statement)).all())
            if found:
                return sorted(found)
            for name in defaults:
                await insert_ignoring_duplicates(
                    session, OrganisationType, {"community_id": community_id, "name": name}
                )
            return sorted(defaults)

    async def add(self, community_id: int, name: str) -> bool:
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(
                session, OrganisationType, {"community_id": community_id, "name": name}
            )

    async def remove(self, community_id: int, name: str) -> bool:
        from sqlalchemy import delete

        async with self.db.session() as session:
            result = await session.exec(
                delete(OrganisationType).where(
                    col(OrganisationType.community_id) == community_id,
                    col(OrganisationType.name) == name,
                )
            )
            return bool(result.rowcount)
