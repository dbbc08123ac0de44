"""One call from a resolved graph to an HTML file: what ``kg viz`` and ``kg build`` use.

Cheap to import (networkx, pyvis and Jinja are imported on first use), because ``kg build`` names
``write_page`` in its writer list whether or not a page is wanted in that process.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from kg.graph import Graph

if TYPE_CHECKING:
    import networkx as nx

VIEWS = ("whole", "ego", "coattendance")
DEFAULT_MAX_NODES = 5000  # the whole-graph page stays interactive within 5 s at this size


def view_graph(graph: Graph, view: str = "whole", focus: str | None = None, depth: int = 1,
               max_nodes: int | None = DEFAULT_MAX_NODES) -> "nx.Graph":
    """The networkx graph of one view (see ``viz.views``)."""
    from viz.views import ViewError, coattendance_view, ego_view, whole_view

    if view == "whole":
        return whole_view(graph, max_nodes=max_nodes)
    if view == "ego":
        if not focus:
            raise ViewError("the ego view needs --focus NAME_OR_IRI")
        return ego_view(graph, focus, depth=depth, max_nodes=max_nodes)
    if view == "coattendance":
        return coattendance_view(graph, max_nodes=max_nodes)
    raise ViewError(f"unknown view {view!r} (choose from {', '.join(VIEWS)})")


def write_page(graph: Graph, path: str | os.PathLike, view: str = "whole", focus: str | None = None,
               depth: int = 1, max_nodes: int | None = DEFAULT_MAX_NODES, size: str = "degree",
               color: str = "type") -> Path:
    """Render a view of ``graph`` to ``path`` (written whole or not at all). ``size`` (degree,
    weighted-degree, betweenness) and ``color`` (type, community) choose what nodes show; the
    co-attendance measures come from graph.json, or are computed here for a graph without them."""
    from viz.render import render_html, write_html

    if (size not in ("degree",) or color not in ("type",)) and not any(n.measures for n in graph.nodes.values()):
        from kg.measures import annotate

        annotate(graph)
    return write_html(render_html(view_graph(graph, view, focus, depth, max_nodes), size=size, color=color), path)
