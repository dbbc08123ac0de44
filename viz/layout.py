"""Node positions computed before the page opens, so the browser never runs physics.

- Each connected component is laid out on its own and scaled so its area grows with its size;
  components are then packed in rows, largest first, and unconnected nodes (e.g. places that no
  relation touches) go in a tidy grid below, grouped by type — otherwise a spring layout pushes
  them into a ring and squeezes the real graph into the middle.
- Components up to ``CORE_SIZE`` nodes use networkx's spring layout directly. Larger ones: it is
  O(n²) per iteration (about 40 s for 5,000 nodes here), so networkx lays out the most connected
  core, every other node is placed next to its already-placed neighbours (breadth first), and a
  few vectorised Fruchterman-Reingold passes with grid-limited repulsion (neighbours within
  ``2·SPACING`` found with a k-d tree) untangle the crowding.

Deterministic for a given seed.
"""
from __future__ import annotations

import math
from collections import deque
from typing import Hashable

import networkx as nx
import numpy as np

SPACING = 70.0  # pixels between neighbouring nodes, roughly
CORE_SIZE = 300  # components up to this size use networkx's spring layout directly
GAP = 2 * SPACING  # between packed components

Pos = dict[Hashable, tuple[float, float]]


def layout(G: nx.Graph, seed: int = 0) -> Pos:
    """Positions in page pixels for every node of ``G`` (directed and multi graphs welcome)."""
    U = nx.Graph()
    U.add_nodes_from(G.nodes)
    U.add_edges_from((u, v) for u, v in G.edges() if u != v)
    if len(U) == 0:
        return {}
    isolates = [v for v in U if U.degree(v) == 0]
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(U) if len(c) > 1),
                   key=lambda c: (-len(c), str(c[0])))
    boxes = [_component(U.subgraph(c), seed) for c in comps]
    if isolates:
        types = nx.get_node_attributes(G, "type")
        labels = nx.get_node_attributes(G, "label")
        isolates.sort(key=lambda v: (str(types.get(v, "")), str(labels.get(v, "")), str(v)))
        boxes.append(_grid(isolates))
    return _pack(boxes)


def _component(C: nx.Graph, seed: int) -> np.ndarray | tuple[list, np.ndarray]:
    order = sorted(C, key=lambda v: (-C.degree(v), str(v)))
    n = len(order)
    if n <= CORE_SIZE:
        pos = nx.spring_layout(C, seed=seed, iterations=100)
        xy = _fit(np.array([pos[v] for v in order], dtype=float), n)
    else:
        xy = _relax(C, order, _seed_positions(C, order, seed), seed)
    return order, xy


def _fit(xy: np.ndarray, n: int) -> np.ndarray:
    """Scale to a square whose side grows with sqrt(n), centred on 0."""
    xy = xy - xy.mean(axis=0)
    span = float(np.abs(xy).max()) or 1.0
    return xy / span * (math.sqrt(n) * SPACING / 2)


def _grid(nodes: list) -> tuple[list, np.ndarray]:
    cols = max(1, math.ceil(math.sqrt(len(nodes))))
    dx, dy = SPACING * 1.6, SPACING * 0.8  # labels are wider than tall
    xy = np.array([((i % cols) * dx, (i // cols) * dy) for i in range(len(nodes))], dtype=float)
    return nodes, xy


def _pack(boxes: list[tuple[list, np.ndarray]]) -> Pos:
    """Shelf packing: left to right in rows no wider than the widest of (largest box, sqrt(area))."""
    sizes = []
    for _, xy in boxes:
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        sizes.append((lo, hi - lo))
    area = sum((w + GAP) * (h + GAP) for _, (w, h) in sizes)
    width = max(max(s[1][0] for s in sizes), math.sqrt(area))
    pos: Pos = {}
    x = y = row_h = 0.0
    for (order, xy), (lo, (w, h)) in zip(boxes, sizes):
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h + GAP, 0.0
        shifted = xy - lo + (x, y)
        for v, (px, py) in zip(order, shifted):
            pos[v] = (float(px), float(py))
        x += w + GAP
        row_h = max(row_h, h)
    return pos


def _seed_positions(U: nx.Graph, order: list, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    index = {v: i for i, v in enumerate(order)}
    n = len(order)
    xy = np.zeros((n, 2))
    placed = np.zeros(n, dtype=bool)
    core = order[:CORE_SIZE]
    core_pos = nx.spring_layout(U.subgraph(core), seed=seed, iterations=60)
    xy[:len(core)] = _fit(np.array([core_pos[v] for v in core], dtype=float), n) * 0.8
    placed[:len(core)] = True
    queue = deque(core)  # breadth first from the core: each node lands near its placed neighbours
    while queue:
        v = queue.popleft()
        for w in U.neighbors(v):
            j = index[w]
            if placed[j]:
                continue
            near = [index[u] for u in U.neighbors(w) if placed[index[u]]]
            angle = rng.uniform(0, 2 * math.pi)
            dist = SPACING * rng.uniform(0.5, 1.5)
            xy[j] = xy[near].mean(axis=0) + dist * np.array([math.cos(angle), math.sin(angle)])
            placed[j] = True
            queue.append(w)
    return xy


def _relax(U: nx.Graph, order: list, xy: np.ndarray, seed: int, rounds: int = 50) -> np.ndarray:
    """Fruchterman-Reingold with grid-limited repulsion; about 1 s for 5,000 nodes."""
    from scipy.spatial import cKDTree

    index = {v: i for i, v in enumerate(order)}
    edges = np.array([(index[u], index[v]) for u, v in U.edges()], dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed + 1)
    xy = xy + rng.normal(scale=1e-3, size=xy.shape)
    k = SPACING
    temp = math.sqrt(len(order)) * SPACING / 10
    for _ in range(rounds):
        force = np.zeros_like(xy)
        pairs = cKDTree(xy).query_pairs(r=2 * k, output_type="ndarray")
        if len(pairs):
            d = xy[pairs[:, 0]] - xy[pairs[:, 1]]
            dist = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-3)
            push = (k * k / dist / dist)[:, None] * d
            np.add.at(force, pairs[:, 0], push)
            np.add.at(force, pairs[:, 1], -push)
        if len(edges):
            d = xy[edges[:, 1]] - xy[edges[:, 0]]
            dist = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-3)
            pull = (dist / k)[:, None] * d
            np.add.at(force, edges[:, 0], pull)
            np.add.at(force, edges[:, 1], -pull)
        length = np.maximum(np.hypot(force[:, 0], force[:, 1]), 1e-9)
        xy += force / length[:, None] * np.minimum(length, temp)[:, None]
        temp = max(temp * 0.92, SPACING * 0.05)
    return xy - xy.mean(axis=0)
