"""`kg viz --size degree|weighted-degree|betweenness --color type|community`: node size and colour by
the officials' co-attendance measures (kg/measures.py); the defaults draw what they drew before."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.measures import annotate
from research_support import HOSTILE_OFFICIAL, iri, research_graph
from test_viz_render import Collect
from viz.render import node_size, page_data, render_html
from viz.style import COMMUNITY_COLORS, NO_COMMUNITY, OTHER_COMMUNITY, node_style
from viz.views import coattendance_view, whole_view


def _page(html: str) -> tuple[list[dict], dict]:
    doc = Collect()
    doc.feed(html)
    return json.loads(doc.scripts["kg-nodes"]), json.loads(doc.scripts["kg-page"])


def _by_iri(nodes: list[dict], page: dict) -> dict[str, dict]:
    return {page["nodeInfo"][n["id"]]["iri"]: n for n in nodes}


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("viz-measures")
    g = research_graph()
    annotate(g)
    (d / "graph.json").write_text(json.dumps(g.to_dict(), ensure_ascii=False), encoding="utf-8")
    return d


def _annotated():
    g = research_graph()
    annotate(g)
    return g


def test_defaults_size_by_degree_in_the_view_and_colour_by_type():
    g = _annotated()
    G = whole_view(g)
    nodes, page = _page(render_html(G))
    by = _by_iri(nodes, page)
    degree = dict(G.degree())
    assert all(by[v]["size"] == node_size(degree[v]) for v in G)
    assert all(by[v]["color"] == node_style(G.nodes[v]["type"])["color"] for v in G)
    assert page["sizeBy"] == "degree" and page["colorBy"] == "type" and page["communities"] is None


def test_size_by_betweenness_makes_the_broker_biggest(build, tmp_path):
    out = tmp_path / "co.html"
    assert main(["viz", str(build), "-o", str(out), "--view", "coattendance", "--size", "betweenness"]) == 0
    nodes, page = _page(out.read_text(encoding="utf-8"))
    by = _by_iri(nodes, page)
    sun, chen, zhou = by[iri("official", "sun")], by[iri("official", "chen")], by[iri("official", "zhou")]
    assert sun["size"] == 40.0 and zhou["size"] == 10.0  # the largest value, and 0
    assert 10.0 < chen["size"] < sun["size"]  # 5/28 against 16/28: area ∝ value
    assert chen["size"] == pytest.approx(10 + 30 * (5 / 16) ** 0.5, abs=0.1)
    default, _ = _page(render_html(coattendance_view(_annotated())))
    assert [n["size"] for n in default] != [n["size"] for n in nodes]  # the option changed the sizes
    assert page["sizeBy"] == "betweenness"
    info = {i["iri"]: i for i in page["nodeInfo"]}
    assert info[iri("official", "sun")]["measures"]["degree"] == 6


def test_colour_by_community_and_its_legend(build, tmp_path):
    out = tmp_path / "whole.html"
    assert main(["viz", str(build), "-o", str(out), "--color", "community", "--size", "weighted-degree"]) == 0
    nodes, page = _page(out.read_text(encoding="utf-8"))
    by = _by_iri(nodes, page)
    assert {by[iri("official", o)]["color"] for o in ("sun", "zhou", "wu", "zheng", "feng")} == {COMMUNITY_COLORS[0]}
    assert {by[iri("official", o)]["color"] for o in ("chen", "wang", "ouyang", "zhao")} == {COMMUNITY_COLORS[1]}
    assert by[iri("official", "gu")]["color"] == NO_COMMUNITY and by[iri("meeting", "m1")]["color"] == NO_COMMUNITY
    assert by[iri("official", "sun")]["size"] == node_size(6) and by[iri("meeting", "m1")]["size"] == node_size(0)
    assert page["communities"] == [
        {"label": "community 0", "color": COMMUNITY_COLORS[0], "count": 5},
        {"label": "community 1", "color": COMMUNITY_COLORS[1], "count": 4},
        {"label": "not in the network", "color": NO_COMMUNITY, "count": len(nodes) - 9}]
    assert {t["color"] for t in page["nodeTypes"]} == {OTHER_COMMUNITY}  # the type legend keeps shapes only
    assert page["colorBy"] == "community"


def test_measures_are_computed_for_a_graph_json_without_them(tmp_path):
    d = tmp_path / "old"
    d.mkdir()
    data = research_graph().to_dict()
    for n in data["nodes"]:
        n.pop("measures")  # a graph.json from before the measures
    (d / "graph.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "p.html"
    assert main(["viz", str(d), "-o", str(out), "--view", "coattendance", "--color", "community"]) == 0
    nodes, page = _page(out.read_text(encoding="utf-8"))
    assert _by_iri(nodes, page)[iri("official", "sun")]["color"] == COMMUNITY_COLORS[0]


def test_small_communities_share_a_colour():
    g = _annotated()
    g.nodes[iri("official", "feng")].measures["community"] = len(COMMUNITY_COLORS) + 3
    data = page_data(whole_view(g), {v: (0.0, 0.0) for v in g.nodes}, color="community")
    assert {"label": "smaller communities", "color": OTHER_COMMUNITY, "count": 1} in data["page"]["communities"]


def test_unknown_size_or_colour_is_refused(build, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["viz", str(build), "-o", str(tmp_path / "x.html"), "--size", "pagerank"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown colour"):
        page_data(whole_view(research_graph()), {}, color="rainbow")
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
@pytest.mark.browser
def test_community_page_in_a_browser(build, tmp_path):
    """The legend lists the communities, the details name the measures, hostile labels stay text."""
    from viz_support import chromium, open_page

    out = tmp_path / "co.html"
    assert main(["viz", str(build), "-o", str(out), "--view", "coattendance", "--size", "betweenness",
                 "--color", "community"]) == 0
    with chromium() as browser:
        page, log = open_page(browser, out)
        legend = page.inner_text("#kg-communities")
        assert "community 0" in legend and "community 1" in legend
        assert "betweenness (co-attendance)" in page.inner_text("#kg-encoding")
        sizes = page.evaluate("kgView.nodes.get().map(n => n.size)")
        assert max(sizes) == 40.0 and min(sizes) == 10.0
        zhao = page.evaluate("iri => kgView.page.nodeInfo.findIndex(n => n.iri === iri)", iri("official", "zhao"))
        page.evaluate("id => kgView.focusNode(id)", zhao)
        details = page.text_content("#kg-details")
        assert HOSTILE_OFFICIAL in details and "Co-attendance: 3 officials, 3 shared meetings" in details
        assert page.evaluate("typeof window.__pwned") == "undefined" and log.errors == [] and log.outside == []
        page.context.close()
