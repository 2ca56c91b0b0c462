"""Queries of the learning exchange: settings, taxonomy, learnings, offers, needs and
introductions, and the activity counts recorded from messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, case, delete, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models import Container, Member
from bot.storage.models.exchange import (
    Activity,
    ExchangeListing,
    ExchangeSettings,
    Introduction,
    Learning,
    TaxonomyTerm,
)
from bot.storage.repositories import insert_ignoring_duplicates

QUOTABLE = ("named", "anonymous")

AnyRow = Row[*tuple[Any, ...]]
"""A row of one of the statements below, read by column name."""


ACTIVITY = Activity.__table__  # type: ignore[attr-defined]
ACTIVITY_COLUMNS = tuple(c.name for c in ACTIVITY.columns if c.name != "id")

# The commands' statements, built once (house pattern: Core on the session's connection,
# `b_` names in UPDATEs): learnings, offers and needs are written and matched many times a week.
CONTAINERS = Container.__table__  # type: ignore[attr-defined]
MEMBERS = Member.__table__  # type: ignore[attr-defined]
LEARNINGS = Learning.__table__  # type: ignore[attr-defined]
LISTINGS = ExchangeListing.__table__  # type: ignore[attr-defined]
INTRODUCTIONS = Introduction.__table__  # type: ignore[attr-defined]
LEARNING_COLUMNS = tuple(c.name for c in LEARNINGS.columns if c.name != "id")
LISTING_COLUMNS = tuple(c.name for c in LISTINGS.columns if c.name != "id")

CHANNEL_CONTAINER = core_select(CONTAINERS.c.id, CONTAINERS.c.name).where(
    CONTAINERS.c.community_id == bindparam("community"),
    CONTAINERS.c.channel_id == bindparam("channel"),
    CONTAINERS.c.state != "closed",
)
"""The open container of a channel, as `ContainerRepository.open_in_channel` finds it."""
LEARNING_INSERT = insert(LEARNINGS).returning(LEARNINGS.c.id)
LISTING_INSERT = insert(LISTINGS).returning(LISTINGS.c.id)
INTRODUCTION_INSERT = {
    dialect: builder(INTRODUCTIONS)
    .on_conflict_do_nothing()
    .returning(INTRODUCTIONS.c.id, INTRODUCTIONS.c.offer_id, INTRODUCTIONS.c.need_id)
    for dialect, builder in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
OPEN_LISTINGS = (
    core_select(
        LISTINGS.c.id,
        LISTINGS.c.container_id,
        LISTINGS.c.member_id,
        LISTINGS.c.text,
        LISTINGS.c.keywords,
        MEMBERS.c.platform_user_id,
        MEMBERS.c.display_name,
        MEMBERS.c.topics,
    )
    .join(MEMBERS, MEMBERS.c.id == LISTINGS.c.member_id)
    .where(
        LISTINGS.c.community_id == bindparam("community"),
        LISTINGS.c.kind == bindparam("kind"),
        LISTINGS.c.member_id != bindparam("other_than"),
        LISTINGS.c.closed_at.is_(None),
    )
    .order_by(LISTINGS.c.created_at)
)
"""Open offers or needs with what matching and the digest need of their authors."""
_OFFER = LISTINGS.alias("offer")
_NEED = LISTINGS.alias("need")
_OFFERER = MEMBERS.alias("offerer")
_NEEDER = MEMBERS.alias("needer")
INTRODUCTION_VIEW = (
    core_select(
        INTRODUCTIONS.c.id,
        INTRODUCTIONS.c.introduced_at,
        _OFFER.c.member_id.label("offer_member_id"),
        _OFFER.c.text.label("offer_text"),
        _NEED.c.member_id.label("need_member_id"),
        _NEED.c.text.label("need_text"),
        _OFFERER.c.display_name.label("offerer_name"),
        _OFFERER.c.platform_user_id.label("offerer_user_id"),
        _NEEDER.c.display_name.label("needer_name"),
        _NEEDER.c.platform_user_id.label("needer_user_id"),
    )
    .join(_OFFER, _OFFER.c.id == INTRODUCTIONS.c.offer_id)
    .join(_NEED, _NEED.c.id == INTRODUCTIONS.c.need_id)
    .join(_OFFERER, _OFFERER.c.id == _OFFER.c.member_id)
    .join(_NEEDER, _NEEDER.c.id == _NEED.c.member_id)
    .where(INTRODUCTIONS.c.id == bindparam("id"))
)
"""An introduction with both listings and both authors, in one read."""


def _answer(side: str, other: str) -> Any:
    """One side's answer; introduced_at is set (once) when the other side already said yes.
    The SET expressions read the row as it was, so the check and the write are one step."""
    answered = bindparam("b_answer", type_=INTRODUCTIONS.c[side].type)
    return (
        update(INTRODUCTIONS)
        .where(INTRODUCTIONS.c.id == bindparam("b_id"))
        .values(
            {
                side: answered,
                "introduced_at": case(
                    (
                        and_(
                            answered == "yes",
                            INTRODUCTIONS.c[other] == "yes",
                            INTRODUCTIONS.c.introduced_at.is_(None),
                        ),
                        bindparam("b_now", type_=INTRODUCTIONS.c.introduced_at.type),
                    ),
                    else_=INTRODUCTIONS.c.introduced_at,
                ),
            }
        )
        .returning(INTRODUCTIONS.c.id, INTRODUCTIONS.c.introduced_at)
    )


INTRODUCTION_ANSWER = {
    "offer": _answer("offer_answer", "need_answer"),
    "need": _answer("need_answer", "offer_answer"),
}


class ExchangeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- settings and taxonomy ----------------------------------------------------------

    async def settings(self, community_id: int) -> ExchangeSettings:
        statement = select(ExchangeSettings).where(ExchangeSettings.community_id == community_id)
        # Read first: once created (the first time only) no command needs the write lock.
        async with self.db.read() as session:
            found = (await session.exec(statement)).first()
        if found is not None:
            return found
        async with self.db.session() as session:
            await insert_ignoring_duplicates(
                session,
                ExchangeSettings,
                {"community_id": community_id, "emoji": "bulb", "taxonomy_seeded": False},
            )
            return (await session.exec(statement)).one()

    async def set_emoji(self, community_id: int, emoji: str) -> None:
        await self.settings(community_id)
        async with self.db.session() as session:
            await session.exec(
                update(ExchangeSettings)
                .where(col(ExchangeSettings.community_id) == community_id)
                .values(emoji=emoji)
            )

    async def term_labels(
        self, community_id: int, defaults: list[tuple[str, str, str]]
    ) -> list[tuple[str, str, str]]:
        """(kind, name, label) of the community's terms, in `taxonomy` order: once seeded,
        one query of three columns (what `taxonomy show` reads on every call)."""
        seeded = (
            select(ExchangeSettings.id)
            .where(
                ExchangeSettings.community_id == community_id,
                col(ExchangeSettings.taxonomy_seeded).is_(True),
            )
            .exists()
        )
        statement = (
            select(TaxonomyTerm.kind, TaxonomyTerm.name, TaxonomyTerm.label)
            .where(TaxonomyTerm.community_id == community_id, seeded)
            .order_by(col(TaxonomyTerm.kind), col(TaxonomyTerm.position), col(TaxonomyTerm.id))
        )
        async with self.db.read() as session:
            rows = (await session.exec(statement)).all()
        if rows:
            return [(kind, name, label) for kind, name, label in rows]
        # Not seeded yet (or no terms at all): the full path, which seeds the defaults.
        return [(t.kind, t.name, t.label) for t in await self.taxonomy(community_id, defaults)]

    async def taxonomy(
        self, community_id: int, defaults: list[tuple[str, str, str]]
    ) -> list[TaxonomyTerm]:
        """The community's terms; the defaults (kind, name, label) are written on first use."""
        settings = await self.settings(community_id)
        terms = (
            select(TaxonomyTerm)
            .where(TaxonomyTerm.community_id == community_id)
            .order_by(col(TaxonomyTerm.kind), col(TaxonomyTerm.position), col(TaxonomyTerm.id))
        )
        if settings.taxonomy_seeded:
            async with self.db.read() as session:
                return list((await session.exec(terms)).all())
        async with self.db.session() as session:
            if not settings.taxonomy_seeded:
                for position, (kind, name, label) in enumerate(defaults):
                    await insert_ignoring_duplicates(
                        session,
                        TaxonomyTerm,
                        {
                            "community_id": community_id,
                            "kind": kind,
                            "name": name,
                            "label": label,
                            "position": position,
                        },
                    )
                await session.exec(
                    update(ExchangeSettings)
                    .where(col(ExchangeSettings.community_id) == community_id)
                    .values(taxonomy_seeded=True)
                )
            statement = (
                select(TaxonomyTerm)
                .where(TaxonomyTerm.community_id == community_id)
                .order_by(col(TaxonomyTerm.kind), col(TaxonomyTerm.position), col(TaxonomyTerm.id))
            )
            return list((await session.exec(statement)).all())

    async def add_term(self, community_id: int, kind: str, name: str, label: str) -> bool:
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(
                session,
                TaxonomyTerm,
                {
                    "community_id": community_id,
                    "kind": kind,
                    "name": name,
                    "label": label,
                    "position": 1000,
                },
            )

    async def remove_term(self, community_id: int, kind: str, name: str) -> bool:
        async with self.db.session() as session:
            result = await session.exec(
                delete(TaxonomyTerm).where(
                    col(TaxonomyTerm.community_id) == community_id,
                    col(TaxonomyTerm.kind) == kind,
                    col(TaxonomyTerm.name) == name,
                )
            )
            return bool(result.rowcount)

    async def relabel_term(self, community_id: int, kind: str, name: str, label: str) -> bool:
        async with self.db.session() as session:
            result = await session.exec(
                update(TaxonomyTerm)
                .where(
                    col(TaxonomyTerm.community_id) == community_id,
                    col(TaxonomyTerm.kind) == kind,
                    col(TaxonomyTerm.name) == name,
                )
                .values(label=label)
            )
            return bool(result.rowcount)

    # -- learnings ----------------------------------------------------------------------

    async def channel_container(self, community_id: int, channel_id: str) -> AnyRow | None:
        """(id, name) of the channel's open container, or None."""
        async with self.db.read() as session:
            connection = await session.connection()
            params = {"community": community_id, "channel": channel_id}
            return (await connection.execute(CHANNEL_CONTAINER, params)).first()

    async def add_learning(self, learning: Learning) -> Learning:
        """Stored with one INSERT (no ORM flush); the object gets its id."""
        values = {name: getattr(learning, name) for name in LEARNING_COLUMNS}
        async with self.db.session() as session:
            connection = await session.connection()
            learning.id = (await connection.execute(LEARNING_INSERT, values)).scalar_one()
            return learning

    async def propose_learning(self, values: dict[str, Any]) -> Learning | None:
        """A learning proposed from a reaction; None when that message was proposed before."""
        async with self.db.session() as session:
            if not await insert_ignoring_duplicates(session, Learning, values):
                return None
            statement = select(Learning).where(
                Learning.community_id == values["community_id"],
                Learning.source_ref == values["source_ref"],
            )
            return (await session.exec(statement)).one()

    async def learning(self, learning_id: int) -> Learning | None:
        async with self.db.read() as session:
            return await session.get(Learning, learning_id)

    async def decide(self, learning_id: int, consent: str, now: datetime) -> Learning | None:
        """Record the author's choice once; a declined learning's text is erased there and then."""
        async with self.db.session() as session:
            values: dict[str, Any] = {"consent": consent, "decided_at": now}
            if consent == "declined":
                values["text"] = ""
            result = await session.exec(
                update(Learning)
                .where(col(Learning.id) == learning_id, col(Learning.consent) == "pending")
                .values(**values)
            )
            if not result.rowcount:
                return None
            return await session.get(Learning, learning_id)

    async def quotable_learnings(
        self, community_id: int, container_id: int | None, start: datetime, end: datetime
    ) -> list[tuple[Learning, str]]:
        """Learnings whose author agreed to be quoted, with the author's name, oldest first."""
        async with self.db.session() as session:
            statement = (
                select(Learning, Member.display_name)
                .join(Member, col(Member.id) == col(Learning.member_id))
                .where(
                    Learning.community_id == community_id,
                    col(Learning.consent).in_(QUOTABLE),
                    col(Learning.created_at) > start,
                    col(Learning.created_at) <= end,
                )
                .order_by(col(Learning.created_at), col(Learning.id))
            )
            if container_id is not None:
                statement = statement.where(Learning.container_id == container_id)
            return [(row, name) for row, name in (await session.exec(statement)).all()]

    # -- offers, needs, introductions ---------------------------------------------------

    async def add_listing(self, listing: ExchangeListing) -> ExchangeListing:
        """Stored with one INSERT (no ORM flush); the object gets its id."""
        values = {name: getattr(listing, name) for name in LISTING_COLUMNS}
        async with self.db.session() as session:
            connection = await session.connection()
            listing.id = (await connection.execute(LISTING_INSERT, values)).scalar_one()
            return listing

    async def open_listings(self, community_id: int, kind: str, other_than: int) -> list[AnyRow]:
        """Open listings, oldest first: id, container_id, member_id, text, keywords and the
        author's platform_user_id, display_name and topics (plain rows, no model objects)."""
        async with self.db.read() as session:
            connection = await session.connection()
            params = {"community": community_id, "kind": kind, "other_than": other_than}
            return list((await connection.execute(OPEN_LISTINGS, params)).all())

    async def propose_introductions(
        self, community_id: int, pairs: list[tuple[int, int]], now: datetime
    ) -> dict[tuple[int, int], int]:
        """Introductions for (offer id, need id) pairs, in one statement; the new ones' ids
        by pair (a pair proposed before is left out)."""
        if not pairs:
            return {}
        rows = [
            {
                "community_id": community_id,
                "offer_id": offer_id,
                "need_id": need_id,
                "offer_answer": "pending",
                "need_answer": "pending",
                "created_at": now,
                "introduced_at": None,
            }
            for offer_id, need_id in pairs
        ]
        async with self.db.session() as session:
            connection = await session.connection()
            statement = INTRODUCTION_INSERT[
                "postgresql" if self.db.dialect == "postgresql" else "sqlite"
            ]
            result = await connection.execute(statement, rows)
            return {(offer_id, need_id): id_ for id_, offer_id, need_id in result.all()}

    async def introduction(self, introduction_id: int) -> AnyRow | None:
        """An introduction in one read: id, introduced_at, offer_member_id, offer_text,
        need_member_id, need_text, offerer_name, offerer_user_id, needer_name, needer_user_id."""
        async with self.db.read() as session:
            connection = await session.connection()
            result = await connection.execute(INTRODUCTION_VIEW, {"id": introduction_id})
            return result.first()

    async def answer_introduction(
        self, introduction_id: int, side: str, answer: str, now: datetime
    ) -> AnyRow | None:
        """Record one side's answer; sets introduced_at when both said yes (once). Returns
        (id, introduced_at) as stored, or None when there is no such introduction."""
        async with self.db.session() as session:
            connection = await session.connection()
            params = {"b_id": introduction_id, "b_answer": answer, "b_now": now}
            return (await connection.execute(INTRODUCTION_ANSWER[side], params)).first()

    async def introductions(
        self, community_id: int, container_id: int | None, start: datetime, end: datetime
    ) -> list[Introduction]:
        """Matches proposed in the window (either side posted in the container, if given)."""
        async with self.db.session() as session:
            statement = select(Introduction).where(
                Introduction.community_id == community_id,
                col(Introduction.created_at) > start,
                col(Introduction.created_at) <= end,
            )
            rows = list((await session.exec(statement)).all())
            if container_id is None:
                return rows
            listings = select(ExchangeListing.id).where(
                ExchangeListing.container_id == container_id
            )
            ids = set((await session.exec(listings)).all())
            return [r for r in rows if r.offer_id in ids or r.need_id in ids]

    # -- activity -----------------------------------------------------------------------

    async def record_activity(self, activity: Activity) -> None:
        await self.record_message(**{name: getattr(activity, name) for name in ACTIVITY_COLUMNS})

    async def record_message(
        self,
        *,
        community_id: int,
        container_id: int | None,
        member_id: int,
        other_member_id: int | None,
        thread_id: str | None,
        at: datetime,
    ) -> None:
        """One message counted (never its text). Messages are many: a plain row, no model
        object; inside a group commit it is stored with the group's others in one statement
        at commit (`thread_participants` flushes them before reading)."""
        row = {
            "community_id": community_id,
            "container_id": container_id,
            "member_id": member_id,
            "other_member_id": other_member_id,
            "thread_id": thread_id,
            "at": at,
        }
        await self.db.insert_ignoring_duplicates(ACTIVITY, [row])

    async def matched_need_ids(self, community_id: int) -> set[int]:
        """Needs that were ever matched to an offer."""
        async with self.db.read() as session:
            statement = select(Introduction.need_id).where(
                Introduction.community_id == community_id
            )
            return set((await session.exec(statement)).all())
