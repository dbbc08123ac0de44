"""Builds and browser helpers for the workbench tests (tests/test_workbench*.py): the hand-built graph
with hostile text (viz_support), a "hub" graph whose entities have thousands of relations, small
builds of the hand-made articles to rebuild under a running server, and a Chromium page on a
`kg serve` URL with every request that is not to that server aborted and logged."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from kg.graph import Article, Edge, Graph, Mention, Node, Post, Provenance
from viz_support import PageLog

_TMP = Path(tempfile.mkdtemp(prefix="kg-test-workbench-"))
atexit.register(shutil.rmtree, _TMP, True)

HUB = "https://hub.example/id/"
HUB_ORG = HUB + "organization/hub"
HUB_OFFICIAL = HUB + "official/hub"


@lru_cache(maxsize=None)
def hostile_build() -> Path:
    """viz_support.sample_graph() (labels, aliases, titles and sentences with <script> and onerror=)
    built into a folder with every output, the store included."""
    from kg.publish import write_outputs
    from viz_support import sample_graph

    out = _TMP / "hostile"
    write_outputs(sample_graph(), out)
    return out


def hub_graph(n: int) -> Graph:
    """One organisation convening ``n`` meetings, one official attending all of them (a post per
    article): each has ``n`` relations, ``n`` posts and ``n`` articles."""
    g = Graph(base_iri=HUB)
    g.nodes[HUB_ORG] = Node(iri=HUB_ORG, type="Organization", label="中枢委员会")
    g.nodes[HUB_OFFICIAL] = Node(iri=HUB_OFFICIAL, type="Official", label="王中枢", pinyin="Wáng Zhōngshū")
    for i in range(n):
        a, m = f"{HUB}article/a{i}", f"{HUB}meeting/m{i}"
        d = f"{2020 + i % 5}-{1 + i % 9:02d}-{10 + i % 10}"
        g.articles[a] = Article(iri=a, doc_id=f"a{i}", path=f"a{i}.txt", title=f"第{i}次会议召开", published=d)
        g.nodes[m] = Node(iri=m, type="Meeting", label=f"第{i}次会议", mentions=[Mention(a, 0, 3)], date=d)
        g.nodes[HUB_OFFICIAL].mentions.append(Mention(a, 0, 3))
        g.nodes[HUB_ORG].mentions.append(Mention(a, 0, 3))
        g.nodes[HUB_OFFICIAL].posts.append(Post("市长", a, d))
        g.edges.append(Edge("convened", HUB_ORG, m, [Provenance(a, 0, 10, f"中枢委员会召开第{i}次会议。", d)]))
        g.edges.append(Edge("attended", HUB_OFFICIAL, m, [Provenance(a, 0, 10, f"王中枢出席第{i}次会议。", d)]))
    return g


@lru_cache(maxsize=None)
def hub_build(n: int = 1500) -> Path:
    from kg.publish import write_outputs

    out = _TMP / f"hub-{n}"
    write_outputs(hub_graph(n), out)
    return out


def records_build(out: Path, names: tuple[str, ...]) -> Path:
    """The hand-made test articles (tests/_kg_articles.py) named by ``names`` ("a", "b", "c", "d")
    built into ``out`` (again: a rebuild, published as kg build publishes)."""
    import _kg_articles as arts
    from kg.build import build_from_records

    records = [getattr(arts, f"record_{n}")() for n in names]
    build_from_records(records, out, texts=arts.TEXTS)
    return out


def open_served(browser, url: str, *, width: int = 1400, height: int = 900):
    """A page at ``url`` (a kg serve page) where only requests to that server go through; others are
    aborted and logged. Console errors, page errors and CSP violations are logged too."""
    from urllib.parse import urlsplit

    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    log = PageLog()
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    context.add_init_script("""window.__csp = [];
        document.addEventListener('securitypolicyviolation',
          e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));""")
    page = context.new_page()
    context.on("request", lambda r: log.requests.append(r.url))
    page.on("console", lambda m: log.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(f"pageerror: {e}"))

    def route(r):
        u = r.request.url
        if u.startswith(origin) or u.startswith(("data:", "about:")):
            r.continue_()
        else:
            log.blocked.append(u)
            r.abort()

    context.route("**/*", route)
    page.goto(url)
    return page, log


def outside(log: PageLog, origin: str) -> list[str]:
    return [u for u in log.requests if not u.startswith((origin, "data:", "about:"))]
