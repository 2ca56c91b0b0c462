"""Issue 10: sampled brokers against exact networkx betweenness on a 2,000-member window."""

from __future__ import annotations

import random
import time

import networkx as nx

from bench import synthetic
from bench.result import Result
from bot.network.brokerage import PIVOT_TIE_BUDGET, choose_pivots
from bot.network.graph import build_graph
from bot.network.indexed import index_ties
from bot.network.shortest_paths import survey_paths


def top(scores: dict[int, float], count: int = 10) -> set[int]:
    return {node for node, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:count]}


def run() -> list[Result]:
    rng = random.Random(2_000)
    profiles = synthetic.members(2_000, rng)
    records = synthetic.interactions(profiles, 50_000, rng)
    ties = build_graph(records, profiles, start=synthetic.START, end=synthetic.END).undirected
    active = [node for node in ties if ties.degree(node)]
    tied = ties.subgraph(active).copy()
    pivots = choose_pivots(
        len(active), tied.number_of_edges(), exact_limit=0, tie_budget=PIVOT_TIE_BUDGET
    )
    started = time.perf_counter()
    exact = nx.betweenness_centrality(tied)
    exact_seconds = time.perf_counter() - started
    overlaps = []
    sampled_seconds = []
    for seed in range(5):
        started = time.perf_counter()
        survey = survey_paths(index_ties(tied, active), pivots=pivots, rng=random.Random(seed))
        sampled_seconds.append(time.perf_counter() - started)
        overlaps.append(len(top(exact) & top(survey.betweenness)))
    return [
        Result(
            f"brokers 2k members ({tied.number_of_edges()} ties): exact top-10 kept by sampled "
            f"top-10 ({pivots} pivots), worst of 5 seeds",
            ">= 8 of 10",
            f"{min(overlaps)} (seeds: {overlaps})",
            min(overlaps) >= 8,
        ),
        Result(
            "brokers 2k: time, sampled (ours) vs exact networkx betweenness_centrality",
            "-",
            f"{max(sampled_seconds):.1f} s vs {exact_seconds:.1f} s",
            None,
        ),
    ]
