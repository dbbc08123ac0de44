"""Shared pieces of the viz tests: a hand-built graph in the genre (with hostile text), and a
headless Debian Chromium driven by Playwright with the network blocked.

The graph needs no extractor: two fictional articles, every node and relation type, titles that
change over time, aliases, pinyin, hard names (compound surname, one-character given name, a name
with ·) — and an injected ``<script>``/``onerror=`` in a label, an alias, an article title and an
evidence sentence, each of which would set ``window.__pwned`` if it ever ran.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kg.graph import Article, Edge, Graph, Mention, Node, Post, Provenance

BASE = "https://zhengwu-kg.example/id/"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--disable-default-apps", "--disable-extensions"]

XSS_LABEL = '<script>window.__pwned = "label"</script>“坏”政策'
XSS_ALIAS = '"onerror=window.__pwned="alias" x="'
XSS_TITLE = '"><img src=x onerror="window.__pwned=\'title\'">新闻'
XSS_SENTENCE = '会议强调</script><script>window.__pwned="sentence"</script><b onmouseover=alert(1)>要</b>。'


def _iri(kind: str, local: str) -> str:
    return f"{BASE}{kind}/{local}"


def sample_graph() -> Graph:
    """Two articles of one city's meetings; 13 nodes, 15 edges."""
    g = Graph(base_iri=BASE)
    a1 = Article(iri=_iri("article", "a1"), doc_id="a1", path="samples/a1.txt",
                 title="云岚市召开疫情防控工作调度会议", published="2023-03-14", source="云岚日报")
    a2 = Article(iri=_iri("article", "a2"), doc_id="a2", path="samples/a2.txt",
                 title=XSS_TITLE, published="2024-09-12", source="云岚日报")
    g.articles = {a1.iri: a1, a2.iri: a2}

    def node(local: str, type_: str, label: str, arts: list[Article], **kw) -> str:
        iri = _iri(type_.lower(), local)
        g.nodes[iri] = Node(iri=iri, type=type_, label=label,
                            mentions=[Mention(article=a.iri, start=0, end=len(label)) for a in arts], **kw)
        return iri

    chen = node("chen", "Official", "陈立新", [a1, a2], pinyin="Chén Lìxīn", context="云岚市",
                posts=[Post("市委书记", a1.iri, a1.published), Post("省委常委", a2.iri, a2.published),
                       Post("市委书记", a2.iri, a2.published)])
    wang = node("wang", "Official", "王晓红", [a1], pinyin="Wáng Xiǎohóng", context="云岚市",
                posts=[Post("市委副书记", a1.iri, a1.published), Post("市长", a1.iri, a1.published)])
    ouyang = node("ouyang", "Official", "欧阳志远", [a1, a2], pinyin="Ōuyáng Zhìyuǎn", context="云岚市",
                  posts=[Post("常务副市长", a1.iri, a1.published)])
    li = node("li", "Official", "李坚", [a2], pinyin="Lǐ Jiān", context="云岚市",
              posts=[Post("市纪委书记", a2.iri, a2.published), Post("市监委主任", a2.iri, a2.published)])
    ayi = node("ayi", "Official", "阿依·买买提", [a2], pinyin="Āyī·Mǎimǎití", context="云岚市",
               aliases=[XSS_ALIAS], posts=[Post("副市长", a2.iri, a2.published)])
    reporter = node("liu", "Person", "刘诗诗", [a1], pinyin="Liú Shīshī")
    hq = node("hq", "Organization", "云岚市疫情防控工作指挥部", [a1, a2], aliases=["市指挥部", "市防控指挥部"])
    cwh = node("cwh", "Organization", "中共云岚市委员会", [a2], aliases=["市委"])
    m1 = node("m1", "Meeting", "云岚市疫情防控工作指挥部调度会议", [a1])
    m2 = node("m2", "Meeting", "市委常委会(扩大)会议", [a2])
    p1 = node("p1", "Policy", "“一断三不断”原则", [a1])
    p2 = node("p2", "Policy", XSS_LABEL, [a2])
    node("place", "Place", "云岚市", [a1, a2], pinyin="Yúnlán Shì")

    def edge(type_: str, src: str, dst: str, art: Article, sentence: str) -> None:
        g.edges.append(Edge(type_, src, dst, [Provenance(art.iri, 0, len(sentence), sentence, art.published)]))

    edge("convened", hq, m1, a1, "市疫情防控指挥部召开调度会议。")
    edge("presided", wang, m1, a1, "市委副书记、市长王晓红主持会议。")
    edge("attended", chen, m1, a1, "市委书记陈立新出席会议并讲话。")
    edge("addressed", chen, m1, a1, "市委书记陈立新出席会议并讲话。")
    edge("attended", ouyang, m1, a1, "市领导欧阳志远等参加会议。")
    edge("emphasised", m1, p1, a1, "会议强调，要坚持“一断三不断”原则。")
    edge("directed", m1, hq, a1, "会议要求，市指挥部要千方百计做好保障。")
    edge("convened", cwh, m2, a2, "市委召开常委会(扩大)会议。")
    edge("presided", chen, m2, a2, "陈立新主持会议并讲话。")
    edge("addressed", chen, m2, a2, "陈立新主持会议并讲话。")
    edge("attended", ouyang, m2, a2, "欧阳志远、李坚、阿依·买买提出席会议。")
    edge("attended", li, m2, a2, "欧阳志远、李坚、阿依·买买提出席会议。")
    edge("attended", ayi, m2, a2, "欧阳志远、李坚、阿依·买买提出席会议。")
    edge("emphasised", chen, p2, a2, XSS_SENTENCE)
    edge("directed", m2, hq, a2, "会议要求，市指挥部要压实责任。")
    assert reporter in g.nodes
    return g


@dataclass
class PageLog:
    """What a page did: every request it tried, and every console error or uncaught exception."""
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:", "about:"))]


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's chromium under Playwright (never `playwright install`: no browser downloads here)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: run scripts/setup.d/20-browser.sh (apt chromium + CJK font)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, path: Path, width: int = 1400, height: int = 900, timeout_ms: int = 60_000):
    """Open ``path`` with every non-file request aborted and logged; wait until the graph is drawn."""
    log = PageLog()
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    page = context.new_page()
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("console", lambda m: log.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(f"pageerror: {e}"))

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            log.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.kgReady === true", timeout=timeout_ms)
    return page, log


def node_id(page, iri: str) -> int:
    """The page's numeric id of the node with this IRI."""
    return page.evaluate("iri => kgView.page.nodeInfo.findIndex(n => n.iri === iri)", iri)


def node_dom_xy(page, nid: int) -> tuple[float, float]:
    """Where node ``nid`` is on screen (page coordinates), for real mouse moves and clicks."""
    return tuple(page.evaluate("""nid => {
        const net = kgView.network, p = net.getPositions([nid])[nid], d = net.canvasToDOM(p);
        const r = document.getElementById('mynetwork').getBoundingClientRect();
        return [r.left + d.x, r.top + d.y];
    }""", nid))
