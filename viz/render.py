"""Render a view (networkx graph from ``viz.views``) to one self-contained UTF-8 HTML page.

pyvis builds the vis-network node and edge lists and renders our template (``viz/templates``)
instead of its own: pyvis 0.3.2's template loads Bootstrap (and, for its menus, tom-select) from a
CDN even with ``cdn_resources="in_line"``. vis-network's JS/CSS are inlined from the copies pyvis
bundles, so the page makes no network request at all.

Escaping: graph data never becomes markup. Nodes, edges, options and tooltip data are JSON inside
``<script type="application/json">`` blocks with ``<``, ``>``, ``&`` and U+2028/2029 written as
``\\uXXXX`` (so ``</script>`` in a label cannot close the block); the page JS sets every text with
``textContent`` and gives vis-network no HTML ``title`` strings.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter, defaultdict
from importlib.metadata import version
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Hashable

import networkx as nx
import pyvis
from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from pyvis.network import Network

from viz.layout import layout
from viz.style import (COLORS, COMMUNITY_COLORS, EDGE_STYLE, FONT_STACK, NO_COMMUNITY, NODE_STYLE, OTHER_COMMUNITY,
                        SIZES, community_color, edge_style, node_size, node_style, share_size)

TEMPLATES = files("viz") / "templates"  # package data (importlib.resources)
PYVIS_LIB = Path(pyvis.__file__).parent / "templates" / "lib"
VIS_DIR = PYVIS_LIB / "vis-9.1.2"
MAX_EVIDENCE = 5  # statements per edge carried into the page (the rest are counted)
BIG = 1000  # above this many nodes or edges: no edge labels or label outlines, no edges while dragging

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def script_json_text(text: str) -> Markup:
    """Make JSON text safe inside an HTML <script> element (only escapes inside strings change)."""
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: _ESCAPES[m.group()], text))


def script_json(value: Any) -> Markup:
    return script_json_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _inline(path: Traversable, closing: str) -> Markup:
    """A bundled asset as inline text; it must not be able to close its own element."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(f"</({closing})", r"<\\/\1", text, flags=re.IGNORECASE)
    if "<!--" in text:
        raise ValueError(f"{path}: '<!--' would change how the browser parses the inline block")
    return Markup(text)


def _date(value: str | None) -> str | None:
    """ISO day for the date filter: '2020-01' -> '2020-01-01'; '--01-29' or junk -> None."""
    m = _DATE.match(value or "")
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}"


def _posts(posts: list[dict[str, Any]], articles: dict[str, dict[str, Any]]) -> list[list[Any]]:
    """Titles over time, one row per title with its dates in order: [[title, [date, ...]], ...]."""
    dates: dict[str, set[str]] = defaultdict(set)
    for p in posts:
        d = p.get("date") or articles.get(p.get("article"), {}).get("published")
        dates[p["title"]]  # keep titles even when undated
        if d:
            dates[p["title"]].add(d)
    rows = [[t, sorted(ds)] for t, ds in dates.items()]
    return sorted(rows, key=lambda r: (r[1][0] if r[1] else "9999", r[0]))


def _measure(data: dict[str, Any], key: str) -> Any:
    return (data.get("measures") or {}).get(key)


def node_sizes(G: nx.Graph, size: str = "degree") -> dict[Hashable, float]:
    """Each node's drawn size: by its degree in the view (default), or by an official's
    co-attendance ``weighted-degree`` or ``betweenness`` (``measures``; nodes without one: smallest)."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r} (choose from {', '.join(SIZES)})")
    if size == "degree":
        return {v: node_size(d) for v, d in G.degree()}
    if size == "weighted-degree":
        return {v: node_size(_measure(data, "weighted_degree") or 0) for v, data in G.nodes(data=True)}
    values = {v: _measure(data, "betweenness") or 0.0 for v, data in G.nodes(data=True)}
    top = max(values.values(), default=0.0)
    return {v: share_size(b / top if top > 0 else 0.0) for v, b in values.items()}


def node_colors(G: nx.Graph, color: str = "type") -> dict[Hashable, str]:
    """Each node's colour: by entity type (default) or by co-attendance ``community``."""
    if color not in COLORS:
        raise ValueError(f"unknown colour {color!r} (choose from {', '.join(COLORS)})")
    if color == "type":
        return {v: node_style(data.get("type", "?"))["color"] for v, data in G.nodes(data=True)}
    return {v: community_color(_measure(data, "community")) for v, data in G.nodes(data=True)}


def _community_legend(G: nx.Graph) -> list[dict[str, Any]]:
    counts = Counter(_measure(data, "community") for _, data in G.nodes(data=True))
    named = sorted(c for c in counts if c is not None and 0 <= c < len(COMMUNITY_COLORS))
    items = [{"label": f"community {c}", "color": COMMUNITY_COLORS[c], "count": counts[c]} for c in named]
    other = sum(n for c, n in counts.items() if c is not None and c not in named)
    if other:
        items.append({"label": "smaller communities", "color": OTHER_COMMUNITY, "count": other})
    if counts[None]:
        items.append({"label": "not in the network", "color": NO_COMMUNITY, "count": counts[None]})
    return items


def page_data(G: nx.Graph, pos: dict[Hashable, tuple[float, float]], size: str = "degree",
              color: str = "type") -> dict[str, Any]:
    """Everything the page needs, with nodes numbered 0..n-1 and edges 0..m-1 in G's order.

    ``size`` and ``color`` choose what node size and colour show (:func:`node_sizes`,
    :func:`node_colors`); by default the degree in the view and the entity type.

    Big graphs get no edge labels: vis-network draws every edge label on every frame, on screen or
    not (at 7,500 edges ~0.9 s a frame against ~0.1 s without); colour, legend and tooltip still
    name each relation.
    """
    edge_labels = not _is_big(G.number_of_nodes(), G.number_of_edges())
    articles = G.graph.get("articles", {})
    art_index: dict[str, int] = {}
    art_list: list[dict[str, Any]] = []

    def art(iri: str) -> int:
        if iri not in art_index:
            a = articles.get(iri, {})
            art_index[iri] = len(art_list)
            art_list.append({"title": a.get("title"), "date": a.get("published"),
                             "url": a.get("url"), "path": a.get("path") or iri})
        return art_index[iri]

    ids = {v: i for i, v in enumerate(G)}
    degree = dict(G.degree())
    sizes, colors = node_sizes(G, size), node_colors(G, color)
    vis_nodes, node_info = [], []
    for v, data in G.nodes(data=True):
        t = data.get("type", "?")
        st = node_style(t)
        dates = sorted({d for a in data.get("articles", [])
                        if (d := _date(articles.get(a, {}).get("published")))})
        x, y = pos[v]
        vis_nodes.append({"id": ids[v], "label": data.get("label") or str(v), "shape": st["shape"],
                          "color": colors[v],
                          "size": sizes[v], "x": round(x, 1), "y": round(y, 1),
                          "kgType": t, "dates": dates})
        node_info.append({
            "iri": str(v), "name": data.get("label") or str(v), "type": t,
            "pinyin": data.get("pinyin"), "aliases": data.get("aliases") or [],
            "context": data.get("context"), "degree": degree[v], "measures": data.get("measures"),
            "posts": _posts(data.get("posts", []), articles),
            "articles": [art(a) for a in data.get("articles", [])],
        })
    vis_edges, edge_info = [], []
    parallel: Counter = Counter()
    edge_iter = G.edges(keys=True, data=True) if G.is_multigraph() else \
        ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, _key, data in edge_iter:
        t = data.get("type", "?")
        prov = data.get("provenance", [])
        dates = sorted({d for p in prov
                        if (d := _date(p.get("date") or articles.get(p.get("article"), {}).get("published")))})
        if not dates and data.get("meetings"):
            dates = sorted({d for m in data["meetings"] if (d := _date(m.get("date")))})
        pair = tuple(sorted((ids[u], ids[v])))
        k = parallel[pair]
        parallel[pair] += 1
        edge_color = edge_style(t)["color"]
        e = {"id": len(vis_edges), "color": edge_color, "kgType": t, "dates": dates}
        if edge_labels:
            e["label"] = t if "weight" not in data else str(data["weight"])
        if k:  # parallel edges (e.g. attended + addressed) curve apart instead of overlapping
            e["smooth"] = {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW",
                           "roundness": 0.15 * ((k + 1) // 2)}
        if "weight" in data:
            e["width"] = round(min(1 + 1.5 * (data["weight"] - 1), 8), 1)
        vis_edges.append((ids[u], ids[v], e))
        seen, evidence = set(), []
        for p in prov:
            key = (p.get("sentence"), p.get("article"))
            if key in seen:
                continue
            seen.add(key)
            evidence.append([p.get("sentence") or "", art(p["article"]),
                             p.get("date") or articles.get(p["article"], {}).get("published")])
        info: dict[str, Any] = {"type": t, "evidence": evidence[:MAX_EVIDENCE],
                                "more": max(0, len(evidence) - MAX_EVIDENCE)}
        if "weight" in data:
            info["weight"] = data["weight"]
            info["meetings"] = [[m.get("label"), m.get("date")] for m in data.get("meetings", [])]
        edge_info.append(info)
    all_dates = sorted({d for n in vis_nodes for d in n["dates"]} |
                       {d for _, _, e in vis_edges for d in e["dates"]})
    node_counts = Counter(n["kgType"] for n in vis_nodes)
    edge_counts = Counter(e["kgType"] for _, _, e in vis_edges)
    node_types = [t for t in NODE_STYLE if node_counts[t]] + sorted(set(node_counts) - set(NODE_STYLE))
    rel_types = [t for t in EDGE_STYLE if edge_counts[t]] + sorted(set(edge_counts) - set(EDGE_STYLE))
    focus = G.graph.get("focus")
    return {
        "vis_nodes": vis_nodes,
        "vis_edges": vis_edges,
        "page": {
            "title": G.graph.get("title", "zhengwu-kg"),
            "view": G.graph.get("view", "whole"),
            "focus": ids.get(focus) if focus is not None else None,
            "omitted": G.graph.get("omitted"),
            "nodeTypes": [{"type": t, "count": node_counts[t], **node_style(t),
                           **({"color": OTHER_COMMUNITY} if color != "type" else {})} for t in node_types],
            "sizeBy": size,
            "colorBy": color,
            "communities": _community_legend(G) if color == "community" else None,
            "relTypes": [{"type": t, "count": edge_counts[t], **edge_style(t)} for t in rel_types],
            "articles": art_list,
            "nodeInfo": node_info,
            "edgeInfo": edge_info,
            "dateRange": [all_dates[0], all_dates[-1]] if all_dates else None,
        },
    }


def _is_big(n_nodes: int, n_edges: int) -> bool:
    return n_nodes > BIG or n_edges > BIG


def vis_options(directed: bool, n_nodes: int, n_edges: int) -> dict[str, Any]:
    """vis-network options: no physics (positions are precomputed), CJK fonts, hover for tooltips.

    Big graphs lose the white outline behind labels: vis-network strokes every label it draws on
    every frame, and at 5,000 nodes / 7,500 edges the outlines alone cost ~0.7 s a frame (measured
    with bench/bench_viz.py's page: 0.85 s a frame with them, 0.09 s without).
    """
    big = _is_big(n_nodes, n_edges)
    return {
        "autoResize": True,
        "nodes": {"font": {"face": FONT_STACK, "size": 14, "color": "#222",
                           "strokeWidth": 0 if big else 3, "strokeColor": "#ffffff"},
                  "borderWidth": 1, "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"font": {"face": FONT_STACK, "size": 10, "color": "#555", "align": "middle",
                           "strokeWidth": 0 if big else 2, "strokeColor": "#ffffff"},
                  "smooth": False, "width": 1, "selectionWidth": 2,
                  "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
                  "scaling": {"label": {"drawThreshold": 6}}},
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "tooltipDelay": 150, "keyboard": False, "multiselect": False},
    }


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("viz", "templates"), autoescape=True)
    env.filters["scriptjson"] = script_json
    env.filters["scriptjson_text"] = script_json_text
    env.globals.update(
        vis_js=_inline(VIS_DIR / "vis-network.min.js", "script"),
        vis_css=_inline(VIS_DIR / "vis-network.css", "style"),
        page_js=_inline(TEMPLATES / "page.js", "script"),
        page_css=_inline(TEMPLATES / "page.css", "style"),
        pyvis_version=version("pyvis"),
    )
    return env


def render_html(G: nx.Graph, title: str | None = None, seed: int = 0, size: str = "degree",
                color: str = "type") -> str:
    """The page for view ``G`` as a string (positions from ``viz.layout``; deterministic); node
    size and colour as :func:`page_data` takes them."""
    data = page_data(G, layout(G, seed=seed), size=size, color=color)
    heading = title or data["page"]["title"]
    data["page"]["title"] = heading
    directed = G.is_directed()
    net = Network(height="100%", width="100%", directed=directed, heading=heading,
                  cdn_resources="in_line")
    for n in data["vis_nodes"]:
        n = dict(n)
        net.add_node(n.pop("id"), label=n.pop("label"), shape=n.pop("shape"), **n)
    for u, v, e in data["vis_edges"]:
        net.add_edge(u, v, **e)
    net.options = vis_options(directed, len(data["vis_nodes"]), len(data["vis_edges"]))
    net.templateEnv = _environment()
    net.templateEnv.globals["page"] = data["page"]
    net.path = "page.html"
    return net.generate_html(name="page.html")


def write_html(html: str, path: str | os.PathLike) -> Path:
    """Write ``html`` to ``path`` whole or not at all (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; the page is meant to be shared
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(html)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
