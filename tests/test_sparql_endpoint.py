"""`kg serve` as a real server on 127.0.0.1: real clients (SPARQLWrapper, Jena rsparql, plain HTTP)
get the same answers as `kg query`; bad queries, updates and timeouts are refused with clear statuses
and the server keeps serving."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from SPARQLWrapper import JSON, SPARQLWrapper

from _kg_builds import QUERIES, ROOT, Server, jena, local_json, normalise_bindings, samples_build
from loaders.sparql_store import with_values

pytestmark = pytest.mark.slow

COOKBOOK = sorted(QUERIES.glob("*.rq"))
PARAMS = {"co-attendees": {"name": "韩立新"}, "policies-emphasised-by-official": {"name": "周启明"},
          "official-posts-timeline": {"name": "张伟"}, "evidence-for-official": {"name": "郭文涛"},
          "meetings-convened-by-org": {"orgName": "泽川市防汛抗旱指挥部"}}
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def build() -> Path:
    return samples_build()


@pytest.fixture(scope="module")
def server(build):
    s = Server(build, "--timeout", "2", "--max-results", "1000", "--workers", "2", "--cors", "http://example.org")
    yield s
    s.stop()


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def kg_query_json(build: Path, query_file: Path, params: dict) -> dict:
    args = [sys.executable, "-m", "kg.cli", "query", str(build), str(query_file), "--format", "json"]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout)


@pytest.mark.parametrize("query_file", COOKBOOK, ids=[q.stem for q in COOKBOOK])
def test_cookbook_same_answers_from_kg_query_sparqlwrapper_and_rsparql(server, build, query_file, tmp_path):
    params = PARAMS.get(query_file.stem, {})
    text = with_values(query_file.read_text(encoding="utf-8"), params)  # what a remote client sends
    expected = normalise_bindings(kg_query_json(build, query_file, params))
    assert expected, f"{query_file.stem}: no answer on the sample build"

    client = SPARQLWrapper(server.endpoint)
    client.setQuery(text)
    # SPARQLWrapper guesses the query form with a regex that misreads consecutive comment lines
    # (it takes "addressed" in a comment for ADD, an update); a client states the form instead.
    client.queryType = "SELECT"
    client.setReturnFormat(JSON)
    client.setMethod("POST")
    assert normalise_bindings(client.query().convert()) == expected

    qfile = tmp_path / "q.rq"
    qfile.write_text(text, encoding="utf-8")
    proc = jena("arq.rsparql", "--service", server.endpoint, "--query", str(qfile), "--results=json")
    assert proc.returncode == 0, proc.stderr
    assert normalise_bindings(json.loads(proc.stdout)) == expected


def test_get_post_form_and_direct_body_agree(server, build):
    q = (QUERIES / "meetings-convened-by-org.rq").read_text(encoding="utf-8")
    accept = {"Accept": "application/sparql-results+json"}
    s1, _, b1 = http(server.endpoint + "?" + urllib.parse.urlencode({"query": q}), headers=accept)
    s2, _, b2 = http(server.endpoint, data=urllib.parse.urlencode({"query": q}).encode(),
                     headers={**accept, "Content-Type": "application/x-www-form-urlencoded"})
    s3, _, b3 = http(server.endpoint, data=q.encode("utf-8"),
                     headers={**accept, "Content-Type": "application/sparql-query"})
    assert s1 == s2 == s3 == 200
    local = normalise_bindings(local_json(build, q))
    assert normalise_bindings(json.loads(b1)) == normalise_bindings(json.loads(b2)) == \
        normalise_bindings(json.loads(b3)) == local


def test_result_formats_by_accept(server):
    q = ('PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> '
         'SELECT ?m ?name WHERE { ?m a zw:Meeting ; skos:prefLabel ?name } ORDER BY ?name')
    url = server.endpoint + "?" + urllib.parse.urlencode({"query": q})
    _, h, body = http(url, headers={"Accept": "application/sparql-results+xml"})
    assert h["content-type"].startswith("application/sparql-results+xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    xml_rows = ET.fromstring(body).findall(".//s:result", ns)
    _, h, body = http(url, headers={"Accept": "text/csv"})
    assert h["content-type"].startswith("text/csv")
    csv_lines = body.decode("utf-8").strip().split("\r\n")
    assert csv_lines[0] == "m,name" and len(csv_lines) - 1 == len(xml_rows) > 0
    _, h, body = http(url, headers={"Accept": "text/tab-separated-values"})
    tsv = body.decode("utf-8").strip().split("\n")
    assert tsv[0] == "?m\t?name" and len(tsv) - 1 == len(xml_rows)
    assert any('"@zh' in line or '"@zh-latn-pinyin' in line.lower() for line in tsv[1:])
    construct = ("PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#> "
                 "CONSTRUCT { ?s zw:convened ?o } WHERE { ?s zw:convened ?o }")
    curl = server.endpoint + "?" + urllib.parse.urlencode({"query": construct})
    _, h, ttl = http(curl, headers={"Accept": "text/turtle"})
    assert h["content-type"].startswith("text/turtle")
    g1 = rdflib.Graph().parse(data=ttl.decode("utf-8"), format="turtle")
    _, h, jsonld = http(curl, headers={"Accept": "application/ld+json"})
    assert h["content-type"].startswith("application/ld+json")
    g2 = rdflib.Graph().parse(data=jsonld.decode("utf-8"), format="json-ld")
    assert len(g1) == len(g2) > 0 and set(g1) == set(g2)
    _, _, ask = http(server.endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
    assert json.loads(ask) == {"head": {}, "boolean": True}


def test_bad_query_is_400_with_the_parser_message(server):
    status, _, body = http(server.endpoint + "?" + urllib.parse.urlencode({"query": "SELEC ?x WHERE {"}))
    assert status == 400 and b"does not parse" in body and b"1:" in body
    status, _, body = http(server.endpoint)
    assert status == 400 and b"missing query" in body


def test_updates_are_refused(server, build):
    before = normalise_bindings(local_json(build, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for data, headers in [
        (urllib.parse.urlencode({"update": "DROP ALL"}).encode(), form),
        (b"DELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-update"}),
        (urllib.parse.urlencode({"query": "PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }"}).encode(), form),
    ]:
        status, _, body = http(server.endpoint, data=data, headers=headers)
        assert status == 403 and b"read-only" in body
    assert normalise_bindings(local_json(build, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")) == before


def test_timeout_is_503_and_the_server_keeps_serving(server):
    started = time.monotonic()
    status, _, body = http(server.endpoint + "?" + urllib.parse.urlencode({"query": SLOW_QUERY}))
    assert status == 503 and b"timed out" in body
    assert time.monotonic() - started < 20
    for _ in range(3):  # both workers (one of them fresh) still answer
        status, _, body = http(server.endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
        assert status == 200 and json.loads(body)["boolean"] is True


def test_result_cap_truncates_with_a_header(server):
    status, headers, body = http(server.endpoint + "?" + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { ?s ?p ?o }"}), headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers.get("x-sparql-truncated") == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 1000


def test_cors_for_browser_clients(server):
    """CORS is off by default (docs/security.md); ``--cors ORIGIN`` opens it to that origin only."""
    status, headers, _ = http(server.endpoint, method="OPTIONS", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert status == 200 and headers.get("access-control-allow-origin") == "http://example.org"
    _, headers, _ = http(server.endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}"}),
                         headers={"Origin": "http://example.org"})
    assert headers.get("access-control-allow-origin") == "http://example.org"
    _, headers, _ = http(server.endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}"}),
                         headers={"Origin": "http://evil.example"})
    assert headers.get("access-control-allow-origin") is None


def test_query_page_is_self_contained(server):
    status, headers, body = http(server.url + "/")
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "<textarea" in page and "sparql" in page
    assert "src=\"http" not in page and "href=\"http" not in page  # no CDN: works offline
    assert "co-attendance" in page  # the cookbook is offered as examples
