"""Member text can never ping anyone or disguise a link once Trellis shows it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.slack.escape import escape
from bot.adapters.slack.render import render
from bot.core.messages import Context, Fields, Message, Text
from tests.fakes.slack_api import collect_texts
from tests.slack.conftest import Slack

INJECTION = "<!channel> <!here> <!everyone> <@U123> <!subteam^S1|@team> <https://evil.example|bank>"


async def test_mention_injection_in_a_container_purpose_is_inert(slack: Slack) -> None:
    slack.fake.users["U0ADA"] = {"id": "U0ADA", "is_owner": True}
    await slack.command(f'container create Maths --purpose "{INJECTION}"')
    await slack.command("container show")
    texts = " ".join(slack.fake.texts("response_url"))
    assert "&lt;!channel&gt;" in texts and "&lt;@U123&gt;" in texts
    assert "<!" not in texts and "<@" not in texts and "<http" not in texts
    # The fake checks every call too: no `<` or `>` reached Slack in any text.
    assert slack.fake.violations == []


async def test_injection_in_a_display_name_is_inert(slack: Slack) -> None:
    slack.fake.users["U0ADA"] = {
        "id": "U0ADA",
        "is_admin": True,
        "profile": {"display_name": "<!channel> Ada"},
    }
    await slack.command('container create Maths --purpose "Fractions"')
    assert "Created by &lt;!channel&gt; Ada" in " ".join(slack.fake.texts("response_url"))


@given(st.text(max_size=400))
def test_rendered_member_text_has_no_control_characters(text: str) -> None:
    message = Message(
        (
            Text(text),
            Text(text, "heading"),
            Text(text, "quote"),
            Fields(((text, text),)),
            Context(text),
        )
    )
    for fallback, blocks in render(message).posts:
        for shown in collect_texts(blocks, [fallback]):
            assert "<" not in shown and ">" not in shown


def test_escape_encodes_ampersand_first() -> None:
    assert escape("a & <b> &lt;") == "a &amp; &lt;b&gt; &amp;lt;"
