"""Network measures of officials: the co-attendance network, its centralities and communities.

Two officials are linked when they were at the same meeting — attended, presided or addressed it
(the network ``kg viz --view coattendance`` draws); the link's ``weight`` is the number of meetings
they shared. Officials who shared no meeting with anyone are not in the network. For each official
in it (networkx):

- ``degree``: how many other officials they shared a meeting with;
- ``weighted_degree``: the sum of the link weights (shared meetings, counted once per co-attendee);
- ``betweenness``: normalised betweenness centrality on the unweighted links — exact while
  ``n·(n+m)`` stays within :data:`BETWEENNESS_BUDGET`, else estimated from ``k`` sampled sources
  (``seed=0``; :func:`betweenness_sources`), so a big network costs seconds, not hours;
- ``community``: Louvain communities (``nx.community.louvain_communities(seed=0, weight="weight")``)
  numbered by size, the largest 0 (ties: the one holding the first official in IRI order).

Deterministic: nodes are numbered in IRI order before anything runs (the algorithms never see
strings, whose set order changes with ``PYTHONHASHSEED``), so the same graph gives the same numbers
in every process — ``kg build`` writes them into graph.json (``Node.measures``; :func:`annotate`)
and an incremental build must write the bytes a fresh one does.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from kg.graph import Graph

if TYPE_CHECKING:
    import networkx as nx

PRESENCE = ("attended", "presided", "addressed")  # relations that put an official at a meeting
MEASURES = ("degree", "weighted_degree", "betweenness", "community")
BETWEENNESS_BUDGET = 4_000_000  # sources × (nodes + links): about 2-3 s of networkx's Brandes
BETWEENNESS_MIN_SOURCES = 50  # a sampled estimate never uses fewer sources than this
DIGITS = 6  # betweenness is rounded to this many decimals (stable JSON)


@dataclass
class Network:
    """The co-attendance network in plain data: officials in IRI order, weighted pairs, meetings."""

    officials: list[str] = field(default_factory=list)  # IRIs, sorted; index = node number
    weights: dict[tuple[int, int], int] = field(default_factory=dict)  # (i, j), i < j → shared meetings
    meetings: dict[str, list[str]] = field(default_factory=dict)  # meeting IRI → officials present (sorted)

    @property
    def n(self) -> int:
        return len(self.officials)

    @property
    def m(self) -> int:
        return len(self.weights)

    @property
    def density(self) -> float:
        n = self.n
        return 2 * self.m / (n * (n - 1)) if n > 1 else 0.0


def presence(graph: Graph, relations: tuple[str, ...] = PRESENCE) -> dict[str, list[str]]:
    """Meeting IRI → the officials at it (attended, presided or addressed), each once, sorted."""
    at: dict[str, set[str]] = defaultdict(set)
    nodes = graph.nodes
    for e in graph.edges:
        if e.type not in relations:
            continue
        src, dst = nodes.get(e.source), nodes.get(e.target)
        if src is not None and dst is not None and src.type == "Official" and dst.type == "Meeting":
            at[e.target].add(e.source)
    return {m: sorted(at[m]) for m in sorted(at)}


def network(graph: Graph, relations: tuple[str, ...] = PRESENCE) -> Network:
    """The co-attendance network of ``graph`` (officials who shared a meeting with someone)."""
    meetings = presence(graph, relations)
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for officials in meetings.values():
        for a, b in combinations(officials, 2):  # sorted: a < b
            pairs[(a, b)] += 1
    officials = sorted({o for pair in pairs for o in pair})
    index = {o: i for i, o in enumerate(officials)}
    weights = {(index[a], index[b]): w for (a, b), w in sorted(pairs.items())}
    return Network(officials, weights, meetings)


def to_networkx(net: Network, labels: bool = False, graph: Graph | None = None) -> "nx.Graph":
    """The network as an undirected networkx graph: nodes ``0..n-1`` (``iri`` attribute; with
    ``labels``, the IRIs themselves and a ``label`` from ``graph``), edges with ``weight``."""
    import networkx as nx

    G = nx.Graph()
    if labels:
        for iri in net.officials:
            G.add_node(iri, label=graph.nodes[iri].label if graph is not None else iri)
        G.add_weighted_edges_from((net.officials[i], net.officials[j], w) for (i, j), w in net.weights.items())
    else:
        G.add_nodes_from((i, {"iri": iri}) for i, iri in enumerate(net.officials))
        G.add_weighted_edges_from((i, j, w) for (i, j), w in net.weights.items())
    return G


def betweenness_sources(n: int, m: int, budget: int = BETWEENNESS_BUDGET) -> int | None:
    """How many sampled sources the betweenness of a network of ``n`` nodes and ``m`` links uses:
    ``None`` for the exact value (every node a source), else ``k``: the budget's worth of sources,
    at least :data:`BETWEENNESS_MIN_SOURCES`, and fewer than half the nodes (an estimate from more
    would save less than it costs in accuracy)."""
    if n == 0 or n * (n + m) <= budget:
        return None
    k = max(BETWEENNESS_MIN_SOURCES, budget // (n + m))
    return None if 2 * k >= n else k


def communities(G: "nx.Graph") -> list[list[int]]:
    """Louvain communities of ``G`` (integer nodes), largest first, each sorted."""
    import networkx as nx

    if G.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(G, weight="weight", seed=0)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def compute(graph: Graph, budget: int = BETWEENNESS_BUDGET) -> dict[str, dict]:
    """Official IRI → ``{"degree", "weighted_degree", "betweenness", "community"}`` for every
    official in the co-attendance network (see the module docstring)."""
    import networkx as nx

    net = network(graph)
    if not net.officials:
        return {}
    G = to_networkx(net)
    k = betweenness_sources(net.n, net.m, budget)
    between = nx.betweenness_centrality(G, k=k, normalized=True, seed=0 if k else None)
    community = {v: c for c, members in enumerate(communities(G)) for v in members}
    out: dict[str, dict] = {}
    for i, iri in enumerate(net.officials):
        out[iri] = {"degree": G.degree(i), "weighted_degree": G.degree(i, weight="weight"),
                    "betweenness": round(float(between[i]), DIGITS) + 0.0, "community": community[i]}
    return out


def annotate(graph: Graph, budget: int = BETWEENNESS_BUDGET) -> int:
    """Set ``Node.measures`` on every node from :func:`compute` (``None`` outside the network);
    returns how many officials got measures. Without networkx, every node gets ``None``."""
    try:
        measures = compute(graph, budget)
    except ImportError:  # networkx comes with the viz extra
        measures = {}
    for iri, node in graph.nodes.items():
        node.measures = measures.get(iri)
    return len(measures)


def measures_of(graph: Graph) -> dict[str, dict]:
    """The measures graph.json holds (``kg build`` wrote them); computed here for an older file."""
    held = {iri: n.measures for iri, n in graph.nodes.items() if n.measures}
    if held:
        return held
    return compute(graph)


def summary(graph: Graph, measures: dict[str, dict] | None = None) -> dict:
    """Size of the co-attendance network: officials, links, density, communities, and how its
    betweenness was computed (``exact`` or ``sampled from k sources``)."""
    net = network(graph)
    measures = measures_of(graph) if measures is None else measures
    k = betweenness_sources(net.n, net.m)
    sizes: dict[int, int] = defaultdict(int)
    for m in measures.values():
        if m.get("community") is not None:
            sizes[m["community"]] += 1
    return {"officials": net.n, "links": net.m, "density": round(net.density, DIGITS),
            "shared_meetings": sum(net.weights.values()), "communities": len(sizes),
            "largest_community": max(sizes.values(), default=0),
            "betweenness": "exact" if k is None else f"sampled from {k} sources"}
