"""`/trellis help`, generated from the registry so it can never drift from the code."""

from __future__ import annotations

from bot.core.commands import CommandSpec
from bot.core.messages import Context, Message, Text
from bot.core.parsing import CommandError


def help_overview(specs: list[CommandSpec], *, is_facilitator: bool) -> Message:
    blocks: list[Text | Context] = [Text("Trellis commands", style="heading")]
    for group in sorted({s.path[0] for s in specs}):
        lines = []
        for spec in sorted((s for s in specs if s.path[0] == group), key=lambda s: s.path):
            marker = " (facilitators)" if spec.role == "facilitator" else ""
            lines.append(f"{spec.usage()}\n    {spec.summary}{marker}")
        blocks.append(Text("\n".join(lines)))
    note = "" if is_facilitator else " Commands marked (facilitators) need that role."
    blocks.append(Context(f"`/trellis help COMMAND` explains one command with an example.{note}"))
    return Message(tuple(blocks))


def help_topic(specs: list[CommandSpec], topic: str) -> Message:
    words = tuple(topic.lower().split())
    matches = [s for s in specs if s.path[: len(words)] == words]
    if not matches:
        raise CommandError(f"No command `{topic}`. See `/trellis help` for the list.")
    blocks: list[Text | Context] = []
    for spec in sorted(matches, key=lambda s: s.path):
        lines = [spec.summary, f"Usage: {spec.usage()}"]
        if spec.role == "facilitator":
            lines.append("Who: facilitators")
        lines += [f"  {o.usage()}: {o.help}" for o in spec.options if o.help]
        if spec.details:
            lines.append(spec.details)
        if spec.example:
            lines.append(f"Example: {spec.example}")
        blocks += [Text(f"/trellis {spec.name}", style="heading"), Text("\n".join(lines))]
    return Message(tuple(blocks))
