"""The sample build (``kg build data/samples``) in a real Neo4j: counts equal the RDF graph's, and
every Cypher cookbook query (loaders/queries/*.cypher) gives the answers of its SPARQL twin (*.rq,
run by ``kg query`` on the build's Oxigraph store)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.graphfile import read_graph
from loaders.neo4j_loader import connect, load_graph
from loaders.neo4j_queries import cookbook, parameters, run_cookbook
from neo4j_graphs import expected_counts
from test_neo4j_load import assert_complete, db_counts

pytestmark = [pytest.mark.slow, pytest.mark.neo4j]
ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "loaders" / "queries"  # the cookbook (package data)
CYPHER = sorted(cookbook())


def kg(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=str(ROOT), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def neo4j_sample_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("neo4j-sample") / "build"
    res = kg("build", str(ROOT / "data" / "samples"), "--out", str(out), "--no-progress")
    assert res.returncode == 0, res.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def neo4j_sample_loaded(neo4j_sample_build, neo4j_server_proc, neo4j_session_driver):
    """The sample build loaded into an emptied session server, once for this module."""
    from conftest_neo4j import wipe

    wipe(neo4j_session_driver)
    with connect(neo4j_server_proc.uri, neo4j_server_proc.user, neo4j_server_proc.password) as d:
        load_graph(d, read_graph(neo4j_sample_build), progress=False)
    return neo4j_session_driver


def sparql(build: Path, query: str, **params: str) -> tuple[list[str], list[dict[str, str | None]]]:
    args = ["query", str(build), query, "--format", "json"]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    res = kg(*args, timeout=300)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    names = data["head"]["vars"]
    return names, [{v: b[v]["value"] if v in b else None for v in names} for b in data["results"]["bindings"]]


def _plain(column: str, value) -> str | None:
    if value is None:
        return None
    text = str(value)
    if column == "relation" and "#" in text:  # zw:attended ↔ ATTENDED (lower-cased by the query)
        text = text.rsplit("#", 1)[1]
    if column == "issued":  # xsd:dateTime ↔ the page's published text: compare the day
        text = text[:10]
    return text


def as_rows(columns: list[str], rows: list[dict]) -> list[tuple]:
    return sorted((tuple(_plain(c, r[c]) for c in columns) for r in rows), key=repr)


# --- counts -----------------------------------------------------------------------------------

RDF_TYPES = """
PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?t FILTER(?t IN (zw:Official, zw:Person, zw:Organization, zw:Meeting, zw:Policy, zw:Place,
                        zw:Article, org:Post))
} GROUP BY ?t"""
RDF_RELATIONS = """
PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?p (COUNT(DISTINCT CONCAT(STR(?s), " ", STR(?o))) AS ?n) WHERE {
  ?s ?p ?o FILTER(?p IN (zw:attended, zw:presided, zw:addressed, zw:convened, zw:emphasised,
                         zw:directed, org:holds, org:postIn))
} GROUP BY ?p"""
RDF_MENTIONS = """
PREFIX schema: <https://schema.org/>
SELECT (COUNT(DISTINCT CONCAT(STR(?a), " ", STR(?e))) AS ?n) WHERE { GRAPH ?g { ?a schema:mentions ?e } }"""
RDF_TO_NEO4J = {"holds": "HOLDS_POST", "postIn": "POST_IN"}


def test_neo4j_sample_build_counts_equal_the_rdf_graph(neo4j_sample_build, neo4j_sample_loaded):
    graph = read_graph(neo4j_sample_build)
    assert len(graph.nodes) > 50 and len(graph.edges) > 50  # the samples are a real corpus
    assert_complete(neo4j_sample_loaded, graph)
    rdf: dict[str, int] = {}
    _, rows = sparql(neo4j_sample_build, RDF_TYPES)
    for r in rows:
        rdf[r["t"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]] = int(r["n"])
    _, rows = sparql(neo4j_sample_build, RDF_RELATIONS)
    for r in rows:
        local = r["p"].rsplit("#", 1)[-1]
        rdf[RDF_TO_NEO4J.get(local, local.upper())] = int(r["n"])
    _, rows = sparql(neo4j_sample_build, RDF_MENTIONS)
    rdf["MENTIONS"] = int(rows[0]["n"])
    neo = db_counts(neo4j_sample_loaded)
    neo.pop("Entity")
    assert neo == rdf
    assert neo["Post"] == expected_counts(graph)["Post"]


def test_neo4j_sample_build_reload_changes_nothing(neo4j_sample_build, neo4j_sample_loaded,
                                                    neo4j_server_proc):
    env = dict(os.environ, NEO4J_PASSWORD=neo4j_server_proc.password)
    res = subprocess.run([sys.executable, "-m", "kg.cli", "load", "neo4j", str(neo4j_sample_build),
                          "--uri", neo4j_server_proc.uri], cwd=str(ROOT), env=env,
                         capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[1].startswith("nodes: 0 created, 0 updated, ")
    assert next(x for x in lines if x.startswith("relationships:")).startswith(
        "relationships: 0 created, 0 updated, ")


# --- cookbook ---------------------------------------------------------------------------------

def test_neo4j_cookbook_has_a_twin_for_every_sparql_query():
    assert CYPHER, "no loaders/queries/*.cypher"
    assert {p.stem for p in QUERIES.glob("*.rq")} == set(CYPHER)


@pytest.mark.parametrize("name", CYPHER)
def test_neo4j_cookbook_query_matches_sparql(name, neo4j_sample_build, neo4j_sample_loaded):
    columns, rows = run_cookbook(neo4j_sample_loaded, name)
    names, srows = sparql(neo4j_sample_build, str(QUERIES / f"{name}.rq"))
    assert columns == names
    assert rows, f"{name} found nothing on the sample build"
    assert as_rows(columns, rows) == as_rows(names, srows)


def _first(rows: list[dict], column: str) -> str:
    values = sorted({r[column] for r in rows if r[column]})
    assert values
    return values[0]


@pytest.mark.parametrize("name", [n for n in CYPHER if n in (
    "co-attendees", "policies-emphasised-by-official", "official-posts-timeline", "official-protocol-order",
    "bodies-directed-by-meeting", "meetings-convened-by-org", "evidence-for-official")])
def test_neo4j_cookbook_query_with_parameter_matches_sparql(name, neo4j_sample_build, neo4j_sample_loaded):
    query = (QUERIES / f"{name}.cypher").read_text(encoding="utf-8")
    (param,) = parameters(query)
    column = {"name": "name", "meetingName": "meetingName", "orgName": "orgName"}[param]
    _, everything = run_cookbook(neo4j_sample_loaded, name)
    value = _first(everything, column)
    columns, rows = run_cookbook(neo4j_sample_loaded, name, {param: value})
    names, srows = sparql(neo4j_sample_build, str(QUERIES / f"{name}.rq"), **{param: value})
    assert rows and all(r[column] == value for r in rows)
    assert len(rows) < len(everything) or len({r[column] for r in everything}) == 1
    assert as_rows(columns, rows) == as_rows(names, srows)
