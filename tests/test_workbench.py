"""The analyst's workbench of `kg serve` (docs/workbench.md), in process: the YASGUI page and its
assets (vendored, offline, strict CSP), entity pages (escaped, 404 for unknown IRIs, bounded on
entities with thousands of relations), the ego network (the viz ego view, allowed only its own
inline blocks), and rebuilds picked up by a running app. Real query worker processes, as in
tests/test_serve_security.py; the browser tests are tests/test_workbench_browser.py."""
from __future__ import annotations

import hashlib
import json
import re
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest

from _kg_builds import fixture_build
from kg import workbench as wb
from kg.serve import create_app
from viz_support import BASE, XSS_ALIAS, XSS_LABEL, XSS_SENTENCE, XSS_TITLE
from workbench_support import HUB_OFFICIAL, HUB_ORG, hostile_build, hub_build, records_build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PORT = 7878
ROOT = Path(__file__).resolve().parents[1]
YASGUI = ROOT / "kg" / "static" / "yasgui"


def client(build: Path, **options) -> TestClient:
    options.setdefault("workers", 1)
    options.setdefault("timeout", 20)
    return TestClient(create_app(build, port=PORT, **options), base_url=f"http://127.0.0.1:{PORT}")


@pytest.fixture(scope="module")
def fixture_client():
    with client(fixture_build()) as c:
        yield c


@pytest.fixture(scope="module")
def hostile_client():
    with client(hostile_build()) as c:
        yield c


def entity(c: TestClient, iri: str, path: str = "entity"):
    return c.get(f"/{path}?iri=" + quote(iri, safe=""))


def iri_of(c: TestClient, label: str, source: str) -> str:
    """The IRI of the official named ``label`` in the articles of ``source`` (张伟 is two people)."""
    q = f"""PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX schema: <https://schema.org/>
    SELECT DISTINCT ?o WHERE {{ ?o a zw:Official ; skos:prefLabel "{label}"@zh .
      GRAPH ?a {{ ?a schema:mentions ?o }} ?a zw:sourceName "{source}"@zh }}"""
    rows = c.post("/sparql", data={"query": q}).json()["results"]["bindings"]
    assert len(rows) == 1, rows
    return rows[0]["o"]["value"]


# ------------------------------------------------------------------------------ the page and its assets

def test_workbench_page_is_yasgui_with_the_cookbook_our_prefixes_and_a_strict_csp(fixture_client):
    r = fixture_client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    page = r.text
    assert 'src="static/yasgui/yasgui.min.js"' in page and 'href="static/yasgui/yasgui.min.css"' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from another origin
    assert "<script>" not in page  # no inline script: only the JSON config block and our files
    config = json.loads(re.search(r'<script type="application/json" id="kg-config">(.*?)</script>', page,
                                  re.S).group(1))
    names = [t["name"] for t in config["tabs"]]
    cookbook = sorted(p.stem for p in (ROOT / "loaders" / "queries").glob("*.rq"))
    assert names == ["example", *cookbook]
    assert config["base"] == "https://w3id.org/zhengwu-kg/id/" and config["endpoint"] == "sparql"
    assert config["prefixes"]["zw"] == "https://w3id.org/zhengwu-kg/ontology#"
    assert config["prefixes"]["official"] == "https://w3id.org/zhengwu-kg/id/official/"
    assert "PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#>" in config["defaultQuery"]
    # a browser asking /sparql for HTML gets the same page, whose relative URLs still resolve
    r = fixture_client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and 'id="kg-config"' in r.text and "content-security-policy" in r.headers


def test_static_assets_are_served_from_the_package_and_nothing_else(fixture_client):
    r = fixture_client.get("/static/yasgui/yasgui.min.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.content == (YASGUI / "yasgui.min.js").read_bytes()
    for path in ("/static/workbench.js", "/static/kg.css", "/static/yasgui/yasgui.min.css"):
        assert fixture_client.get(path).status_code == 200, path
    for path in ("/static/../serve.py", "/static/%2e%2e/serve.py", "/static/../templates/entity.html",
                 "/static/nothing.js"):
        assert fixture_client.get(path).status_code == 404, path


def test_vendored_yasgui_is_the_recorded_version_and_small():
    lines = (YASGUI / "VERSION").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "@zazuko/yasgui 4.6.2"
    for line in lines[2:]:
        _, digest, name = line.split()
        assert hashlib.sha256((YASGUI / name).read_bytes()).hexdigest() == digest, name
    assert "MIT" in (YASGUI / "LICENSE").read_text(encoding="utf-8")
    assert "codemirror" in (YASGUI / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    size = sum(p.stat().st_size for p in YASGUI.iterdir())
    assert size < 2 * 2**20, f"the vendored YASGUI is {size} bytes"
    js = (YASGUI / "yasgui.min.js").read_text(encoding="utf-8")
    assert "sourceMappingURL" not in js[-200:]
    # the one inline <style> the bundle adds (column-resizer) is the text whose hash the CSP allows
    assert wb.GRIP_CSS in js.replace("`", "'") or wb.GRIP_CSS in js
    # no eval of strings at run time: the only eval is json2's fallback for browsers without JSON.parse
    assert js.count("eval(") == 1 and "new Function(" not in js


# ------------------------------------------------------------------------------ entity pages

def test_entity_page_of_an_official(fixture_client):
    iri = iri_of(fixture_client, "张伟", "随州日报")
    r = entity(fixture_client, iri)
    assert r.status_code == 200, r.text
    csp = r.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "frame-src 'self'" in csp
    page = r.text
    assert "<script" not in page  # the page runs no script; the ego network is a sandboxed frame
    assert '<h1 id="kg-label">张伟 <span class="kg-pinyin" lang="zh-Latn-pinyin">Zhāng Wěi</span>' in page
    assert "官员 Official" in page and "随州" in page
    # posts over time, with the parsed title
    posts = page.split('id="kg-posts"')[1].split("</section>")[0]
    assert "市委书记" in posts and "市委党校校长" in posts and "2020-03-02" in posts and "2020-05-08" in posts
    assert "湖北省随州市" in posts or "随州市" in posts
    # relations with their evidence sentences and articles
    rel = page.split('id="kg-relations"')[1].split("</section>")[0]
    assert "主持 presided" in rel and "出席 attended" in rel
    assert "市委书记张伟主持会议并讲话。" in rel and "市委常委会召开会议" in rel
    # links go to entity pages of this graph, never outside
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith(("entity?iri=https%3A%2F%2Fw3id.org%2Fzhengwu-kg%2Fid%2F", "static/", "./",
                                                "data:,")) for h in hrefs), hrefs
    assert 'sandbox="allow-scripts"' in page and 'src="entity/ego?iri=' in page
    assert "kg-cut" not in page  # nothing was capped here


def test_entity_pages_of_a_meeting_an_article_and_a_post(fixture_client):
    iri = iri_of(fixture_client, "张伟", "随州日报")
    page = entity(fixture_client, iri).text
    meeting = re.search(r'href="(entity\?iri=[^"]*meeting[^"]*)"', page).group(1)
    m = fixture_client.get("/" + meeting.replace("&amp;", "&"))
    assert m.status_code == 200 and "会议 Meeting" in m.text and "张伟" in m.text
    article = re.search(r'href="(entity\?iri=[^"]*article[^"]*)"', page).group(1)
    a = fixture_client.get("/" + article)
    assert a.status_code == 200 and "报道 Article" in a.text and "随州日报" in a.text
    assert 'href="http://example.org/' in a.text and 'rel="noopener noreferrer nofollow"' in a.text
    assert "张伟" in a.text.split('id="kg-article"')[1]  # the entities it names
    q = ("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?p WHERE { <%s> org:holds ?p } LIMIT 1" % iri)
    post = fixture_client.post("/sparql", data={"query": q}).json()["results"]["bindings"][0]["p"]["value"]
    p = entity(fixture_client, post)
    assert p.status_code == 200 and "职务 Post" in p.text and "org:heldBy" in p.text
    assert "市委书记" in p.text or "市委党校校长" in p.text
    assert entity(fixture_client, post, "entity/ego").status_code == 404  # a post has no ego network


def test_unknown_foreign_and_malformed_iris(fixture_client):
    unknown = "https://w3id.org/zhengwu-kg/id/official/0000000000000000"
    r = entity(fixture_client, unknown)
    assert r.status_code == 404 and "no entity" in r.text and r.headers["content-type"].startswith("text/plain")
    assert entity(fixture_client, unknown, "entity/ego").status_code == 404
    r = entity(fixture_client, "https://elsewhere.example/x")
    assert r.status_code == 404 and "not an entity of this graph" in r.text
    for bad in ("", "not an iri", "javascript:alert(1)", "https://w3id.org/zhengwu-kg/id/x>y", "https://a b",
                "https://w3id.org/zhengwu-kg/id/" + "x" * 3000):
        r = entity(fixture_client, bad)
        assert r.status_code == 400, (bad, r.status_code)
        assert r.headers["content-type"].startswith("text/plain")
    assert fixture_client.get("/entity").status_code == 400
    assert fixture_client.get("/entity?iri=%FF").status_code == 400  # not UTF-8
    # the literal text of a query is never where the IRI goes: a } or " in it is just a missing entity
    r = entity(fixture_client, 'https://w3id.org/zhengwu-kg/id/x"}SELECT')
    assert r.status_code in (400, 404)


HOSTILE = (XSS_LABEL, XSS_ALIAS, XSS_TITLE, XSS_SENTENCE)


def _no_markup_from_data(page: str) -> None:
    assert all(s not in page for s in HOSTILE)  # never as written: always escaped
    for raw in ("<script>window.__pwned", "<img src=x", "<b onmouseover", '"onerror=', "</script><script>"):
        assert raw not in page, raw


def test_entity_pages_escape_hostile_labels_aliases_titles_and_sentences(hostile_client):
    for local in ("official/chen", "official/ayi", "policy/p2", "meeting/m2", "article/a2"):
        r = entity(hostile_client, BASE + local)
        assert r.status_code == 200, (local, r.text)
        page = r.text
        _no_markup_from_data(page)
        assert "<script" not in page
    chen = entity(hostile_client, BASE + "official/chen").text
    assert "会议强调&lt;/script&gt;&lt;script&gt;window.__pwned=&#34;sentence&#34;&lt;/script&gt;" in chen
    assert "&lt;script&gt;window.__pwned = &#34;label&#34;&lt;/script&gt;“坏”政策" in chen  # the policy's label
    ayi = entity(hostile_client, BASE + "official/ayi").text
    assert "&#34;onerror=window.__pwned=&#34;alias&#34; x=&#34;" in ayi
    a2 = entity(hostile_client, BASE + "article/a2").text
    assert "&#34;&gt;&lt;img src=x onerror=&#34;window.__pwned=&#39;title&#39;&#34;&gt;新闻" in a2


def test_ego_network_is_the_viz_ego_view_allowed_only_its_own_inline_blocks(hostile_client):
    r = entity(hostile_client, BASE + "official/chen", "entity/ego")
    assert r.status_code == 200
    page, csp = r.text, r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "'self'" not in csp.split("frame-ancestors")[0]
    blocks = wb._InlineBlocks()
    blocks.feed(page)
    assert len(blocks.scripts) == 2 and len(blocks.styles) == 2  # vis-network and the page's own
    for text in blocks.scripts + blocks.styles:
        assert wb.csp_hash(text) in csp
    nodes = json.loads(re.search(r'<script type="application/json" id="kg-nodes">(.*?)</script>', page, re.S).group(1))
    labels = {n["label"] for n in nodes}
    assert {"陈立新", "云岚市疫情防控工作指挥部调度会议", "市委常委会(扩大)会议", XSS_LABEL} <= labels
    _no_markup_from_data(page.split('id="kg-nodes"')[1])  # the data blocks hold escaped JSON
    assert "\\u003cscript\\u003ewindow.__pwned" in page
    assert entity(hostile_client, BASE + "policy/p2", "entity/ego").status_code == 200
    assert hostile_client.get("/entity/ego").status_code == 400


# ------------------------------------------------------------------------------ bounded

@pytest.fixture(scope="module")
def hub_client():
    with client(hub_build(1500), workers=2) as c:
        yield c


def test_entities_with_thousands_of_relations_get_capped_pages_quickly(hub_client):
    for iri in (HUB_OFFICIAL, HUB_ORG):
        started = time.monotonic()
        r = entity(hub_client, iri)
        took = time.monotonic() - started
        assert r.status_code == 200 and took < 10, took
        page = r.text
        rows = page.count('<tr class="kg-relation">')
        assert rows == wb.MAX_RELATIONS
        assert f"this entity has more than {wb.MAX_RELATIONS}" in page
        assert len(page) < 400_000
        if iri == HUB_OFFICIAL:
            assert page.split('id="kg-posts"')[1].split("</section>")[0].count("<tr>") == wb.MAX_POSTS + 1  # + header
            assert f"more than {wb.MAX_POSTS}" in page and f"named in more than {wb.MAX_ARTICLES}" in page
        started = time.monotonic()
        r = entity(hub_client, iri, "entity/ego")
        assert r.status_code == 200 and time.monotonic() - started < 30
        nodes = json.loads(re.search(r'id="kg-nodes">(.*?)</script>', r.text, re.S).group(1))
        assert len(nodes) == wb.EGO_MAX_NODES
        page_data = json.loads(re.search(r'id="kg-page">(.*?)</script>', r.text, re.S).group(1))
        assert page_data["omitted"]["nodes"] > 0  # the page says what it left out


# ------------------------------------------------------------------------------ rebuilds

def test_a_rebuild_is_picked_up_without_a_restart(tmp_path):
    out = records_build(tmp_path / "out", ("a", "b", "c"))
    count = ("PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#> "
             "SELECT (COUNT(?a) AS ?n) WHERE { ?a a zw:Article }")
    with client(out, workers=2) as c:
        def articles() -> int:
            r = c.post("/sparql", data={"query": count})
            assert r.status_code == 200, r.text
            return int(r.json()["results"]["bindings"][0]["n"]["value"])

        pool = c.app.state.pool
        assert articles() == 3
        first = pool.current
        before = {w.process.pid for w in pool._all}
        records_build(out, ("a", "b", "c", "d"))
        assert articles() == 4  # the very next query
        assert pool.current != first and pool.switches == 1
        time.sleep(0.5)
        assert not before & {w.process.pid for w in pool._all}  # the old store's workers were replaced
        assert all(w.store == pool.current for w in pool._all)
        r = c.post("/sparql", data={"query": 'PREFIX dcterms: <http://purl.org/dc/terms/> ASK { ?a dcterms:identifier "doc-d" }'})
        assert r.json()["boolean"] is True
        # the entity pages follow too
        iri = iri_of(c, "张伟", "随州日报")
        assert "2020-05-08" in entity(c, iri).text


@pytest.mark.slow
def test_queries_in_flight_finish_on_the_old_store_and_it_is_closed_after(tmp_path):
    """A real server: a query running when the build switches stores answers from the old store; the
    next query sees the new one; the old store's worker is then closed (its files released)."""
    import threading
    import urllib.parse
    import urllib.request

    import psutil

    from _kg_builds import Server

    out = records_build(tmp_path / "out", ("a", "b", "c"))
    old_store = (out / "store").resolve()
    server = Server(out, "--workers", "2", "--timeout", "60")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # seconds on this store
    count = "PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a zw:Article }"

    def ask(query: str) -> int:
        data = urllib.parse.urlencode({"query": query}).encode()
        with urllib.request.urlopen(urllib.request.Request(server.endpoint, data=data), timeout=90) as r:
            return int(__import__("json").loads(r.read())["results"]["bindings"][0]["n"]["value"])

    def holders() -> set[int]:
        """Server processes with a file of the old store open."""
        out_pids = set()
        for proc in psutil.Process(server.proc.pid).children(recursive=True):
            try:
                if any(str(old_store) in f.path for f in proc.open_files()):
                    out_pids.add(proc.pid)
            except psutil.Error:
                pass
        return out_pids

    try:
        import pyoxigraph as ox

        triples = int(next(iter(ox.Store.read_only(str(old_store)).query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)  # the default graph's
        assert ask(count) == 3
        answer: dict[str, int] = {}
        runner = threading.Thread(target=lambda: answer.setdefault("n", ask(slow)))
        runner.start()
        time.sleep(1.0)  # it is running on the old store now
        assert holders()
        records_build(out, ("a", "b", "c", "d"))
        assert (out / "store").resolve() != old_store and not old_store.exists()  # the build deleted it
        assert ask(count) == 4  # a new query: the new store, while the old one is still answering
        runner.join(90)
        assert answer["n"] == triples ** 3  # the query in flight finished on the store it started on
        deadline = time.monotonic() + 10
        while holders():
            assert time.monotonic() < deadline, "the old store is still open"
            time.sleep(0.2)
        assert ask(count) == 4
    finally:
        server.stop()
