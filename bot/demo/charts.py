"""The demo's PNG charts (matplotlib, Agg backend: no display needed, same bytes each run)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.figure import Figure

from bot.network.graph import InteractionGraph

COLOURS = {"school": "#1b9e77", "university": "#d95f02", "charity": "#7570b3", "council": "#e7298a"}
SPRING_LIMIT = 500  # members from which networkx's spring layout needs scipy
# Fixed metadata keeps the files byte-identical for the same seed.
METADATA = {"Software": None}


def save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=90, metadata=METADATA)
    plt.close(figure)
    return path


def trust_trend(weeks: Sequence[str], means: Sequence[float | None], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=(6, 3.5))
    points = [(w, m) for w, m in zip(weeks, means, strict=True) if m is not None]
    axes.plot([w for w, _ in points], [m for _, m in points], marker="o", color="#1b9e77")
    axes.set_ylim(1, 7)
    axes.set_ylabel("mean pulse rating (1-7)")
    axes.set_title("Trust trend (trust pulses, all containers)")
    axes.tick_params(axis="x", labelrotation=45)
    return save(figure, path)


def network_map(graph: InteractionGraph, seed: int, path: Path) -> Path:
    figure, axes = plt.subplots(figsize=(7, 7))
    ties = graph.undirected
    if len(ties) < SPRING_LIMIT:
        layout = nx.spring_layout(ties, seed=seed, weight="weight")
    else:
        # networkx lays out 500+ nodes with scipy, which Trellis does not depend on; a large
        # network's force layout is a hairball anyway. A circle ordered by organisation type
        # shows the same thing: ties within a type are short chords, across types long ones.
        order = sorted(ties.nodes, key=lambda n: (graph.organisation_type(n) or "~", n))
        layout = nx.circular_layout(order)
    colours = [COLOURS.get(graph.organisation_type(n) or "", "#999999") for n in ties.nodes]
    nx.draw_networkx_edges(ties, layout, ax=axes, alpha=0.25)
    nx.draw_networkx_nodes(ties, layout, ax=axes, node_color=colours, node_size=60)
    for kind, colour in COLOURS.items():
        axes.scatter([], [], color=colour, label=kind)
    axes.legend(loc="lower left", fontsize=8)
    axes.set_title("Network map (ties from replies; colour: organisation type)")
    axes.axis("off")
    return save(figure, path)


def motivation_mix(totals: dict[str, int], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=(6, 3.5))
    names = list(totals)
    axes.bar(names, [totals[n] for n in names], color="#7570b3")
    axes.set_ylabel("points (10 per member)")
    axes.set_title("Motivation mix (latest statement of each member)")
    return save(figure, path)


def radar(scores: dict[str, float], path: Path) -> Path:
    names = list(scores)
    angles = [2 * math.pi * i / len(names) for i in range(len(names))]
    values = [scores[n] for n in names]
    figure = plt.figure(figsize=(5.5, 5.5))
    axes = figure.add_subplot(polar=True)
    axes.plot([*angles, angles[0]], [*values, values[0]], color="#d95f02")
    axes.fill([*angles, angles[0]], [*values, values[0]], color="#d95f02", alpha=0.25)
    axes.set_xticks(angles)
    axes.set_xticklabels(names, fontsize=8)
    axes.set_ylim(0, 1)
    axes.set_title("Network self-assessment (derived from measured figures, 0-1)")
    return save(figure, path)
