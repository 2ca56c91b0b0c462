"""The App Home tab: a member's containers, next check-in, own motivation and working
pause/resume buttons; a facilitator's Home adds their containers' status."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from tests.slack.care import (
    ADA,
    BOB,
    CAT,
    advance,
    container,
    elements,
    last_view,
    posted_to,
    press,
    submit,
)
from tests.slack.conftest import Slack, fixture


async def open_home(slack: Slack, user: str) -> dict[str, Any]:
    event = fixture("event_app_home_opened")
    slack.sent += 1
    event["event"]["user"] = user
    event["event_id"] = f"EvHOME{slack.sent}"
    await slack.event(event)
    return latest_home(slack, user)


def latest_home(slack: Slack, user: str) -> dict[str, Any]:
    published = [b for b in slack.fake.of("views.publish") if b["user_id"] == user]
    assert published, f"no Home published for {user}"
    view: dict[str, Any] = published[-1]["view"]
    return view


def text(view: dict[str, Any]) -> str:
    from tests.fakes.slack_api import collect_texts

    return " ".join(collect_texts(view, []))


def button(view: dict[str, Any], action_prefix: str) -> dict[str, Any]:
    for block in view["blocks"]:
        for element in block.get("elements") or []:
            if str(element.get("action_id", "")).startswith(action_prefix):
                found: dict[str, Any] = element
                return found
    raise AssertionError(f"no {action_prefix} button on the Home: {text(view)}")


def home_click(slack: Slack, user: str, element: dict[str, Any]) -> dict[str, Any]:
    """A click on the Home tab: no channel, no response_url, a view container."""
    payload = fixture("block_actions")
    slack.sent += 1
    payload["user"] = {"id": user, "username": user.lower(), "team_id": "T0TRELLIS"}
    payload["container"] = {"type": "view", "view_id": "VHOME"}
    payload["trigger_id"] = f"trigger-home-{slack.sent}"
    for key in ("channel", "message", "response_url"):
        payload.pop(key)
    payload["view"] = {"id": "VHOME", "type": "home"}
    payload["actions"] = [
        {
            "action_id": element["action_id"],
            "block_id": "b1",
            "type": "button",
            "value": element.get("value", ""),
        }
    ]
    return payload


async def write_motivation(slack: Slack, user: str, statement: str) -> None:
    await slack.command("me motivation update", user=user)
    answers = {"statement": statement, "topic": "10", "visibility": "me"}
    await slack.interact(submit(slack, user, last_view(slack), answers))


async def test_member_home_shows_containers_checkin_and_own_motivation(slack: Slack) -> None:
    await container(slack)
    await slack.command("checkin schedule --every week --day fri --at 16:00 --questions what")
    await write_motivation(slack, BOB, "Bob: to see how others teach")
    await write_motivation(slack, CAT, "Cat: a secret reason")
    view = await open_home(slack, BOB)
    shown = text(view)
    assert "Maths leads" in shown and "#maths-leads" in shown
    assert "Next check-in" in shown and "Fri" in shown and "none planned" not in shown
    assert "Bob: to see how others teach" in shown
    assert "Cat: a secret reason" not in shown  # never somebody else's statement
    assert "Containers you look after" not in shown
    assert button(view, "home.pause")["text"]["text"] == "Pause 2 weeks"


async def test_pause_and_resume_from_home(slack: Slack) -> None:
    await container(slack)
    view = await open_home(slack, BOB)
    await slack.interact(home_click(slack, BOB, button(view, "home.pause")))
    view = latest_home(slack, BOB)  # refreshed after the click
    assert "paused until 2026-03-16" in text(view)
    (dm,) = [b for b in slack.fake.of("chat.postMessage") if "Paused until" in str(b)]
    assert dm["channel"] == BOB
    # A pulse now skips Bob.
    await slack.command("pulse now")
    assert not [
        b
        for b in slack.fake.of("chat.postMessage")
        if b["channel"] == BOB and "pulse.rate" in str(b)
    ]

    await slack.interact(home_click(slack, BOB, button(latest_home(slack, BOB), "home.resume")))
    view = latest_home(slack, BOB)
    assert "active" in text(view) and button(view, "home.pause")


async def test_facilitator_home_adds_container_status(slack: Slack) -> None:
    await container(slack)
    view = await open_home(slack, ADA)
    shown = text(view)
    assert "Containers you look after" in shown
    assert "Maths leads" in shown and "4 members" in shown
    assert "no trust pulse closed yet" in shown and "0 open alerts" in shown
    assert "Containers you look after" not in text(await open_home(slack, BOB))


async def test_facilitator_home_trust_is_an_aggregate_only(slack: Slack) -> None:
    await container(slack)
    await slack.command("pulse now")
    rate = elements(posted_to(slack, BOB), "pulse.rate")
    await slack.interact(press(slack, BOB, rate[0]))  # one answer: far below the minimum
    await advance(slack, days=8)
    shown = text(await open_home(slack, ADA))
    assert "not enough answers to show yet (1 of 4 answered" in shown
    assert "open alerts" in shown


async def test_motivation_button_on_home_opens_the_form(slack: Slack) -> None:
    await container(slack)
    view = await open_home(slack, BOB)
    await slack.interact(home_click(slack, BOB, button(view, "motivation.open")))
    assert last_view(slack)["callback_id"] == "trellis:motivation.statement"


def published_since(slack: Slack, since: int, user: str) -> list[dict[str, Any]]:
    return [
        c.body["view"]
        for c in slack.fake.calls[since:]
        if c.method == "views.publish" and c.body["user_id"] == user
    ]


async def test_a_facilitators_change_is_published_to_the_members_who_have_a_home(
    slack: Slack,
) -> None:
    await container(slack)
    assert "none planned" in text(await open_home(slack, BOB))
    since = len(slack.fake.calls)
    # Ada (not Bob) sets the container's check-ins: Bob's open Home follows.
    await slack.command("checkin schedule --every week --day fri --at 16:00 --questions what")
    (view,) = published_since(slack, since, BOB)
    assert "Next check-in" in text(view) and "Fri" in text(view)
    assert "none planned" not in text(view)
    assert published_since(slack, since, CAT) == []  # Cat never opened her Home
    assert published_since(slack, since, ADA) == []  # nor did Ada

    # A command that changes nothing Bob sees publishes nothing.
    since = len(slack.fake.calls)
    await slack.command("help")
    assert published_since(slack, since, BOB) == []


async def test_a_pause_running_out_is_shown_without_the_member_doing_anything(
    slack: Slack,
) -> None:
    await container(slack)
    view = await open_home(slack, BOB)
    await slack.interact(home_click(slack, BOB, button(view, "home.pause")))
    assert "paused until 2026-03-16" in text(latest_home(slack, BOB))
    since = len(slack.fake.calls)
    await advance(slack, days=15)
    await slack.settle()
    # Scheduled passes ran meanwhile (the daily one among them); the latest shows the end.
    views = published_since(slack, since, BOB)
    assert views and "paused until" not in text(views[-1]) and button(views[-1], "home.pause")


class MemoryHomes:
    """The Homes store in a dict, to watch the refresher's coalescing on its own."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], str] = {}

    async def teams(self) -> list[str]:
        return sorted({team for team, _ in self.rows})

    async def homes(self, team: str) -> list[tuple[str, str]]:
        return sorted((u, h) for (t, u), h in self.rows.items() if t == team)

    async def published(self, team: str, user: str, view_hash: str, now: datetime) -> None:
        self.rows[(team, user)] = view_hash

    async def swap(self, team: str, user: str, old: str, new: str, now: datetime | None) -> bool:
        if self.rows.get((team, user)) != old:
            return False
        self.rows[(team, user)] = new
        return True

    async def forget(self, team: str) -> None:
        self.rows = {key: h for key, h in self.rows.items() if key[0] != team}


async def test_changes_in_a_burst_are_published_once_per_member() -> None:
    from bot.adapters.slack.home_refresh import HomeRefresher

    release = asyncio.Event()
    contents = {"U1": "v1", "U2": "v1"}
    sent: list[tuple[str, str]] = []
    tasks: list[asyncio.Task[None]] = []

    async def render(team: str, user: str) -> dict[str, Any]:
        return {"type": "home", "blocks": [contents[user]]}

    async def publish(team: str, user: str, view: dict[str, Any]) -> None:
        sent.append((user, view["blocks"][0]))

    async def settle(seconds: float) -> None:
        await release.wait()

    homes = HomeRefresher(
        MemoryHomes(),
        render,
        publish,
        settle,
        lambda work: tasks.append(asyncio.ensure_future(work)),
        lambda: datetime(2026, 3, 2, tzinfo=UTC),
    )
    await homes.opened("T1", "U1")
    await homes.opened("T1", "U2")
    sent.clear()
    for step in ("v2", "v3", "v4"):  # three changes, close together
        contents["U1"] = step
        homes.changed("T1")
    homes.changed()  # and a scheduled run
    homes.changed("T2")  # and a workspace where nobody has a Home
    assert len(tasks) == 1
    release.set()
    await asyncio.gather(*tasks)
    assert sent == [("U1", "v4")]  # once, the latest; U2's Home did not change
