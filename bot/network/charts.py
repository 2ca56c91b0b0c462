"""Pictures of the network, drawn headless (matplotlib's Agg backend) into PNG bytes:
the network map (members coloured by organisation type) and the self-assessment radar.

The map shows names only when a facilitator asks; otherwise members are unlabelled dots.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import networkx as nx

from bot.network.graph import InteractionGraph

PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#1f78b4",
)
UNKNOWN = "#bdbdbd"
MAP_NODE_LIMIT = 400
"""Above this many members the map shows the most connected ones (the report says so)."""


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


def network_map(graph: InteractionGraph, *, names: bool, seed: int = 1) -> bytes:
    plt = _pyplot()
    ties = graph.undirected
    nodes = sorted(ties.nodes, key=lambda n: (-ties.degree(n, weight="weight"), n))[:MAP_NODE_LIMIT]
    shown = ties.subgraph(nodes)
    types = sorted({t for t in (graph.organisation_type(n) for n in nodes) if t is not None})
    colour = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(types)}
    positions = nx.spring_layout(shown, seed=seed) if len(shown) else {}
    figure, axis = plt.subplots(figsize=(7, 6), dpi=100)
    try:
        widths = [0.5 + math.log1p(w) for _, _, w in shown.edges(data="weight", default=1.0)]
        nx.draw_networkx_edges(shown, positions, ax=axis, width=widths, alpha=0.35)
        nx.draw_networkx_nodes(
            shown,
            positions,
            ax=axis,
            node_size=[60 + 25 * ties.degree(n) for n in shown],
            node_color=[colour.get(graph.organisation_type(n) or "", UNKNOWN) for n in shown],
        )
        if names:
            nx.draw_networkx_labels(
                shown, positions, {n: graph.display_name(n) for n in shown}, ax=axis, font_size=8
            )
        for kind in types:
            axis.scatter([], [], color=colour[kind], label=kind)
        if any(graph.organisation_type(n) is None for n in nodes):
            axis.scatter([], [], color=UNKNOWN, label="type not given")
        axis.legend(loc="lower left", fontsize=7, frameon=False)
        axis.set_title("Who interacts with whom (colour: organisation type)", fontsize=10)
        axis.set_axis_off()
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        plt.close(figure)


def radar(areas: Sequence[str], rounds: Sequence[tuple[str, Sequence[float]]]) -> bytes:
    """One polygon per round (label, average per area on 1-5), newest drawn last and boldest."""
    plt = _pyplot()
    angles = [2 * math.pi * i / len(areas) for i in range(len(areas))]
    figure = plt.figure(figsize=(6, 6), dpi=100)
    try:
        axis = figure.add_subplot(polar=True)
        for position, (label, values) in enumerate(rounds):
            newest = position == len(rounds) - 1
            axis.plot(
                [*angles, angles[0]],
                [*values, values[0]],
                linewidth=2.5 if newest else 1,
                alpha=1.0 if newest else 0.5,
                label=label,
            )
            if newest:
                axis.fill([*angles, angles[0]], [*values, values[0]], alpha=0.15)
        axis.set_xticks(angles)
        axis.set_xticklabels(list(areas), fontsize=8)
        axis.set_ylim(0, 5)
        axis.set_yticks([1, 2, 3, 4, 5])
        axis.set_title("Network self-assessment (average, 1-5)", fontsize=10)
        axis.legend(loc="lower right", fontsize=7, frameon=False, bbox_to_anchor=(1.15, -0.1))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        plt.close(figure)
