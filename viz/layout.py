"""Node positions computed before the page opens, so the browser never runs physics.

- Each connected component is laid out on its own and scaled so its area grows with its size;
  components are then packed in rows, largest first, and unconnected nodes (e.g. places that no
  relation touches) go in a tidy grid below, grouped by type — otherwise a spring layout pushes
  them into a ring and squeezes the real graph into the middle.
- Components up to ``KK_SIZE`` nodes use networkx's Kamada-Kawai layout, up to ``CORE_SIZE`` its
  spring layout; then nodes closer than a label's room are pushed apart. Larger ones: spring is
  O(n²) per iteration (about 40 s for 5,000 nodes here), so networkx lays out the most connected
  core, every other node is placed next to its already-placed neighbours (breadth first), and a
  few vectorised Fruchterman-Reingold passes with local repulsion (each node's ``NEAR`` nearest
  neighbours within ``2·SPACING``, found with a k-d tree) untangle the crowding.

Deterministic for a given seed.
"""
from __future__ import annotations

import math
from collections import deque
from typing import Hashable

import networkx as nx
import numpy as np

SPACING = 70.0  # pixels between neighbouring nodes, roughly
KK_SIZE = 120  # components up to this size use networkx's Kamada-Kawai layout
CORE_SIZE = 300  # components up to this size use networkx's spring layout directly
GAP = 2 * SPACING  # between packed components
NEAR = 16  # neighbours that repel each node in the large-graph passes

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
    types = nx.get_node_attributes(G, "type")
    labels = nx.get_node_attributes(G, "label")
    isolates.sort(key=lambda v: (str(types.get(v, "")), str(labels.get(v, "")), str(v)))
    return _pack([_component(_induced(U, c), seed) for c in comps], isolates)


def _induced(U: nx.Graph, nodes: list) -> nx.Graph:
    """The subgraph on ``nodes``, built in their order. (``U.subgraph`` iterates the node *set* it
    is given when that is smaller than ``U``: an order that changes with Python's string hashing
    from one process to the next, and the layouts depend on node order.)"""
    keep = set(nodes)
    C = nx.Graph()
    C.add_nodes_from(nodes)
    C.add_edges_from((u, v) for u in nodes for v in U[u] if v in keep)
    return C


def _component(C: nx.Graph, seed: int) -> np.ndarray | tuple[list, np.ndarray]:
    order = sorted(C, key=lambda v: (-C.degree(v), str(v)))
    n = len(order)
    if n <= KK_SIZE:  # small: Kamada-Kawai draws hub-and-spoke meetings most legibly
        pos = nx.kamada_kawai_layout(C)
        xy = _fit(np.array([pos[v] for v in order], dtype=float), n, 2.2)
    elif n <= CORE_SIZE:
        pos = nx.spring_layout(C, seed=seed, iterations=100)
        xy = _fit(np.array([pos[v] for v in order], dtype=float), n, 1.3)
    else:
        xy = _relax(C, order, _seed_positions(C, order, seed), seed)
    return order, _spread(xy)


def _fit(xy: np.ndarray, n: int, room: float = 1.0) -> np.ndarray:
    """Scale to a square whose side grows with sqrt(n), centred on 0."""
    xy = xy - xy.mean(axis=0)
    span = float(np.abs(xy).max()) or 1.0
    return xy / span * (math.sqrt(n) * SPACING * room / 2)


def _spread(xy: np.ndarray, rounds: int = 30) -> np.ndarray:
    """Push apart nodes closer than ``0.8·SPACING`` (labels need the room); k-d tree, vectorised."""
    from scipy.spatial import cKDTree

    if len(xy) < 2:
        return xy
    xy = xy.copy()
    near = SPACING * 0.8
    jitter = np.random.default_rng(0).normal(scale=1e-2, size=xy.shape)
    for k in range(rounds):
        pairs = cKDTree(xy).query_pairs(r=near, output_type="ndarray")
        if not len(pairs):
            break
        d = xy[pairs[:, 0]] - xy[pairs[:, 1]] + (jitter[pairs[:, 0]] if k == 0 else 0)
        dist = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-6)
        shift = ((near - dist) / 2 / dist)[:, None] * d * 0.5
        n = len(xy)
        xy += np.stack([np.bincount(pairs[:, 0], shift[:, c], n) - np.bincount(pairs[:, 1], shift[:, c], n)
                        for c in (0, 1)], axis=1)
    return xy


ASPECT = 1.4  # width / height of the drawing area the page opens with, roughly


def _pack(boxes: list[tuple[list, np.ndarray]], isolates: list) -> Pos:
    """Shelf packing, largest first, then the unconnected nodes in a grid below everything else.

    The row width is the one (of a few candidates) that lets the page's opening fit show the
    drawing largest on a screen-shaped area, so two similar cities sit side by side, not stacked.
    """
    dx, dy = SPACING * 1.6, SPACING * 0.8  # isolates' grid: labels are wider than tall
    sizes = [(xy.min(axis=0), xy.max(axis=0) - xy.min(axis=0)) for _, xy in boxes]
    area = sum((w + GAP) * (h + GAP) for _, (w, h) in sizes) + len(isolates) * dx * dy
    widest = max([w for _, (w, _h) in sizes] + [dx])
    candidates = {widest, sum(w + GAP for _, (w, _h) in sizes)}
    candidates |= {max(widest, math.sqrt(area * a)) for a in (0.5, 1.0, 1.4, 2.0, 3.0, 5.0)}

    def place(width: float) -> tuple[Pos, float, float]:
        pos: Pos = {}
        x = y = row_h = right = 0.0
        for (order, xy), (lo, (w, h)) in zip(boxes, sizes):
            if x > 0 and x + w > width:
                x, y, row_h = 0.0, y + row_h + GAP, 0.0
            for v, (px, py) in zip(order, xy - lo + (x, y)):
                pos[v] = (float(px), float(py))
            right = max(right, x + w)
            x += w + GAP
            row_h = max(row_h, h)
        bottom = y + row_h
        if isolates:
            top = bottom + GAP if boxes else 0.0
            cols = max(1, int(max(width, right) // dx) + 1)
            for i, v in enumerate(isolates):
                pos[v] = ((i % cols) * dx, top + (i // cols) * dy)
            right = max(right, (min(cols, len(isolates)) - 1) * dx)
            bottom = top + ((len(isolates) - 1) // cols) * dy
        return pos, max(right, 1.0), max(bottom, 1.0)

    def scale(width: float) -> float:  # how large the fitted drawing appears
        _, w, h = place(width)
        return min(ASPECT / w, 1.0 / h)

    return place(max(sorted(candidates), key=scale))[0]


def _seed_positions(U: nx.Graph, order: list, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    index = {v: i for i, v in enumerate(order)}
    n = len(order)
    xy = np.zeros((n, 2))
    placed = np.zeros(n, dtype=bool)
    core = order[:CORE_SIZE]
    core_pos = nx.spring_layout(_induced(U, core), seed=seed, iterations=60)
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
    """Fruchterman-Reingold with k-nearest-neighbour repulsion; about 1 s for 5,000 nodes."""
    from scipy.spatial import cKDTree

    index = {v: i for i, v in enumerate(order)}
    edges = np.array([(index[u], index[v]) for u, v in U.edges()], dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed + 1)
    xy = xy + rng.normal(scale=1e-3, size=xy.shape)
    k = SPACING
    temp = math.sqrt(len(order)) * SPACING / 10
    n = len(order)

    def accumulate(i: np.ndarray, j: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Sum ``f`` onto ``i`` and ``-f`` onto ``j`` (bincount: ~10x np.add.at)."""
        return np.stack([np.bincount(i, f[:, c], n) - np.bincount(j, f[:, c], n) for c in (0, 1)], axis=1)

    for _ in range(rounds):
        # repulsion from each node's NEAR nearest neighbours within 2k: bounded work however dense
        dist, nbr = cKDTree(xy).query(xy, k=min(NEAR + 1, n), distance_upper_bound=2 * k)
        dist, nbr = dist[:, 1:], nbr[:, 1:]  # drop self
        ok = np.isfinite(dist)
        i = np.broadcast_to(np.arange(n)[:, None], nbr.shape)[ok]
        j = nbr[ok]
        d = xy[i] - xy[j]
        dist2 = np.maximum(d[:, 0] ** 2 + d[:, 1] ** 2, 1e-6)
        push = (k * k / dist2)[:, None] * d
        force = np.stack([np.bincount(i, push[:, c], n) for c in (0, 1)], axis=1)
        if len(edges):
            d = xy[edges[:, 1]] - xy[edges[:, 0]]
            dist = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-3)
            force += accumulate(edges[:, 0], edges[:, 1], (dist / k)[:, None] * d)
        length = np.maximum(np.hypot(force[:, 0], force[:, 1]), 1e-9)
        xy += force / length[:, None] * np.minimum(length, temp)[:, None]
        temp = max(temp * 0.92, SPACING * 0.05)
    return xy - xy.mean(axis=0)
