"""Schedules as rows, claimed exactly once; APScheduler does the calendar maths and wake-ups."""
