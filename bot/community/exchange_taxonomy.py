"""The taxonomy of learnings: fields of knowledge and strands of learning.

The three fields (practitioner, publicly available, created together) are the point of the
balance the digest shows, so their keys are fixed and only their wording is editable; the
strands default to the six of school networks and are freely editable, since not every
network is made of schools.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.parsing import CommandError
from bot.storage.exchange_repository import ExchangeRepository

FIELDS: tuple[tuple[str, str], ...] = (
    ("practitioner", "Practitioner knowledge"),
    ("public", "Publicly available knowledge"),
    ("co-created", "Knowledge created together"),
)
FIELD_NAMES = tuple(name for name, _ in FIELDS)
STRANDS: tuple[tuple[str, str], ...] = (
    ("pupil", "Pupil learning"),
    ("adult", "Adult learning"),
    ("leadership", "Leadership learning"),
    ("organisational", "Organisational learning"),
    ("school-to-school", "School-to-school learning"),
    ("network-to-network", "Network-to-network learning"),
)
TERM_NAME = re.compile(r"^[a-z0-9][a-z0-9\-]{0,39}$")
MAX_LABEL = 200


@dataclass(frozen=True, slots=True)
class Taxonomy:
    fields: dict[str, str]
    strands: dict[str, str]

    def field_label(self, name: str) -> str:
        return self.fields.get(name, name)

    def strand_label(self, name: str) -> str:
        return self.strands.get(name, name)


def defaults() -> list[tuple[str, str, str]]:
    return [("field", n, label) for n, label in FIELDS] + [
        ("strand", n, label) for n, label in STRANDS
    ]


def term_name(raw: str) -> str:
    name = raw.strip().lower()
    if not TERM_NAME.match(name):
        raise CommandError(
            f"`{raw[:40]}` cannot be a strand name: use up to 40 lowercase letters, digits "
            "and dashes, e.g. `peer-coaching`."
        )
    return name


class TaxonomyService:
    def __init__(self, repository: ExchangeRepository) -> None:
        self.repository = repository

    async def get(self, community_id: int) -> Taxonomy:
        terms = await self.repository.term_labels(community_id, defaults())
        return Taxonomy(
            fields={name: label for kind, name, label in terms if kind == "field"},
            strands={name: label for kind, name, label in terms if kind == "strand"},
        )

    async def add_strand(self, community_id: int, raw: str, label: str) -> str:
        await self.get(community_id)  # the defaults first, so adding never hides them
        name = term_name(raw)
        label = (label.strip() or name)[:MAX_LABEL]
        if not await self.repository.add_term(community_id, "strand", name, label):
            raise CommandError(f"The strand `{name}` exists already; see `/trellis taxonomy show`.")
        return name

    async def remove_strand(self, community_id: int, raw: str) -> None:
        await self.get(community_id)
        name = raw.strip().lower()
        if not await self.repository.remove_term(community_id, "strand", name):
            raise CommandError(f"No strand `{name[:40]}`; see `/trellis taxonomy show`.")

    async def relabel_field(self, community_id: int, name: str, label: str) -> None:
        await self.get(community_id)
        label = label.strip()
        if not label or len(label) > MAX_LABEL:
            raise CommandError(f"Give the field a wording of 1 to {MAX_LABEL} characters.")
        await self.repository.relabel_term(community_id, "field", name, label)

    async def check_strand(self, community_id: int, raw: str) -> str | None:
        """The strand name as stored, or a CommandError listing the strands there are."""
        if not raw.strip():
            return None
        taxonomy = await self.get(community_id)
        name = raw.strip().lower()
        if name not in taxonomy.strands:
            known = ", ".join(taxonomy.strands) or "none yet"
            raise CommandError(
                f"No strand `{raw[:40]}` in this community. Strands: {known}. "
                "A facilitator can add one with `/trellis taxonomy strand add NAME`."
            )
        return name
