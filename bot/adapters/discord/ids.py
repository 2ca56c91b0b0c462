"""Custom ids that carry what the core needs, so buttons keep working after a restart.

Discord hands a component's custom id back on every click; encoding the action id and
value in it means no state has to survive in memory. Custom ids hold at most 100 chars.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

MAX_CUSTOM_ID = 100
BUTTON = "t:b:"
SELECT = "t:s:"
FORM_BUTTON = "t:f:"
MODAL = "t:m:"

BUTTON_TEMPLATE = r"t:b:(?P<action>[^:]*):(?P<value>.*)"
SELECT_TEMPLATE = r"t:s:(?P<action>.*)"
FORM_BUTTON_TEMPLATE = r"t:f:(?P<key>.*)"


class TooLong(ValueError):
    """The data does not fit in a custom id; the component cannot be rendered as is."""


def checked(custom_id: str) -> str:
    """The custom id, or TooLong when Discord would refuse it."""
    if len(custom_id) > MAX_CUSTOM_ID:
        raise TooLong(f"custom id of {len(custom_id)} characters (at most {MAX_CUSTOM_ID})")
    return custom_id


def _part(text: str) -> str:
    """Escape `:` and `%` so a field can be found again between separators."""
    return quote(text, safe="")


def button_id(action_id: str, value: str) -> str:
    return checked(f"{BUTTON}{_part(action_id)}:{_part(value)}")


def select_id(action_id: str) -> str:
    return checked(f"{SELECT}{_part(action_id)}")


def form_button_id(key: str) -> str:
    return checked(f"{FORM_BUTTON}{key}")


def modal_id(form_id: str, context: str) -> str:
    return checked(f"{MODAL}{_part(form_id)}:{_part(context)}")


def parse_modal_id(custom_id: str) -> tuple[str, str] | None:
    if not custom_id.startswith(MODAL):
        return None
    form_id, _, context = custom_id[len(MODAL) :].partition(":")
    return unquote(form_id), unquote(context)


def decode(part: str) -> str:
    return unquote(part)
