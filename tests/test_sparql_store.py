"""Query parameters, update detection, result serializers and content negotiation (no server)."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from _kg_builds import fixture_build
from kg.serve import negotiate
from loaders.sparql_store import (QueryError, UpdateRefused, is_update, open_store, parse_term, run_query, serialize,
                                  with_values)

SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "


def test_parameters_are_terms_placed_at_the_start_of_the_where_group():
    q = with_values(SKOS + "SELECT ?o WHERE { ?o skos:prefLabel ?name }", {"name": '张伟" } DROP ALL { "'})
    assert 'VALUES (?name) { ("张伟\\" } DROP ALL { \\""@zh) }' in q
    assert q.index("VALUES") > q.index("WHERE {")
    construct = with_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": "<http://example.org/a>"})
    assert construct.index("VALUES") > construct.index("WHERE {")
    tricky = with_values('# WHERE { in a comment\nSELECT * WHERE { ?s ?p "{" }', {"p": "http://example.org/p"})
    assert tricky.index("VALUES") > tricky.index("SELECT") and "(<http://example.org/p>)" in tricky
    assert with_values("DESCRIBE <http://example.org/a>", {"x": "1"}).rstrip().endswith(
        "VALUES (?x) { (\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>) }")


def test_parameter_values_become_typed_terms():
    assert parse_term("<http://example.org/a>") == ox.NamedNode("http://example.org/a")
    assert parse_term("2024-01-31") == ox.Literal("2024-01-31", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#date"))
    assert parse_term("42").datatype.value.endswith("#integer")
    assert parse_term("韩立新") == ox.Literal("韩立新", language="zh")


def test_updates_are_recognised_and_refused():
    assert is_update("PREFIX x: <http://x/>\n# note\nINSERT DATA { x:a x:b x:c }")
    assert is_update("  drop all")
    assert not is_update(SKOS + "SELECT * WHERE { ?s skos:prefLabel 'INSERT' }")
    store = open_store(fixture_build())
    with pytest.raises(UpdateRefused):
        run_query(store, "CLEAR ALL")
    with pytest.raises(QueryError, match="does not parse"):
        run_query(store, "SELECT WHERE")


def test_serializers_follow_the_sparql_result_formats():
    store = open_store(fixture_build())
    result = run_query(store, SKOS + 'SELECT ?o ?name WHERE { ?o skos:prefLabel ?name } ORDER BY ?name', limit=5)
    assert result.truncated and len(result.rows) == 5
    doc = json.loads(serialize(result, "json"))
    assert doc["head"]["vars"] == ["o", "name"] and len(doc["results"]["bindings"]) == 5
    assert {b["name"]["xml:lang"] for b in doc["results"]["bindings"]} <= {"zh", "zh-latn-pinyin"}
    xml = ET.fromstring(serialize(result, "xml"))
    assert len(xml.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 5
    rows = list(csv.reader(io.StringIO(serialize(result, "csv").decode("utf-8"))))
    assert rows[0] == ["o", "name"] and rows[1][0].startswith("https://")
    tsv = serialize(result, "tsv").decode("utf-8").splitlines()
    assert tsv[0] == "?o\t?name" and tsv[1].startswith("<https://")
    assert json.loads(serialize(run_query(store, "ASK { ?s ?p ?o }"), "json"))["boolean"] is True


def test_content_negotiation():
    assert negotiate("bindings", None) == "json"
    assert negotiate("bindings", "text/csv;q=0.5, application/sparql-results+xml") == "xml"
    assert negotiate("bindings", "text/tab-separated-values") == "tsv"
    assert negotiate("bindings", "image/png") == "json"  # nothing we speak: the default
    assert negotiate("graph", "application/ld+json") == "jsonld"
    assert negotiate("graph", "*/*") == "turtle"
    assert negotiate("bindings", "text/csv", "xml") == "xml"  # ?format= wins
