"""`trellis doctor`: check what a deployment needs, and say what to fix.

Each check is one line, `ok` or `PROBLEM` followed by what was found and what to do; the
exit status is 1 when any check found a problem, so a deploy script can stop there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp

from bot.config import ConfigError, Settings, load_settings
from bot.storage import migrate
from bot.storage.db import Database, DatabaseUnavailable

DISCORD_API = "https://discord.com/api/v10"
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok     ' if self.ok else 'PROBLEM'} {self.name}: {self.detail}"


async def run(environ: Mapping[str, str] | None = None) -> list[Check]:
    """Every check in order; later ones are skipped when what they need is broken."""
    try:
        settings = load_settings(environ) if environ is not None else load_settings()
    except ConfigError as problem:
        return [Check("configuration", False, f"{problem}; fix that variable in the environment")]
    checks = [configuration(settings)]
    checks += await database(settings)
    if settings.slack_bot_token:
        checks.append(await slack(settings))
    elif settings.slack_client_id and all(c.ok for c in checks):
        checks.append(await slack_installs(settings))
    if settings.discord_token:
        checks.append(await discord(settings))
    return checks


def configuration(settings: Settings) -> Check:
    from bot.adapters.slack.run import SlackSetupError, check_settings

    platforms = ", ".join(settings.platforms())
    if settings.slack_bot_token or settings.slack_client_id:
        try:
            mode = check_settings(settings)
        except SlackSetupError as problem:
            return Check("configuration", False, str(problem))
        platforms += f" (Slack in {mode} mode)"
    return Check(
        "configuration", True, f"platforms {platforms}; time zone {settings.trellis_timezone}"
    )


async def database(settings: Settings) -> list[Check]:
    db = Database(settings.database_url)
    try:
        try:
            await db.check()
        except DatabaseUnavailable as problem:
            return [
                Check("database", False, f"{problem}; check DATABASE_URL and that the server runs")
            ]
        found = Check("database", True, f"{db.dialect} answers")
        current, head = await migrate.current_revision(db), migrate.head_revision()
    finally:
        await db.dispose()
    if current == head:
        return [found, Check("migrations", True, f"at head ({head})")]
    fix = "run `trellis db upgrade` (trellis run also does it on start)"
    if current is not None and not migrate.known_revision(current):
        fix = "this database was migrated by a newer Trellis: run that version"
    return [found, Check("migrations", False, f"at {current or 'none'}, head is {head}; {fix}")]


async def slack(settings: Settings) -> Check:
    # The SDK stays in the adapter: this room only reports.
    from bot.adapters.slack.doctor import check_token

    ok, detail = await check_token(settings, TIMEOUT_SECONDS)
    return Check("slack", ok, detail)


async def slack_installs(settings: Settings) -> Check:
    """OAuth mode has no token of its own to test; say how many workspaces installed."""
    from bot.storage.slack_installations_repository import SlackInstallationRepository

    db = Database(settings.database_url)
    try:
        count = await SlackInstallationRepository(db).count()
    finally:
        await db.dispose()
    if count == 0:
        return Check(
            "slack", True, "OAuth on, no workspace installed yet: open /slack/install to add one"
        )
    return Check("slack", True, f"OAuth on, installed in {count} workspace(s)")


async def discord(settings: Settings) -> Check:
    base = (settings.discord_api_base or DISCORD_API).rstrip("/")
    headers = {"Authorization": f"Bot {settings.discord_token}"}
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"{base}/users/@me", headers=headers) as response,
        ):
            if response.status in (401, 403):
                return Check("discord", False, "the token was refused; check DISCORD_TOKEN")
            if response.status >= 400:
                return Check("discord", False, f"/users/@me answered HTTP {response.status}")
            me = await response.json()
    except (aiohttp.ClientError, TimeoutError) as problem:
        return Check("discord", False, f"cannot reach {base} ({type(problem).__name__})")
    return Check("discord", True, f"token works for bot {me.get('username', '?')}")
