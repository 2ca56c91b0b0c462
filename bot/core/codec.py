"""Messages to and from JSON, so the outbox can keep them across restarts."""

from __future__ import annotations

import base64
import dataclasses
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


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"@": type(value).__name__, **fields}
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


def loads_message(text: str) -> m.Message:
    message = _decode(json.loads(text))
    assert isinstance(message, m.Message)
    return message


def loads_target(text: str) -> m.Target:
    target = _decode(json.loads(text))
    assert isinstance(target, m.Reply | m.ToChannel | m.ToMember | m.ToGroup)
    return target
