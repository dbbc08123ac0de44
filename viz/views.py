"""The three views of a resolved graph, as pure functions ``Graph -> networkx graph``.

Every view returns a networkx graph whose nodes are keyed by entity IRI and carry the attributes the
renderer shows (``type``, ``label``, ``pinyin``, ``aliases``, ``posts``, ``articles``, ``context``,
``measures``: an official's co-attendance measures from graph.json, ``kg.measures``),
whose edges carry ``type`` and ``provenance`` (co-attendance edges: ``weight`` and ``meetings``),
and whose ``graph`` dict holds ``articles`` (IRI -> title/date/url), ``view``, ``title`` and, when a
size limit cut nodes, ``omitted``. No files, no globals: the CLI and tests call them the same way.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from itertools import combinations
from typing import Any, Callable, Hashable

import networkx as nx

from kg.graph import Graph, post_dict, provenance_dict
from kg.measures import PRESENCE  # the relations that put an official at a meeting (one definition)
from viz.page import DEFAULT_MAX_NODES


class ViewError(ValueError):
    """A view cannot be built from this graph with these arguments (message says why)."""


def _articles(graph: Graph) -> dict[str, dict[str, Any]]:
    return {iri: {"title": a.title, "published": a.published, "url": a.url, "path": a.path}
            for iri, a in graph.articles.items()}


def to_networkx(graph: Graph, keep: set[str] | None = None) -> nx.MultiDiGraph:
    """The resolved graph as a MultiDiGraph (edge key = index in ``graph.edges``); with ``keep``, only
    those nodes and the edges between them (without building the rest)."""
    G = nx.MultiDiGraph(view="whole", title="zhengwu-kg", articles=_articles(graph))
    for iri, node in graph.nodes.items():
        if keep is not None and iri not in keep:
            continue
        G.add_node(iri, type=node.type, label=node.label, pinyin=node.pinyin,
                   aliases=list(node.aliases), posts=[post_dict(p) for p in node.posts],
                   articles=node.articles, context=node.context, measures=node.measures)
    for i, edge in enumerate(graph.edges):
        for end in (edge.source, edge.target):
            if end not in graph.nodes:
                raise ViewError(f"edge {i} ({edge.type}) refers to unknown node {end!r}")
        if keep is not None and (edge.source not in keep or edge.target not in keep):
            continue
        G.add_edge(edge.source, edge.target, key=i, type=edge.type,
                   provenance=[provenance_dict(p) for p in edge.provenance])
    return G


def _keep(G: nx.Graph, max_nodes: int | None, rank: Callable[[Hashable], Any], reason: str) -> nx.Graph:
    """Induced subgraph on the ``max_nodes`` best-ranked nodes, noting what was left out."""
    if max_nodes is None or len(G) <= max_nodes:
        return G
    if max_nodes < 1:
        raise ViewError(f"max_nodes must be at least 1, got {max_nodes}")
    ordered = sorted(G, key=rank)
    kept = G.subgraph(ordered[:max_nodes]).copy()
    left_out = ordered[max_nodes:]
    kept.graph.update(G.graph)
    kept.graph["omitted"] = {
        "reason": reason,
        "max_nodes": max_nodes,
        "total_nodes": G.number_of_nodes(),
        "total_edges": G.number_of_edges(),
        "nodes": len(left_out),
        "edges": G.number_of_edges() - kept.number_of_edges(),
        "node_types": dict(Counter(G.nodes[v].get("type", "?") for v in left_out).most_common()),
    }
    return kept


def whole_view(graph: Graph, max_nodes: int | None = DEFAULT_MAX_NODES) -> nx.MultiDiGraph:
    """Every node and edge; above ``max_nodes`` only the most connected nodes (by degree).

    The ranking is counted on the plain graph, so only the kept part becomes a networkx graph (a
    graph of 20,000 articles has 300,000 edges; a page shows 5,000 nodes)."""
    if max_nodes is not None and max_nodes < 1 and len(graph.nodes) > max_nodes:
        raise ViewError(f"max_nodes must be at least 1, got {max_nodes}")
    degree: Counter = Counter()
    for e in graph.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    if max_nodes is None or len(graph.nodes) <= max_nodes:
        G = to_networkx(graph)
    else:
        ordered = sorted(graph.nodes, key=lambda v: (-degree[v], str(v)))
        keep = set(ordered[:max_nodes])
        G = to_networkx(graph, keep)
        left_out = ordered[max_nodes:]
        G.graph["omitted"] = {
            "reason": "most connected nodes kept",
            "max_nodes": max_nodes,
            "total_nodes": len(graph.nodes),
            "total_edges": len(graph.edges),
            "nodes": len(left_out),
            "edges": len(graph.edges) - G.number_of_edges(),
            "node_types": dict(Counter(graph.nodes[v].type for v in left_out).most_common()),
        }
    G.graph["title"] = "zhengwu-kg: whole graph"
    return G


def _fold(text: str) -> str:
    """Case, width, tone-mark and space insensitive form for matching names and pinyin."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", "", text).casefold()


def find_nodes(graph: Graph, query: str) -> list[str]:
    """IRIs matching ``query``: the IRI itself, else exact label, else alias, else pinyin."""
    if query in graph.nodes:
        return [query]
    q = _fold(query)
    for field in ("label", "aliases", "pinyin"):
        hits = []
        for iri, node in graph.nodes.items():
            values = node.aliases if field == "aliases" else [getattr(node, field) or ""]
            if any(_fold(v) == q for v in values if v):
                hits.append(iri)
        if hits:
            return sorted(hits)
    return []


def ego_view(graph: Graph, focus: str, depth: int = 1,
             max_nodes: int | None = DEFAULT_MAX_NODES) -> nx.MultiDiGraph:
    """``focus`` and everything within ``depth`` hops of it (edges followed in both directions)."""
    if depth < 0:
        raise ViewError(f"depth must be 0 or more, got {depth}")
    hits = find_nodes(graph, focus)
    if not hits:
        raise ViewError(f"no node is named {focus!r} (give a name, alias, pinyin or IRI)")
    if len(hits) > 1:
        names = "; ".join(f"{graph.nodes[h].label} ({graph.nodes[h].type}"
                          f"{', ' + graph.nodes[h].context if graph.nodes[h].context else ''}) {h}"
                          for h in hits[:10])
        raise ViewError(f"{focus!r} names {len(hits)} nodes, pass one IRI instead: {names}")
    centre = hits[0]
    G = to_networkx(graph)
    dist = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), centre, cutoff=depth)
    ego = G.subgraph(dist).copy()
    ego.graph.update(G.graph)
    ego.graph.update(view="ego", focus=centre, depth=depth,
                     title=f"zhengwu-kg: {graph.nodes[centre].label}, {depth} hop(s)")
    degree = dict(ego.degree())
    return _keep(ego, max_nodes, lambda v: (dist[v], -degree[v], str(v)), "nearest nodes kept")


def coattendance_view(graph: Graph, max_nodes: int | None = DEFAULT_MAX_NODES,
                      presence: tuple[str, ...] = PRESENCE) -> nx.Graph:
    """Officials linked by the meetings they were at together (attended, presided or addressed).

    Edge ``weight`` is the number of shared meetings; ``meetings`` lists them. Officials who shared
    no meeting with anyone are left out: they would be isolated dots.
    """
    at: dict[str, set[str]] = defaultdict(set)
    evidence: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for edge in graph.edges:
        src, dst = graph.nodes.get(edge.source), graph.nodes.get(edge.target)
        if edge.type in presence and src and dst and src.type == "Official" and dst.type == "Meeting":
            at[edge.target].add(edge.source)
            evidence[(edge.source, edge.target)].extend(provenance_dict(p) for p in edge.provenance)
    G = nx.Graph(view="coattendance", title="zhengwu-kg: officials' co-attendance",
                 articles=_articles(graph))
    for meeting in sorted(at):
        m = graph.nodes[meeting]
        dates = sorted({p["date"] for o in at[meeting] for p in evidence[(o, meeting)] if p.get("date")})
        info = {"iri": meeting, "label": m.label, "date": dates[0] if dates else None,
                "articles": m.articles}
        for a, b in combinations(sorted(at[meeting]), 2):
            for o in (a, b):
                if o not in G:
                    node = graph.nodes[o]
                    G.add_node(o, type=node.type, label=node.label, pinyin=node.pinyin,
                               aliases=list(node.aliases), posts=[post_dict(p) for p in node.posts],
                               articles=node.articles, context=node.context, measures=node.measures)
            if G.has_edge(a, b):
                G[a][b]["weight"] += 1
                G[a][b]["meetings"].append(info)
            else:
                G.add_edge(a, b, type="co-attended", weight=1, meetings=[info], provenance=[])
    for a, b, data in G.edges(data=True):
        data["provenance"] = [p for m in data["meetings"]
                              for p in evidence[(a, m["iri"])] + evidence[(b, m["iri"])]]
    strength = dict(G.degree(weight="weight"))
    return _keep(G, max_nodes, lambda v: (-strength[v], str(v)), "officials with most shared meetings kept")


VIEWS = {"whole", "ego", "coattendance"}
