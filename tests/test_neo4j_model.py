"""The Neo4j property-graph model, Cypher building and CSV export, without a server (fast)."""
from __future__ import annotations

import csv
import shlex

import pytest

from kg.graph import Edge, Graph, Node
from loaders import neo4j_csv, neo4j_loader
from loaders.neo4j_model import (
    ALL_LABELS, ALL_REL_TYPES, GraphModelError, NodeSet, RelSet, build_model, post_iri,
)
from neo4j_graphs import HOSTILE_NAMES, add_article, expected_counts, sample_graph


def test_neo4j_model_counts_equal_the_graph():
    g = sample_graph()
    counts = build_model(g).counts()
    expected = expected_counts(g)
    expected.pop("Entity")
    assert counts == expected


def test_neo4j_model_is_deterministic_and_hashes_track_content():
    a, b = build_model(sample_graph()), build_model(sample_graph())
    assert a == b
    g2 = add_article(sample_graph())
    m2 = build_model(g2)
    old = {r["key"]: r["hash"] for s in a.nodes for r in s.rows}
    new = {r["key"]: r["hash"] for s in m2.nodes for r in s.rows}
    changed = {k for k in old if old[k] != new[k]}
    # a new article only adds: its mention of an existing official is a new MENTIONS, his title
    # there a new Post; no existing node changes
    assert changed == set()
    chen = "https://zhengwu-kg.example/id/official/chen-ruifeng"
    a3 = "https://zhengwu-kg.example/id/article/a3"
    assert set(new) - set(old) >= {post_iri(g2.base_iri, chen, "市委书记", a3)}
    g2.nodes[chen].aliases.append("陈书记")  # a node that does change gets a new digest
    assert {r["key"]: r["hash"] for s in build_model(g2).nodes for r in s.rows}[chen] != new[chen]


def test_neo4j_queries_hold_no_data_values():
    model = build_model(sample_graph())
    queries = [neo4j_loader.node_query(ns) for ns in model.nodes] + \
              [neo4j_loader.rel_query(rs) for rs in model.relationships]
    texts = " ".join(queries + neo4j_loader.schema_statements())
    for name in HOSTILE_NAMES + ["陈瑞峰", "https://zhengwu-kg.example"]:
        assert name not in texts
    assert all("UNWIND $rows AS row" in q and "MERGE" in q for q in queries)


def test_neo4j_labels_and_types_come_only_from_the_whitelist():
    with pytest.raises(ValueError, match="whitelist"):
        neo4j_loader.node_query(NodeSet("Official`) DETACH DELETE n //", "Entity", []))
    with pytest.raises(ValueError, match="whitelist"):
        neo4j_loader.rel_query(RelSet("ATTENDED]->() DELETE r //", "Entity", "Entity", []))
    model = build_model(sample_graph())
    assert {ns.label for ns in model.nodes} <= ALL_LABELS
    assert {rs.type for rs in model.relationships} <= ALL_REL_TYPES


def test_neo4j_model_rejects_edges_to_unknown_nodes():
    g = sample_graph()
    g.edges.append(Edge(type="attended", source="urn:x:nobody", target=next(iter(g.nodes))))
    with pytest.raises(GraphModelError, match="urn:x:nobody"):
        build_model(g)


def test_neo4j_model_ignores_unknown_types():
    g = sample_graph()
    before = build_model(g).counts()
    g.nodes["urn:x:event"] = Node(iri="urn:x:event", type="Event", label="未知类型")
    g.edges.append(Edge(type="attended", source=next(iter(g.nodes)), target="urn:x:event"))
    g.edges.append(Edge(type="sponsored", source=next(iter(g.nodes)), target=next(iter(g.nodes))))
    assert build_model(g).counts() == before


def test_neo4j_model_keeps_unknown_dates_aligned():
    model = build_model(sample_graph())
    holds = next(rs for rs in model.relationships if rs.type == "HOLDS_POST")
    posts = {r["key"]: r["props"] for ns in model.nodes if ns.label == "Post" for r in ns.rows}
    rows = sorted(((posts[r["target"]]["title"], r["props"].get("dates")) for r in holds.rows
                   if posts[r["target"]]["title"] == "市政府秘书长"), key=repr)
    # a list of only unknown values is left out (neo4j-admin could not tell it from no value)
    assert rows == [("市政府秘书长", None), ("市政府秘书长", ["2020-02-03"])]
    undated = next(p for p in posts.values() if p["title"] == "市政府秘书长" and "date" not in p)
    assert undated["article"].endswith("/a0")
    attended = next(rs for rs in model.relationships if rs.type == "ATTENDED")
    zheng = next(r["props"] for r in attended.rows
                 if r["source"].endswith("zheng-jun") and r["target"].endswith("cc-2020-01-29"))
    assert [a[-2:] for a in zheng["articles"]] == ["a0", "a0", "a1"]
    assert zheng["dates"] == ["", "", "2020-01-29"]
    assert zheng["sentences"][:2] == ["", ""] and zheng["starts"] == [0, 30, 40]


def _read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_neo4j_csv_export_files_headers_and_command(tmp_path):
    g = add_article(sample_graph())
    model = build_model(g)
    result = neo4j_csv.export_csv(model, tmp_path / "csv")
    out = tmp_path / "csv"
    rows = _read_csv(out / "nodes_Official.csv")
    assert rows[0][0] == "iri:ID(Entity)" and "aliases:string[]" in rows[0]
    assert len(rows) - 1 == expected_counts(g)["Official"]
    names = {r[rows[0].index("name:string")] for r in rows[1:]}
    assert HOSTILE_NAMES[0] in names  # quotes survive the CSV round trip
    rel = _read_csv(out / "rels_ATTENDED.csv")
    assert rel[0][:2] == [":START_ID(Entity)", ":END_ID(Entity)"]
    assert "starts:long[]" in rel[0]
    assert len(rel) - 1 == expected_counts(g)["ATTENDED"]
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert result.command in readme
    argv = shlex.split(result.command)
    assert argv[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    assert "--nodes=Entity:Official=nodes_Official.csv" in argv
    assert "--relationships=MENTIONS=rels_MENTIONS.csv" in argv
    assert "--multiline-fields=true" in argv  # one evidence sentence has a line break
    for arg in argv:
        if "=" in arg and arg.endswith(".csv"):
            assert (out / arg.rsplit("=", 1)[1]).exists()


def test_neo4j_csv_array_delimiter_avoids_values(tmp_path):
    g = sample_graph()
    next(n for n in g.nodes.values() if n.type == "Organization").aliases.append("甲;乙")
    result = neo4j_csv.export_csv(build_model(g), tmp_path / "csv")
    assert result.array_delimiter == "|"
    assert "--array-delimiter=|" in shlex.split(result.command)


def test_neo4j_csv_export_replaces_atomically(tmp_path):
    out = tmp_path / "csv"
    out.mkdir()
    (out / "stale.csv").write_text("old", encoding="utf-8")
    neo4j_csv.export_csv(build_model(sample_graph()), out)
    assert not (out / "stale.csv").exists()
    assert (out / "README.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["csv"]  # no temp or old folders left


def test_neo4j_csv_export_failure_leaves_old_output(tmp_path, monkeypatch):
    out = tmp_path / "csv"
    neo4j_csv.export_csv(build_model(sample_graph()), out)
    before = sorted(p.name for p in out.iterdir())

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(neo4j_csv, "_rel_file", boom)
    with pytest.raises(OSError):
        neo4j_csv.export_csv(build_model(add_article(sample_graph())), out)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["csv"]


def test_neo4j_cli_export_bad_input_is_one_line(tmp_path, capsys):
    from kg.cli import main

    bad = tmp_path / "build"
    bad.mkdir()
    (bad / "graph.json").write_text("{not json", encoding="utf-8")
    assert main(["export", "neo4j-csv", str(bad), "--out", str(tmp_path / "csv")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "graph.json" in err and "not valid JSON" in err
    assert not (tmp_path / "csv").exists()
    assert main(["load", "neo4j", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not found" in err


def test_neo4j_graph_of_one_article_without_posts_or_edges():
    g = Graph(base_iri="urn:x:")
    model = build_model(g)
    assert model.total_rows == 0
