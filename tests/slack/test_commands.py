"""Every registry command through a signed `/trellis` request, answered as Slack users expect."""

from __future__ import annotations

from bot.core.commands import CommandSpec
from bot.core.refs import CommunityRef
from bot.core.registry import Registry
from tests.slack.conftest import Slack

# Arguments that make each command do its work; a new command without an entry still runs
# with its example, so it is covered the moment it is registered.
ARGUMENTS = {
    ("facilitator", "add"): "<@U0BOB|bob>",
    ("facilitator", "remove"): "<@U0BOB|bob>",
}

PROBLEMS = (
    "Something went wrong",
    "Only facilitators",
    "Unknown command",
    "Unknown option",
    "is required",
    "Unexpected",
    "not in a direct message",
)


def invocation(spec: CommandSpec) -> str:
    if spec.path in ARGUMENTS:
        return f"{spec.name} {ARGUMENTS[spec.path]}"
    if spec.example:
        return spec.example.removeprefix("/trellis ").strip()
    return spec.name


async def test_every_registry_command_answers(slack: Slack) -> None:
    slack.fake.users["U0ADA"] = {
        "id": "U0ADA",
        "name": "ada",
        "tz": "Europe/London",
        "is_admin": True,
        "profile": {"display_name": "Ada"},
    }
    await slack.command("help", user="U0BOB")  # Bob says hello first, so he can be granted
    registry: Registry = slack.trellis.registry
    specs = sorted(registry.specs, key=lambda s: (s.path[0] == "facilitator", s.path))
    for spec in specs:
        before = len(slack.fake.calls)
        status, _ = await slack.command(invocation(spec), user="U0ADA")
        assert status == 200, spec.name
        # An answer is a reply, or a form opened as a modal.
        answers = [
            c for c in slack.fake.calls[before:] if c.method in ("response_url", "views.open")
        ]
        assert answers, f"/trellis {spec.name} gave no answer"
        text = " ".join(slack.fake.texts_of(answers[0]))
        for problem in PROBLEMS:
            assert problem not in text, (spec.name, text)


async def test_help_is_ephemeral_and_lists_commands(slack: Slack) -> None:
    status, body = await slack.command("help")
    assert status == 200 and body == ""
    (answer,) = slack.fake.of("response_url")
    assert answer["response_type"] == "ephemeral"
    text = " ".join(slack.fake.texts_of(slack.fake.calls[-1]))
    assert "container create" in text


async def test_empty_command_shows_help(slack: Slack) -> None:
    await slack.command("")
    assert "Trellis commands" in " ".join(slack.fake.texts("response_url"))


async def test_bad_option_answers_usage_ephemerally(slack: Slack) -> None:
    slack.fake.users["U0ADA"] = {"id": "U0ADA", "is_owner": True, "profile": {}}
    await slack.command("container create Maths --colour blue")
    (answer,) = slack.fake.of("response_url")
    assert answer["response_type"] == "ephemeral"
    text = " ".join(slack.fake.texts("response_url"))
    assert "Unknown option" in text and "Usage: /trellis container create" in text


async def test_facilitator_only_command_refused_to_a_member(slack: Slack) -> None:
    await slack.command('container create Maths --purpose "Fractions"')
    text = " ".join(slack.fake.texts("response_url"))
    assert "Only facilitators" in text


async def test_owner_is_facilitator_and_container_is_announced_in_channel(slack: Slack) -> None:
    slack.fake.users["U0ADA"] = {"id": "U0ADA", "is_owner": True, "tz": "Europe/Lisbon"}
    await slack.command('container create Maths leads --purpose "Teach fractions & more"')
    (answer,) = slack.fake.of("response_url")
    assert answer["response_type"] == "in_channel"
    assert "Teach fractions &amp; more" in " ".join(slack.fake.texts("response_url"))
    community = await slack.trellis.directory.community(CommunityRef("slack", "T0TRELLIS"))
    count = await slack.trellis.directory.count_members(community.id)
    assert count == 1


async def test_mentions_become_refs_for_facilitator_add(slack: Slack) -> None:
    slack.fake.users["U0ADA"] = {
        "id": "U0ADA",
        "is_admin": True,
        "profile": {"display_name": "Ada"},
    }
    await slack.command("help", user="U0BOB")
    await slack.command("facilitator add <@U0BOB|bob>")
    text = " ".join(slack.fake.texts_of(slack.fake.calls[-1]))
    assert "member-u0bob is now a facilitator" in text
