"""Forms longer than a Discord modal allows, shown as several modals in a row.

A Discord modal holds at most 5 top-level components (each field is one, so is a text
shown above them). A longer form — the motivation form has 11 fields — is cut into pages:
each page's answers are kept in memory under the shelved form's key, the member presses
"Continue" for the next page (a modal cannot answer a modal), and the last page submits
every answer at once, so the core sees one ordinary form submission. Restarting loses
unfinished pages; the Continue button then says so.
"""

from __future__ import annotations

from dataclasses import replace

from bot.adapters.discord import ids
from bot.adapters.discord.components import MODAL_FIELDS, FormModal, build_modal
from bot.core.messages import Form, FormField

PAGE_PREFIX = "t:p:"
PAGE_KEY = "."


def fits(form: Form, intro: str) -> bool:
    return len(form.fields) + (1 if intro else 0) <= MODAL_FIELDS


def pages(form: Form, intro: str) -> list[tuple[FormField, ...]]:
    """The form's fields in modal-sized pages; the first leaves room for the intro."""
    first = MODAL_FIELDS - (1 if intro else 0)
    fields = form.fields
    cut = [fields[:first]]
    cut += [fields[i : i + MODAL_FIELDS] for i in range(first, len(fields), MODAL_FIELDS)]
    return [page for page in cut if page] or [()]


def page_modal(form: Form, intro: str, key: str, page: int) -> FormModal:
    """Page `page` of a shelved form as a modal whose custom id names the shelf key."""
    cut = pages(form, intro)
    title = f"{form.title} ({page + 1}/{len(cut)})"
    part = replace(form, title=title, fields=cut[page])
    return build_modal(
        part, intro if page == 0 else "", custom_id=ids.checked(f"{PAGE_PREFIX}{key}:{page}")
    )


def parse_page_id(custom_id: str) -> tuple[str, int] | None:
    """(shelf key, page) of a paged modal's custom id, or None when it is not one."""
    if not custom_id.startswith(PAGE_PREFIX):
        return None
    key, _, page = custom_id[len(PAGE_PREFIX) :].rpartition(":")
    return (key, int(page)) if key and page.isdigit() else None


def continue_key(key: str, page: int) -> str:
    """The Open-form button key that opens page `page` of shelved form `key`."""
    return f"{key}{PAGE_KEY}{page}"


def split_key(raw: str) -> tuple[str, int]:
    key, sep, page = raw.rpartition(PAGE_KEY)
    return (key, int(page)) if sep and page.isdigit() else (raw, 0)
