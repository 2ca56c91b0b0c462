"""Queries of the learning exchange: settings, taxonomy, learnings, offers, needs and
introductions, and the activity counts recorded from messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models import Member
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


ACTIVITY = Activity.__table__  # type: ignore[attr-defined]
ACTIVITY_COLUMNS = tuple(c.name for c in ACTIVITY.columns if c.name != "id")


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

    async def add_learning(self, learning: Learning) -> Learning:
        async with self.db.session() as session:
            session.add(learning)
            await session.flush()
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
        async with self.db.session() as session:
            session.add(listing)
            await session.flush()
            return listing

    async def open_listings(
        self, community_id: int, kind: str, other_than: int
    ) -> list[tuple[ExchangeListing, Member]]:
        async with self.db.session() as session:
            statement = (
                select(ExchangeListing, Member)
                .join(Member, col(Member.id) == col(ExchangeListing.member_id))
                .where(
                    ExchangeListing.community_id == community_id,
                    ExchangeListing.kind == kind,
                    ExchangeListing.member_id != other_than,
                    col(ExchangeListing.closed_at).is_(None),
                )
                .order_by(col(ExchangeListing.created_at))
            )
            return [(listing, member) for listing, member in (await session.exec(statement)).all()]

    async def propose_introduction(
        self, community_id: int, offer_id: int, need_id: int, now: datetime
    ) -> Introduction | None:
        async with self.db.session() as session:
            inserted = await insert_ignoring_duplicates(
                session,
                Introduction,
                {
                    "community_id": community_id,
                    "offer_id": offer_id,
                    "need_id": need_id,
                    "offer_answer": "pending",
                    "need_answer": "pending",
                    "created_at": now,
                },
            )
            if not inserted:
                return None
            statement = select(Introduction).where(
                Introduction.offer_id == offer_id, Introduction.need_id == need_id
            )
            return (await session.exec(statement)).one()

    async def introduction(
        self, introduction_id: int
    ) -> tuple[Introduction, ExchangeListing, ExchangeListing] | None:
        async with self.db.session() as session:
            intro = await session.get(Introduction, introduction_id)
            if intro is None:
                return None
            offer = await session.get(ExchangeListing, intro.offer_id)
            need = await session.get(ExchangeListing, intro.need_id)
            assert offer is not None and need is not None
            return intro, offer, need

    async def answer_introduction(
        self, introduction_id: int, side: str, answer: str, now: datetime
    ) -> Introduction | None:
        """Record one side's answer; sets introduced_at when both said yes (once)."""
        column = "offer_answer" if side == "offer" else "need_answer"
        async with self.db.session() as session:
            intro = await session.get(Introduction, introduction_id)
            if intro is None:
                return None
            setattr(intro, column, answer)
            if (
                intro.offer_answer == "yes"
                and intro.need_answer == "yes"
                and intro.introduced_at is None
            ):
                intro.introduced_at = now
            session.add(intro)
            return intro

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

    async def member(self, member_id: int) -> Member | None:
        async with self.db.read() as session:
            return await session.get(Member, member_id)

    async def matched_need_ids(self, community_id: int) -> set[int]:
        """Needs that were ever matched to an offer."""
        async with self.db.read() as session:
            statement = select(Introduction.need_id).where(
                Introduction.community_id == community_id
            )
            return set((await session.exec(statement)).all())
