from __future__ import annotations

from datetime import UTC, datetime

from bot.scheduling.calendar import next_local_time


def test_a_local_time_stays_local_across_the_spring_change() -> None:
    # Lisbon moves from UTC+0 to UTC+1 on 2026-03-29.
    before = next_local_time(
        datetime(2026, 3, 27, 12, tzinfo=UTC), "Europe/Lisbon", hour=9, minute=0
    )
    after = next_local_time(
        datetime(2026, 3, 29, 12, tzinfo=UTC), "Europe/Lisbon", hour=9, minute=0
    )
    assert before == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    assert after == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_the_next_time_is_strictly_after_now_and_respects_the_weekday() -> None:
    monday_nine = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert next_local_time(monday_nine, "UTC", hour=9, minute=0, day_of_week="mon") == datetime(
        2026, 3, 9, 9, 0, tzinfo=UTC
    )
    assert next_local_time(monday_nine, "Asia/Tokyo", hour=18, minute=30) == datetime(
        2026, 3, 2, 9, 30, tzinfo=UTC
    )
