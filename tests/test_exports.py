"""`kg export careers|tables|graphml|gexf` and `kg stats` (kg/exports.py): read back with pandas and
networkx, equal to the library's rows; escaped XML; one clear error line; nothing half-written."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kg import exports as X
from kg.careers import COLUMNS, careers, protocol_orders
from kg.cli import main
from kg.graph import Graph
from kg.measures import compute
from research_support import (CONTROL_ALIAS, HOSTILE_LABEL, HOSTILE_OFFICIAL, NETWORK, iri, research_graph)


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    """A build folder holding the research graph's graph.json, measures set as `kg build` sets them."""
    from kg.measures import annotate

    d = tmp_path_factory.mktemp("research-build")
    g = research_graph()
    annotate(g)
    (d / "graph.json").write_text(json.dumps(g.to_dict(), ensure_ascii=False), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def graph(build) -> Graph:
    from loaders.graphfile import read_graph

    return read_graph(build)


def _careers_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype({"spell": "int64", "n_articles": "int64"})


# ------------------------------------------------------------------------------------ careers

def test_careers_csv_reads_back_equal_to_the_rows(build, graph, tmp_path, capsys):
    out = tmp_path / "careers.csv"
    assert main(["export", "careers", str(build), "-o", str(out)]) == 0
    rows = careers(graph)
    assert f"wrote {len(rows)} spells" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    back = pd.read_csv(out, dtype=str, keep_default_na=False).astype({"spell": "int64", "n_articles": "int64"})
    pd.testing.assert_frame_equal(back, _careers_frame(rows))
    chen = back[back["name"] == "陈立新"]
    assert chen["title"].tolist() == ["代市长", "市长"]
    assert chen["change"].tolist() == ["", "confirmed (代 → 正)"] and chen["previous"].tolist()[1] == "代市长"
    assert back.loc[back["name"] == "欧阳志远", "change"].tolist()[1] == "became executive deputy"
    assert HOSTILE_OFFICIAL in back["name"].tolist()  # quotes and & survive CSV quoting


def test_careers_parquet_has_the_schema_and_reads_back_equal(build, graph, tmp_path):
    out = tmp_path / "careers.parquet"
    assert main(["export", "careers", str(build), "-o", str(out)]) == 0
    schema = pq.read_schema(out)
    assert schema.names == list(COLUMNS)
    assert {str(schema.field(c).type) for c in COLUMNS if c not in ("spell", "n_articles")} == {"string"}
    assert str(schema.field("spell").type) == str(schema.field("n_articles").type) == "int64"
    back = pd.read_parquet(out)
    assert back.to_dict("records") == careers(graph)
    assert str(back["spell"].dtype) == "int64"


def test_careers_library_and_cli_agree(graph, tmp_path):
    path, n = X.write_careers(graph, tmp_path / "c.csv")
    assert n == len(careers(graph)) == len(pd.read_csv(path))


# ------------------------------------------------------------------------------------- tables

def test_tables_hold_every_row_with_explicit_types(build, graph, tmp_path, capsys):
    folder = tmp_path / "tables"
    assert main(["export", "tables", str(build), "-o", str(folder)]) == 0
    assert "entities.parquet" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.parquet" for t in X.TABLES)
    for name, (_, columns) in X.TABLES.items():
        assert pq.read_schema(folder / f"{name}.parquet").names == list(columns), name

    ents = pd.read_parquet(folder / "entities.parquet")
    assert len(ents) == len(graph.nodes) and ents["iri"].tolist() == list(graph.nodes)
    zhao = ents.set_index("iri").loc[iri("official", "zhao")]
    assert zhao["label"] == HOSTILE_OFFICIAL and list(zhao["aliases"]) == [CONTROL_ALIAS]
    measures = compute(graph)
    sun = ents.set_index("iri").loc[iri("official", "sun")]
    assert (sun["degree"], sun["weighted_degree"], sun["community"]) == (6, 6, 0)
    assert sun["betweenness"] == pytest.approx(measures[iri("official", "sun")]["betweenness"])
    chen = ents.set_index("iri").loc[iri("official", "chen")]
    assert list(chen["titles"]) == ["代市长", "市长"] and (chen["first_seen"], chen["last_seen"]) == ("2023-03-14", "2023-09-01")
    assert chen["n_articles"] == 2
    off_network = ents[~ents["iri"].isin([iri("official", o) for o in NETWORK])]
    assert off_network["degree"].isna().all() and off_network["community"].isna().all()
    assert str(pq.read_schema(folder / "entities.parquet").field("aliases").type) == "list<element: string>"

    rels = pd.read_parquet(folder / "relations.parquet")
    assert len(rels) == sum(len(e.provenance) for e in graph.edges)
    first = rels[(rels["type"] == "attended") & (rels["target"] == iri("meeting", "m1"))]
    assert first.sort_values("order")["source_label"].tolist() == ["陈立新", "王晓红", "欧阳志远", HOSTILE_OFFICIAL, "刘记者"]
    assert rels.loc[rels["type"] == "emphasised", "target_label"].tolist() == [HOSTILE_LABEL]
    assert rels.loc[rels["type"] == "convened", "order"].isna().all()

    posts = pd.read_parquet(folder / "posts.parquet")
    assert len(posts) == sum(len(n.posts) for n in graph.nodes.values())
    acting = posts[posts["title"] == "代市长"].iloc[0]
    assert (acting["name"], acting["position"], acting["modifier"], acting["code"]) == ("陈立新", "市长", "代", "990100")

    assert pd.read_parquet(folder / "careers.parquet").to_dict("records") == careers(graph)
    order = pd.read_parquet(folder / "protocol_order.parquet")
    assert order.to_dict("records") == protocol_orders(graph)
    assert pd.read_parquet(folder / "articles.parquet")["doc_id"].tolist() == ["a1", "a2", "a3"]


def test_tables_of_a_real_build_carry_its_measures(tmp_path):
    from _kg_builds import fixture_build

    out = fixture_build()
    counts = X.write_tables(Graph.from_dict(json.loads((out / "graph.json").read_text(encoding="utf-8"))),
                            tmp_path, names=("entities", "careers"))
    ents = pd.read_parquet(tmp_path / "entities.parquet")
    held = {n["iri"]: n["measures"] for n in json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"]
            if n["measures"]}
    got = ents.dropna(subset=["degree"]).set_index("iri")
    assert set(got.index) == set(held)
    assert all(got.loc[i, "degree"] == m["degree"] and got.loc[i, "community"] == m["community"] for i, m in held.items())
    assert counts["careers"] == len(pd.read_parquet(tmp_path / "careers.parquet")) > 0


# ------------------------------------------------------------------------------ GraphML and GEXF

def _edge_keys(graph: Graph) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.type) for e in graph.edges}


def test_graphml_reads_back_with_the_same_nodes_edges_and_attributes(build, graph, tmp_path):
    out = tmp_path / "g.graphml"
    assert main(["export", "graphml", str(build), "-o", str(out)]) == 0
    ET.parse(out)  # well-formed XML
    raw = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in raw and "&amp;" in raw and "\x0b" not in raw
    G = nx.read_graphml(out)
    assert set(G.nodes) == set(graph.nodes)
    assert {(u, v, d["type"]) for u, v, d in G.edges(data=True)} == _edge_keys(graph)
    assert G.number_of_edges() == len(graph.edges)
    _check_attributes(G, graph)
    w = [d["weight"] for u, v, d in G.edges(data=True) if d["type"] == "attended"]
    assert all(isinstance(x, int) and x == 1 for x in w)


def test_gexf_reads_back_with_the_same_nodes_edges_and_attributes(build, graph, tmp_path):
    out = tmp_path / "g.gexf"
    assert main(["export", "gexf", str(build), "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    assert root.tag.endswith("gexf")
    G = nx.read_gexf(out)
    assert set(G.nodes) == set(graph.nodes)
    assert {(u, v, d["relation"]) for u, v, d in G.edges(data=True)} == _edge_keys(graph)
    assert all(d["label"] == d["relation"] for _, _, d in G.edges(data=True))
    _check_attributes(G, graph)


def _check_attributes(G: nx.Graph, graph: Graph) -> None:
    policy = G.nodes[iri("policy", "qf")]
    assert policy["label"] == HOSTILE_LABEL and policy["type"] == "Policy"
    zhao = G.nodes[iri("official", "zhao")]
    assert zhao["label"] == HOSTILE_OFFICIAL and zhao["aliases"] == "赵强"  # the control character dropped
    chen = G.nodes[iri("official", "chen")]
    assert chen["titles"] == "代市长|市长" and chen["pinyin"] == "Chén Lìxīn"
    assert (chen["first_seen"], chen["last_seen"], chen["n_articles"]) == ("2023-03-14", "2023-09-01", 2)
    sun = G.nodes[iri("official", "sun")]
    assert (sun["degree"], sun["weighted_degree"], sun["community"]) == (6, 6, 0)
    assert sun["betweenness"] == pytest.approx(16 / 28, abs=1e-6)
    assert "degree" not in G.nodes[iri("official", "gu")] and "pinyin" not in G.nodes[iri("official", "gu")]
    m1 = G.nodes[iri("meeting", "m1")]
    assert m1["date"] == "2023-03-14" and "titles" not in m1
    emph = [d for u, v, d in G.edges(data=True) if v == iri("policy", "qf")]
    assert len(emph) == 1 and (emph[0]["first_date"], emph[0]["last_date"]) == ("2023-03-14", "2023-03-14")
    assert all(None not in d.values() for _, d in G.nodes(data=True))


def test_edge_weight_counts_statements_and_dates_span_them():
    g = research_graph()
    e = next(e for e in g.edges if e.type == "presided")
    extra = e.provenance[0].__class__(next(iter(g.articles)), 0, 3, "又主持。", "2023-03-14", None)
    e.provenance.append(extra)
    G = X.entity_network(g)
    (_, _, d), = [x for x in G.edges(data=True) if x[2]["type"] == "presided"]
    assert (d["weight"], d["n_articles"], d["first_date"], d["last_date"]) == (2, 2, "2023-03-14", "2023-09-01")


# ------------------------------------------------------------------------------------------- stats

def test_stats_json_summarises_the_graph(build, capsys):
    assert main(["stats", str(build), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["node_types"]["Official"] == 10 and s["nodes"] == 18 and s["articles"] == 3
    assert (s["first_date"], s["last_date"]) == ("2023-03-14", "2024-02-10")
    assert s["officials_with_posts"] == 5 and s["changes"] == 2 and s["spells"] == 7
    c = s["coattendance"]
    assert (c["officials"], c["links"], c["density"], c["communities"], c["largest_community"]) == (9, 18, 0.5, 2, 5)
    assert c["betweenness"] == "exact"
    assert [r["label"] for r in s["top_degree"][:1]] == ["孙海"] and s["top_degree"][0]["degree"] == 6
    assert [r["label"] for r in s["top_betweenness"][:3]] == ["孙海", "王晓红", "陈立新"]
    assert s["top_betweenness"][0]["betweenness"] == pytest.approx(16 / 28, abs=1e-6)
    assert len(s["top_degree"]) == 9  # fewer officials than the top 10
    assert [(m["label"], m["officials"]) for m in s["top_meetings"]][:2] == [("泽川推进会", 5), ("云岚市委常委会会议", 4)]
    assert len(s["top_meetings"]) == 5


def test_stats_text_is_short_and_plain(build, capsys):
    assert main(["stats", str(build), "--top", "3"]) == 0
    text = capsys.readouterr().out
    assert "co-attendance network: 9 officials, 18 links" in text and "density 0.5000" in text
    assert "2 communities (largest 5)" in text and "7 spells, 2 changes" in text
    assert "   1. 孙海  " in text and "0.5714" in text
    assert "most attended meetings" in text and "泽川推进会 (2024-02-10)  5" in text
    assert len(text.splitlines()) <= 20


# ------------------------------------------------------------------------------------------ errors

@pytest.mark.parametrize("args,message,code", [
    (["careers", "{missing}", "-o", "{tmp}/c.csv"], "graph.json: not found", 1),
    (["careers", "{bad}", "-o", "{tmp}/c.csv"], "not valid JSON", 1),
    (["careers", "{dir}", "-o", "{tmp}/c.xlsx"], "must end in .csv or .parquet", 2),
    (["careers", "{dir}", "-o", "{folder}"], "is a folder", 1),
    (["tables", "{dir}", "-o", "{file}"], "is a file, not a folder", 1),
    (["graphml", "{dir}", "-o", "{tmp}/g.xml"], "must be a .graphml file", 2),
    (["gexf", "{missing}", "-o", "{tmp}/g.gexf"], "graph.json: not found", 1),
])
def test_errors_are_one_line_naming_the_file(build, tmp_path, capsys, args, message, code):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "graph.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "folder.csv").mkdir()
    subst = {"missing": tmp_path / "nope", "bad": bad, "dir": build, "tmp": tmp_path, "file": tmp_path / "file",
             "folder": tmp_path / "folder.csv"}
    status = main(["export", *[a.format(**{k: str(v) for k, v in subst.items()}) for a in args]])
    err = capsys.readouterr().err.strip()
    assert status == code
    assert message in err and err.startswith(f"kg export {args[0]}:") and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "file", "folder.csv"]  # nothing written
    assert not any((tmp_path / "folder.csv").iterdir())


def test_stats_error_names_the_file(tmp_path, capsys):
    assert main(["stats", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg stats:") and "graph.json: not found" in err


def test_a_failed_write_leaves_the_previous_file(graph, tmp_path, monkeypatch):
    out = tmp_path / "careers.parquet"
    X.write_careers(graph, out)
    good = out.read_bytes()

    def broken(table, where, **kw):
        where.write(b"PAR1 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError):
        X.write_careers(graph, out)
    assert out.read_bytes() == good and [p.name for p in tmp_path.iterdir()] == ["careers.parquet"]


def test_xml_text_drops_only_what_xml_cannot_hold():
    assert X.xml_text('a<b>&"c"\x0b\x00\ud800 \t\n') == 'a<b>&"c" \t\n'
