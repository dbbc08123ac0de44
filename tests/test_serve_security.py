"""Hostile clients of `kg serve` (docs/security.md), in process: no outbound requests, bounded
memory, time and nesting per query, linear-time text handling, Host/CORS rules and request limits.
The app runs under Starlette's TestClient with real query worker processes on the fixture build;
everything stays on 127.0.0.1."""
from __future__ import annotations

import asyncio
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest

from _kg_builds import fixture_build
from kg.serve import QueryPool, create_app
from loaders.sparql_store import (QueryRefused, QueryScan, _unseen_service, check_query, is_update,
                                  open_store, run_query, scan_query, store_path)

with warnings.catch_warnings():  # Starlette prefers httpx2; httpx is what this environment has
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PORT = 7878
BASE = f"http://127.0.0.1:{PORT}"
CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i ?a"  # the 6 GB query
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # minutes on the fixture


class Listener:
    """A TCP listener on a free loopback port that counts the connections it is sent."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self.sock.close()


@pytest.fixture(scope="module")
def build() -> Path:
    return fixture_build()


@pytest.fixture()
def listener():
    ear = Listener()
    yield ear
    ear.close()


def client(build: Path, **options) -> TestClient:
    options.setdefault("workers", 1)
    options.setdefault("timeout", 10)
    return TestClient(create_app(build, port=PORT, **options), base_url=BASE)


@pytest.fixture(scope="module")
def default_client(build):
    with client(build) as c:
        yield c


def worker_pids(c: TestClient) -> set[int]:
    return {w.process.pid for w in c.app.state.pool._all}


def ask(c: TestClient) -> int:
    return c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code


# --------------------------------------------------------------------------------- query text

def test_is_update_is_linear_whatever_precedes_the_query():
    started = time.monotonic()
    assert not is_update("\n" * 50_000 + "SELECT * WHERE { ?s ?p ?o }")
    assert not is_update("#\n" * 50_000 + "ASK {}")
    assert time.monotonic() - started < 0.5  # the old comment-stripping regex took seconds (quadratic)
    assert is_update("PREFIX x: <http://x/>\n# SELECT in a comment\nINSERT DATA { x:a x:b x:c }")
    assert is_update("BASE <http://x/> prefix y: <y#> Delete WHERE { ?s ?p ?o }")
    assert not is_update("SELECT * WHERE { ?s ?p 'INSERT' } # DROP ALL")


TRAP = "http://127.0.0.1:7933/x"


@pytest.mark.parametrize("query, endpoint", [
    (f"SELECT * WHERE {{ SERVICE <{TRAP}> {{ ?s ?p ?o }} }}", TRAP),
    (f"select * where {{ service silent <{TRAP}> {{ ?s ?p ?o }} }}", TRAP),
    (f"SELECT*{{?s ?p ?o FILTER(?o<3)SERVICE<{TRAP}>{{?s ?p ?o}}}}", TRAP),
    (f"PREFIX e: <http://127.0.0.1:7933/> SELECT * WHERE {{ SERVICE e:x {{ ?s ?p ?o }} }}", TRAP),
    (f"BASE <http://127.0.0.1:7933/> SELECT * WHERE {{ SERVICE <x> {{ ?s ?p ?o }} }}", TRAP),
    ("PREFIX h: <http:> SELECT * WHERE { SERVICE h:\\/\\/127.0.0.1:7933\\/x { ?s ?p ?o } }", TRAP),
    (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:7933/\\u0078> {{ ?s ?p ?o }} }}", TRAP),
    # an IRI holding '#' is not a comment, and one holding a quote opens no string:
    (f"SELECT * WHERE {{ ?s <http://a.example/#> ?o . SERVICE <{TRAP}> {{ ?s ?p ?o }} }}", TRAP),
    (f"SELECT * WHERE {{ ?s <http://a.example/'> ?o . SERVICE <{TRAP}> {{ ?s ?p ?o }} '' }}", TRAP),
    # ...but a less-than is no IRI: `<'x>'` is `<` then the string 'x>'
    (f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'x>') SERVICE <{TRAP}> {{ ?s ?p ?o }} FILTER(?o<'y') }}", TRAP),
    (f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{TRAP}> {{ ?s ?p ?o }} }} }}", TRAP),
    ("SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }", None),
])
def test_scan_finds_every_service_clause(query, endpoint):
    services = scan_query(query).services
    assert [s.endpoint for s in services] == [endpoint]


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:7933/x> { }" }',
    "SELECT * WHERE { ?s ?p '''\n' SERVICE <http://127.0.0.1:7933/x> {} ''' }",
    "SELECT * WHERE { # SERVICE <http://127.0.0.1:7933/x> { }\n ?s ?p ?o }",
    "PREFIX service: <http://x.example/> SELECT ?service WHERE { ?service service:SERVICE <http://x.example/SERVICE> }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < 'SERVICE') }",
])
def test_service_in_text_is_not_a_service_clause(query):
    assert scan_query(query).services == []
    check_query(query)  # and nothing refuses it


def test_oxigraph_vets_any_service_word_the_scan_took_for_text():
    hidden = f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'x>') SERVICE <{TRAP}> {{ ?s ?p ?o }} FILTER(?o<'y') }}"
    # a scanner that missed the clause (an empty scan) is caught: spelled "servicx", the query no longer parses
    assert _unseen_service(hidden, QueryScan()) is not None
    assert _unseen_service('SELECT * WHERE { ?s ?p "service" }', QueryScan()) is None
    with pytest.raises(QueryRefused, match="--allow-service"):
        check_query(hidden)


def test_service_allow_list_matches_hosts_as_written():
    check_query(f"SELECT * WHERE {{ SERVICE <{TRAP}> {{ }} }}", allow_service=["127.0.0.1"])
    check_query(f"SELECT * WHERE {{ SERVICE <{TRAP}> {{ }} }}", allow_service=["127.0.0.1:7933"])
    for endpoint, allowed in [(TRAP, "127.0.0.1:80"), (TRAP, "localhost"), ("http://127.0.0.1.:7933/", "127.0.0.1"),
                              ("http://data.example@127.0.0.1/", "127.0.0.1"), ("ftp://127.0.0.1/", "127.0.0.1"),
                              ("http://%31%32%37.0.0.1/", "127.0.0.1")]:
        with pytest.raises(QueryRefused, match="is refused"):
            check_query(f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ }} }}", allow_service=[allowed])
    with pytest.raises(QueryRefused, match="is refused"):
        check_query("SELECT * WHERE { SERVICE ?e { } }", allow_service=["127.0.0.1"])


def test_nesting_depth_is_checked_in_linear_time():
    deep = "ASK {" + "(" * 50_000 + "1" + ")" * 50_000 + "}"
    started = time.monotonic()
    with pytest.raises(QueryRefused, match="nested more than 200"):
        check_query(deep)
    with pytest.raises(QueryRefused, match="nested more than 200"):
        check_query("ASK " + "{" * 50_000 + "}" * 50_000)
    assert time.monotonic() - started < 1
    check_query("ASK { FILTER(" + "(" * 150 + "1" + ")" * 150 + ") }")
    check_query('SELECT * WHERE { ?s ?p "' + "(" * 500 + '" }')  # brackets in a string do not count
    with pytest.raises(QueryRefused):  # nor does an unterminated string hide the brackets after it
        check_query('ASK { ?s ?p "oops\n' + "{" * 300 + "}" * 300 + " }")


@pytest.mark.parametrize("unit", ["\\'''x", '<a#\n', "'''\\", '\n"\'', "x\\a: ", "(<'", "SERVICE ?s <'#"])
def test_scanning_hostile_text_stays_linear(unit):
    for opening in ("SELECT * WHERE { ?s ?p ", "SELECT * WHERE { ?s ?p '''", "ASK { FILTER(?a"):
        text = opening + unit * (100_000 // len(unit))
        started = time.monotonic()
        scan_query(text)
        assert time.monotonic() - started < 1  # ~0.1 s; a quadratic scan of 100 KB would take minutes


def test_checked_queries_still_run():
    store = open_store(fixture_build())
    q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?x WHERE { ?x skos:prefLabel ?l } LIMIT 3"
    check_query(q)
    assert len(run_query(store, q).rows) == 3


# ------------------------------------------------------------------------- the endpoint, in process

@pytest.mark.parametrize("query", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE SILENT e:sparql {{ ?s ?p ?o }} }}",
    "BASE <http://127.0.0.1:{port}/> ASK {{ ?s ?p ?o FILTER(?o<'x>') SERVICE <x> {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_and_no_connection_is_made(default_client, listener, query):
    r = default_client.post("/sparql", data={"query": query.format(port=listener.port)})
    assert r.status_code == 400
    assert "federated queries are refused" in r.text and "--allow-service" in r.text
    time.sleep(0.3)
    assert listener.connections == 0


def test_allow_service_lets_named_hosts_through_only(build, listener):
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with client(build, allow_service=["kg.example.org"]) as c:
        r = c.post("/sparql", data={"query": query})
        assert r.status_code == 400 and "refused" in r.text and "kg.example.org" in r.text
        time.sleep(0.3)
        assert listener.connections == 0
    with client(build, allow_service=["127.0.0.1"]) as c:  # the listener does see a call it allows
        c.post("/sparql", data={"query": query})
        deadline = time.monotonic() + 5
        while listener.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.connections >= 1


def test_the_word_service_in_a_literal_is_just_text(default_client):
    q = 'SELECT * WHERE { BIND("SERVICE <http://127.0.0.1:1/> { }" AS ?x) } # SERVICE <http://127.0.0.1:1/>'
    r = default_client.post("/sparql", data={"query": q})
    assert r.status_code == 200 and "SERVICE" in r.json()["results"]["bindings"][0]["x"]["value"]


def test_deep_nesting_is_400_and_the_worker_survives(default_client):
    before = worker_pids(default_client)
    for opener, closer in (("(", ")"), ("{", "}")):
        body = "ASK {" + opener * 50_000 + closer * 50_000 + "}"
        r = default_client.post("/sparql", content=body.encode(), headers={"content-type": "application/sparql-query"})
        assert r.status_code == 400 and "nested more than 200" in r.text
    assert ask(default_client) == 200
    assert worker_pids(default_client) == before  # the same worker answered: nothing was killed


def test_a_query_past_the_memory_limit_gets_503_and_a_fresh_worker(build):
    with client(build, max_query_memory=200) as c:
        before = worker_pids(c)
        started = time.monotonic()
        r = c.get("/sparql", params={"query": CROSS_JOIN})
        assert r.status_code == 503 and "query exceeded the memory limit (200 MB" in r.text
        assert time.monotonic() - started < 10
        assert ask(c) == 200  # a new worker took its place
        assert worker_pids(c) and worker_pids(c).isdisjoint(before)


@pytest.mark.parametrize("host, accepted", [
    (f"127.0.0.1:{PORT}", True), (f"localhost:{PORT}", True), (f"[::1]:{PORT}", True), (f"LOCALHOST:{PORT}", True),
    ("evil.example", False), (f"evil.example:{PORT}", False), (f"localhost:{PORT + 1}", False), ("localhost", False),
    (f"127.0.0.1.nip.example:{PORT}", False), ("", False),
])
def test_host_header_must_name_this_server(default_client, host, accepted):
    r = default_client.get("/sparql", params={"query": "ASK {}"}, headers={"host": host})
    if accepted:
        assert r.status_code == 200
    else:
        assert r.status_code == 400 and "--allow-host" in r.text and "DNS rebinding" in r.text


def test_allow_host_and_the_bound_address_extend_the_host_check(build):
    with TestClient(create_app(build, workers=1, host="192.0.2.7", port=PORT,
                               allow_hosts=["kg.example.org", "other.example:8443"]), base_url=BASE) as c:
        for host, status in [(f"192.0.2.7:{PORT}", 200), ("kg.example.org", 200), ("kg.example.org:443", 200),
                             ("other.example:8443", 200), ("other.example:443", 400), ("192.0.2.8:7878", 400)]:
            assert c.get("/sparql", params={"query": "ASK {}"}, headers={"host": host}).status_code == status, host


def test_cors_is_off_unless_origins_are_named(default_client, build):
    origin = {"Origin": "https://page.example"}
    r = default_client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    r = default_client.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    with client(build, cors=["https://app.example"]) as c:
        r = c.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://app.example"})
        assert r.headers.get("access-control-allow-origin") == "https://app.example"
        r = c.get("/sparql", params={"query": "ASK {}"}, headers=origin)
        assert "access-control-allow-origin" not in r.headers
        r = c.options("/sparql", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Headers": "Content-Type"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://app.example"


def test_body_url_and_encoding_limits(build):
    with client(build, max_body=4096, max_url=2048) as c:
        direct = {"content-type": "application/sparql-query"}
        r = c.post("/sparql", content=b"ASK {}" + b" " * 5000, headers=direct)
        assert r.status_code == 413 and "--max-body" in r.text
        r = c.post("/sparql", content=iter([b"ASK {}", b" " * 5000]), headers=direct)  # chunked: no length given
        assert r.status_code == 413
        r = c.post("/sparql", content=b"ASK {}" + b" " * 4000, headers=direct)
        assert r.status_code == 200
        r = c.get("/sparql?query=ASK%20%7B%7D" + "%20" * 1000)
        assert r.status_code == 414 and "POST the query" in r.text
        r = c.get("/sparql?query=ASK%20%7B%7D%20%FF")
        assert r.status_code == 400 and "not valid UTF-8" in r.text
        r = c.post("/sparql", content=b"query=ASK%20%7B%7D%20%C3%28", headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 400 and "not valid UTF-8" in r.text
        r = c.post("/sparql", content="ASK {} # \u00e9".encode("latin-1"), headers=direct)
        assert r.status_code == 400 and "not valid UTF-8" in r.text
        r = c.post("/sparql", content="ASK { FILTER(\"é\" = \"é\") }".encode("utf-8"), headers=direct)
        assert r.status_code == 200 and r.json()["boolean"] is True


def test_query_page_still_served(default_client):
    r = default_client.get("/")
    assert r.status_code == 200 and "<textarea" in r.text
    r = default_client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"})
    assert r.status_code == 200 and r.json()["boolean"] is True  # what the page's Run button sends


# ------------------------------------------------------------------------------ the worker pool

def run_pool(coro_factory, **options):
    """Run ``coro_factory(pool)`` against a started one-worker pool over the fixture store."""
    async def main():
        pool = QueryPool(str(store_path(fixture_build())), workers=1, **options)
        await pool.start()
        try:
            return await coro_factory(pool)
        finally:
            await pool.stop()
    return asyncio.run(main())


def query(pool: QueryPool, text: str, **kw):
    return pool.run(text, accept=None, fmt=None, default=[], named=[], **kw)


def test_waiting_for_a_worker_counts_against_the_timeout():
    async def scenario(pool):
        loop = asyncio.get_running_loop()

        async def timed(text: str, delay: float):
            await asyncio.sleep(delay)
            started = loop.time()
            answer = await query(pool, text)
            return answer, loop.time() - started

        return await asyncio.gather(timed(SLOW, 0), timed(SLOW, 0.1), timed("ASK { ?s ?p ?o }", 0.2))

    (first, _), (second, second_took), (quick, quick_took) = run_pool(scenario, timeout=1.5)
    assert first.status == 503 and b"timed out after 1.5 s" in first.body
    # the second waited out its whole budget behind the first: refused, not started late on the new worker
    assert second.status == 503 and b"waiting for a free query worker" in second.body
    assert second_took < 2
    # and nobody waits much past the budget (before, the ASK sat behind both slow queries)
    assert quick.status in (200, 503) and quick_took < 2.2


def test_a_departed_clients_query_is_stopped_and_its_worker_freed():
    async def scenario(pool):
        loop = asyncio.get_running_loop()
        started = loop.time()

        async def gone() -> bool:  # the client hangs up half a second in
            return loop.time() - started > 0.5

        abandoned = await query(pool, SLOW, gone=gone)
        after = await query(pool, "ASK { ?s ?p ?o }")
        return abandoned, after, loop.time() - started

    abandoned, after, elapsed = run_pool(scenario, timeout=8)
    assert abandoned.status == 499
    assert after.status == 200 and b"true" in after.body
    assert elapsed < 4  # not the 8 s the abandoned query was allowed
