"""Secrets never reach a log: every record is redacted as it is created.

Libraries (slack_sdk, aiohttp, discord clients) log request headers and URLs at DEBUG; a
record factory sees every record from every logger, before any handler formats it.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from bot.config import Settings

MASK = "[redacted]"
_secrets: set[str] = set()
_installed = False


def secrets_of(settings: Settings) -> list[str]:
    """The credentials in these settings worth hiding (very short values would mask noise)."""
    values = [
        settings.slack_bot_token,
        settings.slack_app_token,
        settings.slack_signing_secret,
        settings.discord_token,
    ]
    return [v.strip() for v in values if v and len(v.strip()) >= 6]


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def install(settings: Settings) -> None:
    """Hide these settings' secrets in every log record from now on (idempotent)."""
    global _installed
    _secrets.update(secrets_of(settings))
    if _installed:
        return
    _installed = True
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        if not _secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it for logging to report
            return record
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_text = record.exc_text.rstrip("\n")
        return record

    logging.setLogRecordFactory(factory)
