"""Brandes for every source at once, as matrix products over a dense adjacency (numpy).

On a window of a few hundred well-tied members the per-source Python walk in
`shortest_paths` visits every tie twice per source; here each breadth-first level of all
sources is one matrix product, which BLAS does many times faster. Path counts are whole
numbers held exactly in float64 (below 2**53), so the figures match the Python walk.
"""

from __future__ import annotations

import numpy as np

BATCH = 512
"""Sources per block: bounds memory to a few (BATCH x members) arrays."""


def dense_survey(
    adjacency: list[list[int]], sources: list[int], inside: list[bool] | None
) -> tuple[list[float], int, int]:
    """Dependencies summed over `sources` per node, and the distance total and pair count
    from the sources inside the main component (all sources when `inside` is None)."""
    count = len(adjacency)
    matrix = np.zeros((count, count))
    for node, around in enumerate(adjacency):
        matrix[node, around] = 1.0
    centrality = np.zeros(count)
    distance_total = 0
    distance_pairs = 0
    for first in range(0, len(sources), BATCH):
        block = np.asarray(sources[first : first + BATCH])
        rows = np.arange(len(block))
        paths = np.zeros((len(block), count))
        paths[rows, block] = 1.0
        depth = np.full((len(block), count), -1, dtype=np.int32)
        depth[rows, block] = 0
        frontier = paths.copy()
        level = 0
        while True:
            reached = frontier @ matrix
            new = (reached > 0) & (depth < 0)
            if not new.any():
                break
            level += 1
            depth[new] = level
            frontier = np.where(new, reached, 0.0)
            paths += frontier
        delta = np.zeros((len(block), count))
        for current in range(level - 1, 0, -1):
            below = depth == current + 1
            share = np.zeros_like(delta)
            np.divide(1.0 + delta, paths, out=share, where=below)
            here = depth == current
            delta[here] = (paths * (share @ matrix))[here]
        centrality += delta.sum(axis=0)
        counted = np.ones(len(block), dtype=bool) if inside is None else np.asarray(inside)[block]
        found = depth[counted]
        distance_total += int(found[found > 0].sum(dtype=np.int64))
        distance_pairs += int((found > 0).sum())
    return centrality.tolist(), distance_total, distance_pairs
