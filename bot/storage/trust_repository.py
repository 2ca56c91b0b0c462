"""Queries for purposes, working agreements, trust pulses, shares and closing reflections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, literal, union_all, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.storage.db import Database
from bot.storage.models import (
    Agreement,
    AgreementVote,
    ClosingReflection,
    Container,
    Member,
    PurposeAgreement,
    PurposeVersion,
    Share,
    TrustAnswer,
    TrustPulse,
)
from bot.storage.repositories import insert_ignoring_duplicates

PURPOSES = PurposeVersion.__table__  # type: ignore[attr-defined]
AGREEMENTS = PurposeAgreement.__table__  # type: ignore[attr-defined]
MEMBERS = Member.__table__  # type: ignore[attr-defined]
SHARES = Share.__table__  # type: ignore[attr-defined]
PULSES = TrustPulse.__table__  # type: ignore[attr-defined]
TRUST_ANSWERS = TrustAnswer.__table__  # type: ignore[attr-defined]
CONTAINERS = Container.__table__  # type: ignore[attr-defined]
# Built once: `container show` runs these on every call (no statement to build or key).
LATEST_PURPOSE = (
    select(
        PURPOSES.c.text,
        select(func.count())
        .select_from(AGREEMENTS.join(MEMBERS, AGREEMENTS.c.member_id == MEMBERS.c.id))
        .where(AGREEMENTS.c.purpose_id == PURPOSES.c.id, AGREEMENTS.c.comment == "")
        .scalar_subquery(),
    )
    .where(PURPOSES.c.container_id == bindparam("container"))
    .order_by(PURPOSES.c.proposed_at.desc(), PURPOSES.c.id.desc())
    .limit(1)
)
OUTCOMES_SINCE = (
    select(SHARES.c.outcome, func.count())
    .where(SHARES.c.container_id == bindparam("container"), SHARES.c.at >= bindparam("since"))
    .group_by(SHARES.c.outcome)
)

AGREEMENT_TEXTS = Agreement.__table__  # type: ignore[attr-defined]
# Built once: every join greets the newcomer with these, in one read. Each row is (0, a
# purpose version's text, whether it was agreed) oldest first, then (1, the text of an
# agreement in force, true) in the order they were proposed.
PURPOSE_AND_AGREEMENTS = union_all(
    core_select(
        literal(0).label("part"),
        PURPOSES.c.text.label("text"),
        PURPOSES.c.agreed_at.is_not(None).label("agreed"),
        PURPOSES.c.proposed_at.label("proposed"),
        PURPOSES.c.id.label("number"),
    ).where(PURPOSES.c.container_id == bindparam("container")),
    core_select(
        literal(1),
        AGREEMENT_TEXTS.c.text,
        AGREEMENT_TEXTS.c.in_force_at.is_not(None),
        AGREEMENT_TEXTS.c.proposed_at,
        AGREEMENT_TEXTS.c.id,
    ).where(
        AGREEMENT_TEXTS.c.container_id == bindparam("container"),
        AGREEMENT_TEXTS.c.in_force_at.is_not(None),
    ),
).order_by("part", "proposed", "number")

# Built once: every pulse button click reads its pulse with its container's community.
PULSE_WITH_COMMUNITY = core_select(
    PULSES.c.id,
    PULSES.c["items"],
    PULSES.c.closes_at,
    PULSES.c.closed,
    CONTAINERS.c.community_id,
).where(PULSES.c.id == bindparam("pulse"), CONTAINERS.c.id == PULSES.c.container_id)


def _answer_upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT (pulse, member, item) DO UPDATE: a second rating of an item
    replaces the first in one statement (uq_trust_answer)."""
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = builder(TRUST_ANSWERS)
    return statement.on_conflict_do_update(
        index_elements=[
            TRUST_ANSWERS.c.pulse_id,
            TRUST_ANSWERS.c.member_id,
            TRUST_ANSWERS.c.item,
        ],
        set_={
            "score": statement.excluded.score,
            "note": statement.excluded.note,
            "at": statement.excluded.at,
        },
    )


ANSWER_UPSERT = {dialect: _answer_upsert(dialect) for dialect in ("sqlite", "postgresql")}


@dataclass(frozen=True, slots=True)
class PulseState:
    """What answering a pulse needs of it, and the community of its container."""

    id: int
    items: str
    closes_at: datetime
    closed: bool
    community_id: int


class PurposeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def propose(self, container_id: int, text: str, by: int, now: datetime) -> PurposeVersion:
        async with self.db.session() as session:
            version = PurposeVersion(
                container_id=container_id, text=text, proposed_by=by, proposed_at=now
            )
            session.add(version)
            await session.flush()
            assert version.id is not None
            session.add(PurposeAgreement(purpose_id=version.id, member_id=by, at=now))
            return version

    async def get(self, purpose_id: int) -> PurposeVersion | None:
        async with self.db.read() as session:
            return await session.get(PurposeVersion, purpose_id)

    async def respond(
        self, purpose_id: int, member_id: int, now: datetime, comment: str = ""
    ) -> None:
        """Record an agreement (no comment) or a comment; a second response replaces the first."""
        async with self.db.session() as session:
            await session.exec(
                delete(PurposeAgreement).where(
                    col(PurposeAgreement.purpose_id) == purpose_id,
                    col(PurposeAgreement.member_id) == member_id,
                )
            )
            session.add(
                PurposeAgreement(
                    purpose_id=purpose_id, member_id=member_id, at=now, comment=comment
                )
            )

    async def agreed_by(self, purpose_id: int) -> list[str]:
        async with self.db.read() as session:
            statement = (
                select(Member.display_name)
                .join(PurposeAgreement, col(PurposeAgreement.member_id) == col(Member.id))
                .where(PurposeAgreement.purpose_id == purpose_id, PurposeAgreement.comment == "")
                .order_by(col(PurposeAgreement.at))
            )
            return list((await session.exec(statement)).all())

    async def latest(self, container_id: int) -> tuple[str, int] | None:
        """The newest purpose wording with how many agreed to it (as `agreed_by` counts), in
        one prebuilt query: what `container show` needs, without every older version."""
        async with self.db.read() as session:
            connection = await session.connection()
            row = (await connection.execute(LATEST_PURPOSE, {"container": container_id})).first()
            return None if row is None else (row[0], int(row[1]))

    async def comments(self, purpose_id: int) -> list[tuple[str, str]]:
        async with self.db.read() as session:
            statement = (
                select(Member.display_name, PurposeAgreement.comment)
                .join(PurposeAgreement, col(PurposeAgreement.member_id) == col(Member.id))
                .where(PurposeAgreement.purpose_id == purpose_id, PurposeAgreement.comment != "")
            )
            return [(name, text) for name, text in (await session.exec(statement)).all()]

    async def mark_agreed(self, purpose_id: int, now: datetime) -> None:
        async with self.db.session() as session:
            await session.exec(
                update(PurposeVersion)
                .where(col(PurposeVersion.id) == purpose_id)
                .values(agreed_at=now)
            )

    async def with_agreements(self, container_id: int) -> tuple[list[tuple[str, bool]], list[str]]:
        """The purpose's versions as (text, agreed) oldest first, and the texts of the
        agreements in force in the order they were proposed: what a newcomer is greeted
        with, in one prebuilt query."""
        async with self.db.read() as session:
            connection = await session.connection()
            rows = await connection.execute(PURPOSE_AND_AGREEMENTS, {"container": container_id})
            versions: list[tuple[str, bool]] = []
            agreements: list[str] = []
            for part, text, agreed, _, _ in rows:
                if part == 0:
                    versions.append((text, bool(agreed)))
                else:
                    agreements.append(text)
            return versions, agreements

    async def history(self, container_id: int) -> list[PurposeVersion]:
        async with self.db.read() as session:
            statement = (
                select(PurposeVersion)
                .where(PurposeVersion.container_id == container_id)
                .order_by(col(PurposeVersion.proposed_at), col(PurposeVersion.id))
            )
            return list((await session.exec(statement)).all())


class AgreementRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def propose(self, container_id: int, text: str, by: int, now: datetime) -> Agreement:
        async with self.db.session() as session:
            agreement = Agreement(
                container_id=container_id, text=text, proposed_by=by, proposed_at=now
            )
            session.add(agreement)
            await session.flush()
            assert agreement.id is not None
            session.add(AgreementVote(agreement_id=agreement.id, member_id=by, at=now))
            return agreement

    async def get(self, agreement_id: int) -> Agreement | None:
        async with self.db.read() as session:
            return await session.get(Agreement, agreement_id)

    async def vote(self, agreement_id: int, member_id: int, now: datetime) -> bool:
        async with self.db.session() as session:
            return await insert_ignoring_duplicates(
                session,
                AgreementVote,
                {"agreement_id": agreement_id, "member_id": member_id, "at": now},
            )

    async def votes(self, agreement_id: int) -> int:
        async with self.db.read() as session:
            statement = select(func.count()).where(AgreementVote.agreement_id == agreement_id)
            return int((await session.exec(statement)).one())

    async def put_in_force(self, agreement_id: int, now: datetime) -> None:
        async with self.db.session() as session:
            await session.exec(
                update(Agreement).where(col(Agreement.id) == agreement_id).values(in_force_at=now)
            )

    async def for_container(self, container_id: int) -> list[Agreement]:
        async with self.db.read() as session:
            statement = (
                select(Agreement)
                .where(Agreement.container_id == container_id)
                .order_by(col(Agreement.proposed_at), col(Agreement.id))
            )
            return list((await session.exec(statement)).all())


class PulseRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(
        self, container_id: int, period: int, items: list[str], now: datetime, closes: datetime
    ) -> TrustPulse | None:
        """Open period `period` of a container; None when it was already opened."""
        async with self.db.session() as session:
            inserted = await insert_ignoring_duplicates(
                session,
                TrustPulse,
                {
                    "container_id": container_id,
                    "period": period,
                    "items": ",".join(items),
                    "opened_at": now,
                    "closes_at": closes,
                    "closed": False,
                },
            )
            if not inserted:
                return None
            statement = select(TrustPulse).where(
                TrustPulse.container_id == container_id, TrustPulse.period == period
            )
            return (await session.exec(statement)).one()

    async def get(self, pulse_id: int) -> TrustPulse | None:
        async with self.db.read() as session:
            return await session.get(TrustPulse, pulse_id)

    async def state(self, pulse_id: int) -> PulseState | None:
        """The pulse with its container's community, in one prebuilt query; None when the
        pulse (or its container) is gone."""
        async with self.db.read() as session:
            connection = await session.connection()
            row = (await connection.execute(PULSE_WITH_COMMUNITY, {"pulse": pulse_id})).first()
            if row is None:
                return None
            return PulseState(row[0], row[1], row[2], bool(row[3]), row[4])

    async def latest(self, container_id: int) -> TrustPulse | None:
        async with self.db.read() as session:
            statement = (
                select(TrustPulse)
                .where(TrustPulse.container_id == container_id)
                .order_by(col(TrustPulse.period).desc())
                .limit(1)
            )
            return (await session.exec(statement)).first()

    async def all_for(self, container_id: int) -> list[TrustPulse]:
        async with self.db.read() as session:
            statement = (
                select(TrustPulse)
                .where(TrustPulse.container_id == container_id)
                .order_by(col(TrustPulse.period))
            )
            return list((await session.exec(statement)).all())

    async def close(self, pulse_id: int) -> bool:
        """Close a pulse; False when it was already closed (the close runs once)."""
        async with self.db.session() as session:
            result = await session.exec(
                update(TrustPulse)
                .where(col(TrustPulse.id) == pulse_id, col(TrustPulse.closed).is_(False))
                .values(closed=True)
            )
            return bool(result.rowcount)

    async def answer(
        self, pulse_id: int, member_id: int, item: str, score: int, now: datetime, note: str = ""
    ) -> None:
        """Store a rating; a second rating of the same item replaces the first."""
        async with self.db.session() as session:
            dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
            connection = await session.connection()
            await connection.execute(
                ANSWER_UPSERT[dialect],
                {
                    "pulse_id": pulse_id,
                    "member_id": member_id,
                    "item": item,
                    "score": score,
                    "note": note,
                    "at": now,
                },
            )

    async def answers(self, pulse_id: int) -> list[TrustAnswer]:
        async with self.db.read() as session:
            statement = select(TrustAnswer).where(TrustAnswer.pulse_id == pulse_id)
            return list((await session.exec(statement)).all())


class ShareRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, share: Share) -> None:
        async with self.db.session() as session:
            session.add(share)

    async def outcomes_since(self, container_id: int, since: datetime) -> dict[str, int]:
        async with self.db.read() as session:
            connection = await session.connection()
            params = {"container": container_id, "since": since}
            rows = await connection.execute(OUTCOMES_SINCE, params)
            return {outcome: int(n) for outcome, n in rows}


class ClosingRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, reflection: ClosingReflection) -> None:
        async with self.db.session() as session:
            await session.exec(
                delete(ClosingReflection).where(
                    col(ClosingReflection.container_id) == reflection.container_id,
                    col(ClosingReflection.member_id) == reflection.member_id,
                )
            )
            session.add(reflection)

    async def count(self, container_id: int) -> int:
        async with self.db.read() as session:
            statement = select(func.count()).where(ClosingReflection.container_id == container_id)
            return int((await session.exec(statement)).one())
