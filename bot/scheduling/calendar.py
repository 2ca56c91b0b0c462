"""Calendar maths by APScheduler's triggers: local times across time zones and DST."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger


def next_local_time(
    after: datetime, zone: str, *, hour: int, minute: int, day_of_week: str = "*"
) -> datetime:
    """The first moment strictly after `after` when a wall clock in `zone` shows hour:minute."""
    trigger = CronTrigger(
        day_of_week=day_of_week, hour=hour, minute=minute, timezone=ZoneInfo(zone)
    )
    fire: datetime | None = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
    assert fire is not None, "a weekly or daily trigger always fires again"
    return fire
