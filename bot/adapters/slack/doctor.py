"""`trellis doctor`'s Slack check: does the bot token work (auth.test)?"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings


async def check_token(settings: Settings, timeout: int) -> tuple[bool, str]:
    client = AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=timeout
    )
    try:
        answer = await client.auth_test()
    except SlackApiError as problem:
        error = problem.response.get("error", "error") if problem.response else "error"
        return False, f"auth.test said {error}; check SLACK_BOT_TOKEN (xoxb-…)"
    except (aiohttp.ClientError, TimeoutError) as problem:
        return False, f"cannot reach {settings.slack_api_url} ({type(problem).__name__})"
    return True, f"token works for workspace {answer.get('team_id')}"
