"""The view functions (Graph -> networkx) and the precomputed layout: pure, no browser."""
from __future__ import annotations

import math

import networkx as nx
import pytest

from viz.layout import layout
from viz.synthetic import synthetic_graph
from viz.views import ViewError, coattendance_view, ego_view, find_nodes, whole_view
from viz_support import BASE, sample_graph


def iri(kind: str, local: str) -> str:
    return f"{BASE}{kind}/{local}"


def test_whole_view_keeps_every_node_and_edge_with_attributes():
    g = sample_graph()
    G = whole_view(g)
    assert G.number_of_nodes() == len(g.nodes) == 13
    assert G.number_of_edges() == len(g.edges) == 15
    assert "omitted" not in G.graph
    chen = G.nodes[iri("official", "chen")]
    assert chen["label"] == "陈立新" and chen["pinyin"] == "Chén Lìxīn"
    assert [p["title"] for p in chen["posts"]] == ["市委书记", "省委常委", "市委书记"]
    assert chen["articles"] == sorted([iri("article", "a1"), iri("article", "a2")])
    # attended and addressed between the same pair stay two edges
    assert G.number_of_edges(iri("official", "chen"), iri("meeting", "m1")) == 2


def test_whole_view_size_limit_keeps_most_connected_and_reports_the_rest():
    g = synthetic_graph(600, seed=4)
    full = whole_view(g, max_nodes=None)
    G = whole_view(g, max_nodes=100)
    assert G.number_of_nodes() == 100
    degree = dict(full.degree())
    cutoff = min(degree[v] for v in G)
    assert all(degree[v] <= cutoff for v in full if v not in G)  # nobody left out beats a kept node
    om = G.graph["omitted"]
    assert om["nodes"] == 500 and om["total_nodes"] == 600 and om["max_nodes"] == 100
    assert om["edges"] == full.number_of_edges() - G.number_of_edges() > 0
    assert sum(om["node_types"].values()) == 500
    assert set(G.edges(keys=True)) <= set(full.edges(keys=True))


def test_find_nodes_by_iri_label_alias_and_pinyin():
    g = sample_graph()
    chen = iri("official", "chen")
    assert find_nodes(g, chen) == [chen]
    assert find_nodes(g, "陈立新") == [chen]
    assert find_nodes(g, "chen lixin") == [chen]  # tone marks, case and spaces do not matter
    assert find_nodes(g, "市指挥部") == [iri("organization", "hq")]
    assert find_nodes(g, "nobody") == []


def test_ego_view_depths():
    g = sample_graph()
    wang = iri("official", "wang")
    G0 = ego_view(g, "王晓红", depth=0)
    assert list(G0) == [wang] and G0.graph["focus"] == wang
    G1 = ego_view(g, "王晓红", depth=1)
    assert set(G1) == {wang, iri("meeting", "m1")}
    G2 = ego_view(g, "王晓红", depth=2)
    assert set(G2) == {wang, iri("meeting", "m1"), iri("official", "chen"), iri("official", "ouyang"),
                       iri("organization", "hq"), iri("policy", "p1")}
    # every edge among the kept nodes is kept, both directions
    assert G2.number_of_edges() == 7


def test_ego_view_errors_name_the_problem():
    g = sample_graph()
    with pytest.raises(ViewError, match="no node is named"):
        ego_view(g, "张三")
    g.nodes[iri("official", "chen2")] = type(g.nodes[iri("official", "chen")])(
        iri=iri("official", "chen2"), type="Official", label="陈立新", context="风川市")
    with pytest.raises(ViewError, match="names 2 nodes.*风川市"):
        ego_view(g, "陈立新")
    with pytest.raises(ViewError, match="depth"):
        ego_view(g, iri("official", "wang"), depth=-1)


def test_coattendance_weights_shared_meetings():
    g = sample_graph()
    G = coattendance_view(g)
    chen, ouyang, wang = iri("official", "chen"), iri("official", "ouyang"), iri("official", "wang")
    li, ayi = iri("official", "li"), iri("official", "ayi")
    assert set(G) == {chen, ouyang, wang, li, ayi}
    assert all(G.nodes[v]["type"] == "Official" for v in G)
    # chen and ouyang were both at m1 and m2 (presided/attended/addressed all count as present)
    assert G[chen][ouyang]["weight"] == 2
    assert [m["label"] for m in G[chen][ouyang]["meetings"]] == ["云岚市疫情防控工作指挥部调度会议", "市委常委会(扩大)会议"]
    assert G[wang][chen]["weight"] == 1 and G[li][ayi]["weight"] == 1
    assert not G.has_edge(wang, li)
    assert G.number_of_edges() == 3 + 6 - 1  # m1: 3 pairs; m2: 6 pairs; chen-ouyang is in both
    assert G[chen][ouyang]["provenance"], "the evidence sentences travel with the edge"


def test_coattendance_size_limit():
    g = synthetic_graph(800, seed=5)
    G = coattendance_view(g, max_nodes=40)
    assert G.number_of_nodes() == 40 and G.graph["omitted"]["nodes"] > 0


@pytest.mark.parametrize("n", [1, 13, 400, 1500])
def test_layout_places_every_node_finitely_and_deterministically(n):
    G = whole_view(synthetic_graph(n, seed=6) if n > 13 else sample_graph(), max_nodes=None)
    if n == 1:
        G = G.subgraph([next(iter(G))]).copy()
    pos = layout(G, seed=1)
    assert set(pos) == set(G)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())
    assert layout(G, seed=1) == pos
    if n > 1:
        assert len({(round(x), round(y)) for x, y in pos.values()}) > 0.95 * len(pos), "nodes piled up"


def test_layout_keeps_unconnected_nodes_out_of_the_graph():
    G = nx.Graph()
    G.add_edges_from([(i, i + 1) for i in range(30)])
    G.add_nodes_from(range(100, 160), type="Place")
    pos = layout(G)
    connected_bottom = max(pos[i][1] for i in range(31))
    assert all(pos[v][1] > connected_bottom for v in range(100, 160))
