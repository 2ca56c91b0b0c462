"""The digest sections this room owns: what happened, what we now have, what people tried,
across boundaries, coming up. Counts only; member text appears only as consented learnings."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.community.exchange_digest import (
    ACROSS_BOUNDARIES,
    COMING_UP,
    WHAT_HAPPENED,
    WHAT_PEOPLE_TRIED,
    WHAT_WE_HAVE,
    DigestScope,
    Period,
    Section,
)
from bot.community.exchange_reflections import ReflectionLearnings
from bot.community.exchange_taxonomy import FIELD_NAMES, TaxonomyService
from bot.core.messages import Context, Text
from bot.storage.exchange_digest_repository import DigestRepository
from bot.storage.exchange_repository import ExchangeRepository
from bot.storage.models.exchange import Learning

DIGEST_JOB = "exchange_digest"
PRACTITIONER = "practitioner"
# What other rooms' scheduled runs are called in "Coming up"; rooms add their own kinds.
# Only what members would recognise is announced; internal care (hygiene checks,
# reminders to facilitators) is left out.
COMING_UP_LABELS: dict[str, str] = {
    "subgroup_round": "Next subgroup round",
    "checkin.open": "Next check-in",
    "pulse.open": "Trust pulse",
    "prompt.post": "Dialogue prompt",
    "motivation.restate": "Time to restate why we are here",
    "container.close": "The container closes",
}


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def quoted(learning: Learning, author: str) -> str:
    who = author if learning.consent == "named" else "a member"
    text = " ".join(learning.text.split())
    return f"“{text}” — {who}"


class WhatHappened:
    """Messages, active people, threads, new connections, and highlights quoted with consent."""

    def __init__(self, digests: DigestRepository, exchange: ExchangeRepository) -> None:
        self.digests = digests
        self.exchange = exchange

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        cid = scope.community.id
        counts = await self.digests.activity(cid, scope.container_id, period.start, period.end)
        learnings = await self.exchange.quotable_learnings(
            cid, scope.container_id, period.start, period.end
        )
        highlights = [quoted(row, name) for row, name in learnings if row.source == "reaction"]
        if not counts.messages and not highlights:
            return None
        pairs = {frozenset(p) for p in counts.pairs if p[0] != p[1]}
        before = await self.digests.pairs_before(cid, scope.container_id, period.start)
        new = len(pairs - before)
        figures = [
            plural(counts.messages, "message"),
            f"{plural(len(counts.active), 'person', 'people')} taking part",
        ]
        if new:
            figures.append(plural(new, "new connection"))
        if counts.threads:
            figures.append(plural(counts.threads, "active thread"))
        blocks: list[Text | Context] = [Text(", ".join(figures) + ".")]
        if highlights:
            blocks.append(Text("Highlights:\n" + "\n".join(f"• {h}" for h in highlights)))
        return Section(WHAT_HAPPENED, "What happened", tuple(blocks))


class WhatWeHave:
    """Learnings written up this week, grouped by field of knowledge, with the balance.
    Reflections shared with the whole container count as practitioner knowledge."""

    def __init__(
        self,
        exchange: ExchangeRepository,
        taxonomy: TaxonomyService,
        reflections: ReflectionLearnings | None = None,
    ) -> None:
        self.exchange = exchange
        self.taxonomy = taxonomy
        self.reflections = reflections

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        cid = scope.community.id
        rows = await self.exchange.quotable_learnings(
            cid, scope.container_id, period.start, period.end
        )
        shared = await self.reflections.collect(scope, period) if self.reflections else []
        if not rows and not shared:
            return None
        terms = await self.taxonomy.get(cid)
        balance = Counter(row.field for row, _ in rows)
        balance[PRACTITIONER] += len(shared)
        blocks: list[Text | Context] = []
        for field in FIELD_NAMES:
            written = [(r, n) for r, n in rows if r.field == field and r.source == "command"]
            lines = []
            for row, name in written:
                strand = f" ({terms.strand_label(row.strand)})" if row.strand else ""
                lines.append(f"• {quoted(row, name)}{strand}")
            if field == PRACTITIONER:
                lines += [f"• {r.line()}" for r in shared]
            if lines:
                blocks.append(Text(f"{terms.field_label(field)}:\n" + "\n".join(lines)))
        total = len(rows) + len(shared)
        shares = " · ".join(f"{terms.field_label(f)} {balance.get(f, 0)}" for f in FIELD_NAMES)
        blocks.append(Context(f"Balance of {plural(total, 'learning')}: {shares}"))
        if total >= 3 and not balance.get("public"):
            blocks.append(
                Context(
                    "Nothing from publicly available knowledge this week: "
                    "what does research or the wider field say?"
                )
            )
        return Section(WHAT_WE_HAVE, "What we now have", tuple(blocks))


class WhatPeopleTried:
    """How the things people tried went, counted by outcome (shares stay in their container)."""

    def __init__(self, digests: DigestRepository) -> None:
        self.digests = digests

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        outcomes = await self.digests.share_outcomes(
            scope.community.id, scope.container_id, period.start, period.end
        )
        shared = sum(outcomes.values())
        if not shared:
            return None
        line = (
            f"{plural(shared, 'attempt')} shared: {outcomes.get('worked', 0)} worked, "
            f"{outcomes.get('partly', 0)} partly worked, {outcomes.get('didnt', 0)} did not."
        )
        blocks: list[Text | Context] = [Text(line)]
        if outcomes.get("didnt", 0) + outcomes.get("partly", 0):
            blocks.append(
                Context("Thank you for sharing what did not go to plan: it teaches the most.")
            )
        elif shared >= 3:
            blocks.append(
                Context(
                    "Everything shared this week worked. What was harder? Partial and failed "
                    "attempts teach the most."
                )
            )
        return Section(WHAT_PEOPLE_TRIED, "What people tried", tuple(blocks))


class AcrossBoundaries:
    """Exchanges between different organisation types, and offers matched to needs."""

    def __init__(self, digests: DigestRepository, exchange: ExchangeRepository) -> None:
        self.digests = digests
        self.exchange = exchange

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        cid = scope.community.id
        counts = await self.digests.activity(cid, scope.container_id, period.start, period.end)
        members = await self.digests.members(cid) if counts.pairs else {}
        crossing: Counter[tuple[str, str]] = Counter()
        known = 0
        for (a, b), n in counts.pairs.items():
            type_a = members[a].organisation_type if a in members else None
            type_b = members[b].organisation_type if b in members else None
            if not type_a or not type_b:
                continue
            known += n
            if type_a != type_b:
                crossing[(min(type_a, type_b), max(type_a, type_b))] += n
        intros = await self.exchange.introductions(
            cid, scope.container_id, period.start, period.end
        )
        blocks: list[Text | Context] = []
        if crossing:
            top = ", ".join(f"{a} ↔ {b} {n}" for (a, b), n in crossing.most_common(3))
            blocks.append(
                Text(
                    f"{sum(crossing.values())} of {plural(known, 'exchange')} crossed "
                    f"organisation types ({top})."
                )
            )
        if intros:
            made = sum(1 for i in intros if i.introduced_at is not None)
            blocks.append(
                Text(
                    f"{plural(len(intros), 'offer')} matched to needs; "
                    f"{plural(made, 'introduction')} made."
                )
            )
        if not blocks:
            return None
        return Section(ACROSS_BOUNDARIES, "Across boundaries", tuple(blocks))


class ComingUp:
    """What is scheduled for the coming week in this container (or the network)."""

    def __init__(self, digests: DigestRepository) -> None:
        self.digests = digests

    async def section(self, scope: DigestScope, period: Period) -> Section | None:
        runs = await self.digests.runs_due_between(period.end, period.end + timedelta(days=7))
        zone = ZoneInfo(scope.community.timezone)
        lines: list[str] = []
        for run in runs:
            if run.kind == DIGEST_JOB:
                continue
            try:
                payload = json.loads(run.payload)
            except ValueError:
                continue
            if not isinstance(payload, dict):
                continue
            if scope.container is not None:
                if payload.get("container_id") != scope.container_id:
                    continue
            elif payload.get("community_id") != scope.community.id:
                continue
            label = COMING_UP_LABELS.get(run.kind)
            if label is None:
                continue
            lines.append(f"• {label}: {run.due_at.astimezone(zone):%a %d %b, %H:%M}")
        if not lines:
            return None
        return Section(COMING_UP, "Coming up", (Text("\n".join(lines)),))
