"""One call from a resolved graph to an HTML file: what ``kg viz`` and ``kg build`` use."""
from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from kg.graph import Graph
from viz.render import render_html, write_html
from viz.views import DEFAULT_MAX_NODES, ViewError, coattendance_view, ego_view, whole_view

VIEWS = ("whole", "ego", "coattendance")


def view_graph(graph: Graph, view: str = "whole", focus: str | None = None, depth: int = 1,
               max_nodes: int | None = DEFAULT_MAX_NODES) -> nx.Graph:
    """The networkx graph of one view (see ``viz.views``)."""
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
               depth: int = 1, max_nodes: int | None = DEFAULT_MAX_NODES) -> Path:
    """Render a view of ``graph`` to ``path`` (written whole or not at all)."""
    return write_html(render_html(view_graph(graph, view, focus, depth, max_nodes)), path)
