"""Messages to and from JSON, so the outbox can keep them across restarts."""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
from typing import Any

from bot.core import messages as m
from bot.core.refs import ChannelRef, MemberRef

TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        m.Text,
        m.Fields,
        m.Button,
        m.Buttons,
        m.Option,
        m.Choice,
        m.Image,
        m.File,
        m.Context,
        m.TextInput,
        m.ChoiceInput,
        m.Form,
        m.Message,
        m.Reply,
        m.ToChannel,
        m.ToMember,
        m.ToGroup,
        ChannelRef,
        MemberRef,
    )
}


# Field names per message class, looked up once: a fan-out encodes thousands of messages.
_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _encode(value: Any) -> Any:
    cls = type(value)
    names = _FIELDS.get(cls)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        encoded: dict[str, Any] = {"@": cls.__name__}
        for name in names:
            encoded[name] = _encode(getattr(value, name))
        return encoded
    if isinstance(value, bytes):
        return {"@bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "@bytes" in value:
            return base64.b64decode(value["@bytes"])
        cls = TYPES[value["@"]]
        return cls(**{k: _decode(v) for k, v in value.items() if k != "@"})
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


def dumps(value: m.Message | m.Target) -> str:
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"))


@functools.lru_cache(maxsize=64)
def loads_message(text: str) -> m.Message:
    """Messages are frozen, so one decoded copy serves every row of a fan-out."""
    message = _decode(json.loads(text))
    assert isinstance(message, m.Message)
    return message


def loads_target(text: str) -> m.Target:
    target = _decode(json.loads(text))
    assert isinstance(target, m.Reply | m.ToChannel | m.ToMember | m.ToGroup)
    return target
