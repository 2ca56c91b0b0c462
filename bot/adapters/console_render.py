"""Neutral messages as terminal text, with the `:click`/`:submit` lines that answer them."""

from __future__ import annotations

import shlex

from bot.core.messages import (
    Button,
    Buttons,
    Choice,
    ChoiceInput,
    Context,
    Fields,
    File,
    Form,
    Image,
    Message,
    Text,
)

INDENT = "  "


def render_form(form: Form) -> list[str]:
    lines = [f"Form: {form.title}"]
    for field in form.fields:
        need = "" if field.required else " (optional)"
        if isinstance(field, ChoiceInput):
            values = "|".join(o.value for o in field.options)
            lines.append(f"{INDENT}{field.name}: {field.label}{need} — one of {values}")
        else:
            lines.append(f"{INDENT}{field.name}: {field.label}{need}")
    example = " ".join(f"{f.name}=…" for f in form.fields)
    lines.append(f"{INDENT}answer with: :submit {example}")
    return lines


def render_buttons(buttons: tuple[Button, ...]) -> list[str]:
    """One line per button; a scale (same action, values ending in the label) on one line."""
    first = buttons[0] if buttons else None
    if (
        first is not None
        and len(buttons) > 2
        and all(b.action_id == first.action_id for b in buttons)
        and all(b.value.endswith(":" + b.label) for b in buttons)
    ):
        prefix = first.value[: -len(first.label)]
        labels = " ".join(f"[{b.label}]" for b in buttons)
        return [
            f"{labels}  :click {first.action_id} {prefix}<{buttons[0].label}-{buttons[-1].label}>"
        ]
    lines = []
    for button in buttons:
        value = f" {shlex.quote(button.value)}" if button.value else ""
        lines.append(f"[{button.label}]  :click {button.action_id}{value}")
    return lines


def render(message: Message) -> list[str]:
    lines: list[str] = []
    for block in message.blocks:
        match block:
            case Text(text=text, style="heading"):
                lines.append(f"*{text}*")
            case Text(text=text, style="quote"):
                lines += [f"> {line}" for line in text.splitlines() or [""]]
            case Text(text=text):
                lines += text.splitlines() or [""]
            case Fields(pairs=pairs):
                lines += [f"{key}: {value}" for key, value in pairs]
            case Buttons(buttons=buttons):
                lines += render_buttons(buttons)
            case Choice(action_id=action_id, options=options):
                for option in options:
                    lines.append(
                        f"( ) {option.label}  :click {action_id} {shlex.quote(option.value)}"
                    )
            case Image(alt=alt, filename=filename):
                lines.append(f"(image {filename}: {alt})")
            case File(name=name, title=title):
                lines.append(f"(file {name}: {title})" if title else f"(file {name})")
            case Context(text=text):
                lines.append(f"· {text}")
    if message.form is not None:
        lines += render_form(message.form)
    return lines
