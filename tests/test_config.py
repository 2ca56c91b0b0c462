from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_defaults_are_the_embedded_community() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite+aiosqlite:///./trellis.db"
    assert (settings.trellis_timezone, settings.trellis_locale) == ("UTC", "en")
    assert settings.platforms() == ["console"]


def test_tokens_choose_the_platforms() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "DISCORD_TOKEN": "d"})
    assert settings.platforms() == ["slack", "discord"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: expected sqlite+aiosqlite"),
        ("TRELLIS_TIMEZONE", "Nowhere/Town", "TRELLIS_TIMEZONE: expected an IANA time zone"),
        ("SLACK_HTTP_PORT", "eighty", "SLACK_HTTP_PORT: "),
        ("TRELLIS_MIN_AGGREGATE", "2", "TRELLIS_MIN_AGGREGATE: "),
    ],
)
def test_an_invalid_value_is_one_line_naming_the_variable(
    name: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value})
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)
