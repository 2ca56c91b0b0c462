"""What every benchmark module returns: one row per figure, with its target."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Result:
    figure: str
    target: str
    measured: str
    passed: bool | None  # None: reported side by side, no target
