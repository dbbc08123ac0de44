"""The exports on the sample build (`kg build data/samples`, real extraction): the careers table as CSV
and Parquet reads back with pandas equal to `kg.careers.careers`; GraphML and GEXF read back with
networkx with the same nodes, edges and attributes; the sample's career change is in the table."""
from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest

from _kg_builds import samples_build
from kg.careers import COLUMNS, careers
from kg.cli import main
from kg.graph import Graph


@pytest.fixture(scope="module")
def build():
    return samples_build()


@pytest.fixture(scope="module")
def graph(build) -> Graph:
    return Graph.from_dict(json.loads((build / "graph.json").read_text(encoding="utf-8")))


def _expected(graph: Graph) -> pd.DataFrame:
    return pd.DataFrame(careers(graph), columns=list(COLUMNS)).astype({"spell": "int64", "n_articles": "int64"})


def test_careers_csv_and_parquet_of_the_sample_build_read_back_equal(build, graph, tmp_path):
    expected = _expected(graph)
    assert len(expected) > 20
    assert main(["export", "careers", str(build), "-o", str(tmp_path / "careers.csv")]) == 0
    assert main(["export", "careers", str(build), "-o", str(tmp_path / "careers.parquet")]) == 0
    csv = pd.read_csv(tmp_path / "careers.csv", keep_default_na=False,
                      dtype={c: str for c in COLUMNS if c not in ("spell", "n_articles")})
    pd.testing.assert_frame_equal(csv, expected)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "careers.parquet"), expected)
    han = expected[expected.name == "韩立新"]
    assert "confirmed (代 → 正)" in set(han.change)  # 代市长 (2024-01) → 市长 (2024-06) in the samples


@pytest.mark.parametrize("fmt, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_files_of_the_sample_build_read_back(build, graph, tmp_path, fmt, read):
    path = tmp_path / f"graph.{fmt}"
    assert main(["export", fmt, str(build), "-o", str(path)]) == 0
    g = read(str(path))
    assert set(g.nodes) == set(graph.nodes)
    pairs = {(e.source, e.target) for e in graph.edges}
    assert {(u, v) for u, v, *_ in g.edges(data=False)} == pairs
    for iri, node in graph.nodes.items():
        attrs = g.nodes[iri]
        assert attrs["label"] == node.label and attrs["type"] == node.type
        if node.measures:
            assert int(attrs["degree"]) == node.measures["degree"]
