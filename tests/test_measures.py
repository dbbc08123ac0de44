"""The officials' co-attendance network and its measures (kg/measures.py): the numbers worked out by
hand on a small graph, deterministic in every process and order, bounded on big networks, and
written by `kg build` into graph.json (an updated build equal to a fresh one)."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg import measures as M
from kg.graph import Graph
from research_support import BETWEENNESS, DEGREE, NETWORK, WEIGHTED, iri, research_graph

ROOT = Path(__file__).resolve().parents[1]


def test_network_links_officials_who_shared_a_meeting():
    g = research_graph()
    net = M.network(g)
    assert net.officials == sorted(iri("official", o) for o in NETWORK)  # 顾 (alone) and the Person are out
    assert (net.n, net.m) == (9, 18) and net.density == pytest.approx(0.5)
    idx = {o: net.officials.index(iri("official", o)) for o in NETWORK}
    pair = lambda a, b: net.weights[tuple(sorted((idx[a], idx[b])))]  # noqa: E731
    assert pair("chen", "wang") == 2  # m1 (attended; 陈 also addressed it: still one meeting) and m2 (王 presided)
    assert pair("zhou", "wu") == 2 and pair("sun", "feng") == 1
    assert (idx["chen"], idx["zhou"]) not in net.weights and (idx["zhou"], idx["chen"]) not in net.weights
    assert net.meetings[iri("meeting", "m5")] == [iri("official", "gu")]


def test_measures_match_the_hand_computed_values():
    got = M.compute(research_graph())
    assert set(got) == {iri("official", o) for o in NETWORK}
    for o in NETWORK:
        m = got[iri("official", o)]
        assert list(m) == list(M.MEASURES)
        assert m["degree"] == DEGREE[o], o
        assert m["weighted_degree"] == WEIGHTED[o], o
        assert m["betweenness"] == pytest.approx(BETWEENNESS.get(o, 0.0), abs=1e-6), o
    community = {o: got[iri("official", o)]["community"] for o in NETWORK}
    # two groups joined by 孙海, who sits with the larger one (5 against 4): that one is community 0
    assert {community[o] for o in ("sun", "zhou", "wu", "zheng", "feng")} == {0}
    assert {community[o] for o in ("chen", "wang", "ouyang", "zhao")} == {1}


def test_annotate_sets_measures_only_on_officials_in_the_network():
    g = research_graph()
    assert M.annotate(g) == 9
    assert g.nodes[iri("official", "sun")].measures["degree"] == 6
    assert g.nodes[iri("official", "gu")].measures is None  # at a meeting, but alone
    assert all(n.measures is None for n in g.nodes.values() if n.type != "Official")
    back = Graph.from_dict(json.loads(json.dumps(g.to_dict(), ensure_ascii=False)))  # graph.json shape
    assert back.nodes[iri("official", "sun")].measures == g.nodes[iri("official", "sun")].measures
    assert Graph.from_dict({**g.to_dict(), "nodes": [{k: v for k, v in n.items() if k != "measures"}
                                                     for n in g.to_dict()["nodes"]]}).nodes[iri("official", "sun")].measures is None


def test_measures_do_not_depend_on_the_order_of_nodes_and_edges():
    from viz.synthetic import synthetic_graph

    g = synthetic_graph(600, seed=3)
    before = M.compute(g)
    rng = random.Random(1)
    items = list(g.nodes.items())
    rng.shuffle(items)
    g.nodes = dict(items)
    rng.shuffle(g.edges)
    after = M.compute(g)
    assert after == before
    assert len({m["community"] for m in before.values()}) > 1


def test_measures_are_the_same_in_every_process():
    """Louvain and sampled betweenness run on integer nodes in IRI order: string hashing (which
    changes with PYTHONHASHSEED) cannot change a community or a sampled source."""
    code = ("import json, sys; sys.path.insert(0, 'tests'); from viz.synthetic import synthetic_graph; "
            "from kg.measures import compute; print(json.dumps(compute(synthetic_graph(900, seed=5), budget=200_000), "
            "sort_keys=True))")
    outs = set()
    for seed in ("0", "1", "12345"):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outs.add(proc.stdout)
    assert len(outs) == 1
    assert len({m["community"] for m in json.loads(outs.pop()).values()}) > 1


def test_betweenness_is_exact_on_small_networks_and_sampled_on_big_ones():
    assert M.betweenness_sources(9, 18) is None
    assert M.betweenness_sources(1_000, 10_000, budget=M.BETWEENNESS_BUDGET) == 363  # 4e6 // 11,000
    assert M.betweenness_sources(100_000, 1_000_000) == M.BETWEENNESS_MIN_SOURCES
    assert M.betweenness_sources(90, 100, budget=1_000) is None  # 50 sources would be most of 90: exact
    assert M.betweenness_sources(120, 100, budget=1_000) == 50

    from viz.synthetic import synthetic_graph

    g = synthetic_graph(1200, seed=2)
    net = M.network(g)
    k = M.betweenness_sources(net.n, net.m, budget=100_000)
    assert k is not None and k < net.n
    exact, sampled = M.compute(g, budget=10**12), M.compute(g, budget=100_000)
    assert sampled == M.compute(g, budget=100_000)  # fixed seed
    assert any(exact[o]["betweenness"] != sampled[o]["betweenness"] for o in exact)  # an estimate…
    top = sorted(exact, key=lambda o: -exact[o]["betweenness"])[:5]
    top_sampled = sorted(sampled, key=lambda o: -sampled[o]["betweenness"])[:10]
    assert len(set(top) & set(top_sampled)) >= 3  # …that finds the same brokers
    assert M.summary(g, exact)["betweenness"] == "exact"  # default budget: this size is exact
    assert {k: sampled[o][k] for o in sampled for k in ("degree", "community")} == \
        {k: exact[o][k] for o in exact for k in ("degree", "community")}


def test_networkx_agrees_on_the_labelled_network():
    g = research_graph()
    G = M.to_networkx(M.network(g), labels=True, graph=g)
    assert G.nodes[iri("official", "sun")]["label"] == "孙海"
    got = M.compute(g)
    expect = nx.betweenness_centrality(G)
    assert all(got[v]["betweenness"] == pytest.approx(expect[v], abs=1e-6) for v in G)


def test_empty_and_meetingless_graphs_have_no_measures():
    assert M.compute(Graph(base_iri="https://example.org/")) == {}
    g = research_graph()
    g.edges = [e for e in g.edges if e.type not in M.PRESENCE]
    assert M.compute(g) == {} and M.annotate(g) == 0
    assert M.summary(g, {})["officials"] == 0 and M.summary(g, {})["density"] == 0.0


# ------------------------------------------------------------------------------- in graph.json

def _graph_json_writer():
    from kg.writers import WRITERS

    return [w for w in WRITERS if w[0] == "graph.json"]


def test_build_writes_the_measures_into_graph_json():
    from _kg_builds import fixture_build
    from loaders.graphfile import read_graph

    out = fixture_build()
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    held = {n["iri"]: n["measures"] for n in data["nodes"] if n.get("measures")}
    assert held and all(set(m) == set(M.MEASURES) for m in held.values())
    graph = read_graph(out)
    for n in graph.nodes.values():
        n.measures = None
    assert M.compute(graph) == held  # what a fresh computation gives


def test_an_updated_graph_json_equals_a_fresh_one_when_only_measures_changed(tmp_path):
    """周 and 吴 meet again (m4): their node data is unchanged but their weighted degree is not —
    the block of each must be made again, not copied from the previous file."""
    from kg.publish import write_outputs

    out, fresh = tmp_path / "out", tmp_path / "fresh"
    write_outputs(research_graph(with_m4=False), out, _graph_json_writer())
    before = {n["iri"]: n["measures"] for n in json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]}
    assert before[iri("official", "zhou")]["weighted_degree"] == 4
    write_outputs(research_graph(), out, _graph_json_writer())
    write_outputs(research_graph(), fresh, _graph_json_writer())
    assert (out / "graph.json").read_bytes() == (fresh / "graph.json").read_bytes()
    after = {n["iri"]: n["measures"] for n in json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]}
    assert after[iri("official", "zhou")]["weighted_degree"] == 5
