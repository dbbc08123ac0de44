"""Resolved graphs built by hand for the Neo4j tests and bench (no extractor needed).

``sample_graph`` is a small graph in the genre (two articles, every node and edge type) that also
carries hostile names; ``add_article`` returns it plus one more article; ``synthetic_graph`` makes a
graph of any size for kill-mid-load tests and the benchmark.
"""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from kg.graph import Article, Edge, Graph, Mention, Node, Post, Provenance

BASE = "https://zhengwu-kg.example/id/"

#: names that break naive Cypher string building; they must load verbatim
HOSTILE_NAMES = [
    'O\'Brien "the quote"',
    "back`tick`` name",
    "}) MATCH (n) DETACH DELETE n //",
    "MERGE RETURN DELETE CREATE",
    "$rows {iri: 'x'} \\ 反斜杠",
]


def _iri(kind: str, local: str) -> str:
    return f"{BASE}{kind}/{local}"


def _node(g: Graph, kind: str, local: str, type_: str, label: str, article: str, start: int,
          **kw) -> Node:
    iri = _iri(kind, local)
    node = g.nodes.get(iri)
    if node is None:
        node = Node(iri=iri, type=type_, label=label, **kw)
        g.nodes[iri] = node
    node.mentions.append(Mention(article=article, start=start, end=start + len(label)))
    return node


def _edge(g: Graph, type_: str, s: Node, t: Node, article: str, start: int, sentence: str) -> None:
    date = g.articles[article].published
    prov = Provenance(article=article, start=start, end=start + len(sentence), sentence=sentence,
                      date=date[:10] if date else None)
    index = getattr(g, "_edge_index", None)  # edges by key, kept on the graph (not a field)
    if index is None or len(index) != len(g.edges):
        index = {e.key: e for e in g.edges}
        g._edge_index = index
    edge = index.get((type_, s.iri, t.iri))
    if edge is not None:
        edge.provenance.append(prov)
        return
    edge = Edge(type=type_, source=s.iri, target=t.iri, provenance=[prov])
    g.edges.append(edge)
    index[edge.key] = edge


def sample_graph() -> Graph:
    """Three articles (one undated) of a city's epidemic-control reporting, plus hostile names."""
    g = Graph(base_iri=BASE)
    a1, a2 = _iri("article", "a1"), _iri("article", "a2")
    g.articles[a1] = Article(iri=a1, doc_id="a1", path="data/a1.txt", title="陈瑞峰主持召开市委常委会会议",
                             published="2020-01-29T20:28", source="随州日报", authors=["刘诗诗"],
                             editors=["隋意"])
    g.articles[a2] = Article(iri=a2, doc_id="a2", path="data/a2.html", title="市疫情防控指挥部召开调度会",
                             published="2020-02-03", source="随州日报", url="http://example.org/a2")
    a0 = _iri("article", "a0")
    g.articles[a0] = Article(iri=a0, doc_id="a0", path="data/a0.jsonl", title=None, published=None)
    chen = _node(g, "official", "chen-ruifeng", "Official", "陈瑞峰", a1, 10, pinyin="Chén Ruìfēng",
                 context="随州市")
    cc_iri = _iri("org", "suizhou-cc")
    chen.posts.append(Post(title="市委书记", article=a1, date="2020-01-29", org=cc_iri))
    chen.posts.append(Post(title="市委书记", article=a2, date="2020-02-03", org=cc_iri))
    keke = _node(g, "official", "ke-ke", "Official", "克克", a1, 40, pinyin="Kè Kè", context="随州市")
    keke.posts.append(Post(title="市委副书记", article=a1, date="2020-01-29"))
    keke.posts.append(Post(title="市长", article=a1, date="2020-01-29"))
    keke.posts.append(Post(title="代市长", article=a2, date=None))
    zheng = _node(g, "official", "zheng-jun", "Official", "郑军", a2, 60, pinyin="Zhèng Jūn")
    _node(g, "official", "zheng-jun", "Official", "郑军", a1, 90)
    _node(g, "official", "zheng-jun", "Official", "郑军", a0, 7)
    zheng.posts.append(Post(title="市政府秘书长", article=a0, date=None))  # an undated post
    zheng.posts.append(Post(title="市政府秘书长", article=a2, date="2020-02-03"))
    liu = _node(g, "person", "liu-shishi", "Person", "刘诗诗", a1, 3, pinyin="Liú Shīshī")
    hq = _node(g, "org", "suizhou-hq", "Organization", "随州市疫情防控工作指挥部", a2, 0,
               aliases=["市指挥部", "市防控指挥部"])
    cc = _node(g, "org", "suizhou-cc", "Organization", "中共随州市委", a1, 0, aliases=["市委"])
    m1 = _node(g, "meeting", "cc-2020-01-29", "Meeting", "市委常委会(扩大)会议", a1, 20, date="2020-01-29")
    m2 = _node(g, "meeting", "hq-2020-02-03", "Meeting", "随州市疫情防控工作指挥部调度会议", a2, 20,
               date="2020-02-03")
    p1 = _node(g, "policy", "yiduan-sanbuduan", "Policy", "“一断三不断”原则", a1, 120)
    p2 = _node(g, "policy", "shoutu", "Policy", "“守土有责、守土担责、守土尽责”", a2, 130)
    _node(g, "policy", "yiduan-sanbuduan", "Policy", "“一断三不断”原则", a2, 150)
    place = _node(g, "place", "suizhou", "Place", "随州", a1, 5, pinyin="Suízhōu")
    # hostile names: one per node type where it fits, all linked so relationships carry them too
    bad_official = _node(g, "official", "hostile-1", "Official", HOSTILE_NAMES[0], a2, 200,
                         aliases=[HOSTILE_NAMES[1]])
    bad_official.posts.append(Post(title="副市长`}) RETURN 1 //", article=a2, date="2020-02-03"))
    bad_org = _node(g, "org", "hostile-2", "Organization", HOSTILE_NAMES[2], a2, 220)
    bad_policy = _node(g, "policy", "hostile-3", "Policy", HOSTILE_NAMES[3], a2, 240)
    bad_place = _node(g, "place", "hostile-4", "Place", HOSTILE_NAMES[4], a2, 260)
    bad_person = _node(g, "person", "hostile-5", "Person", HOSTILE_NAMES[1], a2, 280)
    del bad_place, bad_person  # mentioned only

    s1 = "市委书记陈瑞峰主持召开市委常委会(扩大)会议。"
    _edge(g, "presided", chen, m1, a1, 10, s1)
    _edge(g, "attended", keke, m1, a1, 40, "市委副书记、市长克克，市领导郑军出席会议。")
    _edge(g, "attended", zheng, m1, a1, 40, "市委副书记、市长克克，市领导郑军出席会议。")
    _edge(g, "addressed", chen, m1, a1, 100, "陈瑞峰在会上讲话。")
    _edge(g, "convened", cc, m1, a1, 0, s1)
    _edge(g, "emphasised", chen, p1, a1, 110, "陈瑞峰强调，要坚持“一断三不断”原则。")
    _edge(g, "emphasised", m1, p1, a1, 118, "会议强调，坚持“一断三不断”原则。")
    _edge(g, "directed", m1, hq, a1, 130, "市防控指挥部要千方百计做好保障。")
    _edge(g, "convened", hq, m2, a2, 0, "市疫情防控指挥部召开调度会议。")
    _edge(g, "presided", keke, m2, a2, 30, "克克主持会议。")
    _edge(g, "attended", chen, m2, a2, 50, "陈瑞峰、郑军参加会议。")
    _edge(g, "attended", zheng, m2, a2, 50, "陈瑞峰、郑军参加会议。")
    _edge(g, "attended", hq, m2, a2, 55, "市指挥部各成员单位参加会议。")
    _edge(g, "emphasised", m2, p2, a2, 130, "会议要求，做到“守土有责、守土担责、守土尽责”。")
    _edge(g, "emphasised", m2, p1, a2, 150, "会议强调，继续坚持“一断三不断”原则。")
    _edge(g, "directed", keke, hq, a2, 170, "克克要求市指挥部统筹调度。")
    _edge(g, "attended", bad_official, m2, a2, 200, f"{HOSTILE_NAMES[0]}参加会议。")
    # stated twice in the undated article whose text was not available: no sentence, no date
    _edge(g, "attended", zheng, m1, a0, 0, "")
    _edge(g, "attended", zheng, m1, a0, 30, "")
    _edge(g, "directed", m2, bad_org, a2, 220, f"会议要求{HOSTILE_NAMES[2]}落实。")
    _edge(g, "emphasised", bad_official, bad_policy, a2, 240, f"他强调{HOSTILE_NAMES[3]}。\n第二行")
    del liu, place
    return g


def add_article(graph: Graph) -> Graph:
    """``graph`` plus one new article: new official, meeting and policy, one restated fact."""
    g = copy.deepcopy(graph)
    a3 = _iri("article", "a3")
    g.articles[a3] = Article(iri=a3, doc_id="a3", path="data/a3.txt", title="王小明出席全市视频会议",
                             published="2020-02-10", source="随州日报")
    wang = _node(g, "official", "wang-xiaoming", "Official", "王小明", a3, 5, pinyin="Wáng Xiǎomíng")
    wang.posts.append(Post(title="副市长", article=a3, date="2020-02-10"))
    chen = g.nodes[_iri("official", "chen-ruifeng")]
    chen.mentions.append(Mention(article=a3, start=30, end=33))
    chen.posts.append(Post(title="市委书记", article=a3, date="2020-02-10", org=_iri("org", "suizhou-cc")))
    m3 = _node(g, "meeting", "video-2020-02-10", "Meeting", "全市疫情防控视频会议", a3, 10, date="2020-02-10")
    p3 = _node(g, "policy", "wangge", "Policy", "网格化管理", a3, 60)
    _edge(g, "attended", wang, m3, a3, 5, "副市长王小明出席全市疫情防控视频会议。")
    _edge(g, "presided", chen, m3, a3, 30, "陈瑞峰主持会议。")
    _edge(g, "emphasised", m3, p3, a3, 60, "会议强调，落实网格化管理。")
    return g


def synthetic_graph(n_articles: int, officials_per_article: int = 8) -> Graph:
    """A graph of ``n_articles`` articles, each a meeting with attending officials and policies."""
    g = Graph(base_iri=BASE)
    n_officials = max(officials_per_article * 2, n_articles * officials_per_article // 3)
    for i in range(n_articles):
        art = _iri("article", f"s{i}")
        day = f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}"
        g.articles[art] = Article(iri=art, doc_id=f"s{i}", path=f"synthetic/{i}.txt",
                                  title=f"合成会议报道{i}", published=day, source="合成日报")
        org = _node(g, "org", f"org{i % 50}", "Organization", f"合成市第{i % 50}指挥部", art, 0)
        meeting = _node(g, "meeting", f"m{i}", "Meeting", f"合成市第{i}次调度会议", art, 20, date=day)
        _edge(g, "convened", org, meeting, art, 0, f"合成市第{i % 50}指挥部召开调度会议。")
        for k in range(officials_per_article):
            j = (i * 7 + k * 13) % n_officials
            off = _node(g, "official", f"o{j}", "Official", f"官员{j}号", art, 40 + k * 10)
            off.posts.append(Post(title=f"第{j % 20}副市长", article=art, date=day))
            rel = "presided" if k == 0 else "attended"
            _edge(g, rel, off, meeting, art, 40 + k * 10, f"官员{j}号出席会议。")
        pol = _node(g, "policy", f"p{i % 200}", "Policy", f"“合成{i % 200}号”原则", art, 300)
        _edge(g, "emphasised", meeting, pol, art, 300, f"会议强调“合成{i % 200}号”原则。")
    return g


def expected_counts(graph: Graph) -> dict[str, int]:
    """Counts a complete load must show, computed straight from the graph (not via the model)."""
    out: dict[str, int] = {"Article": len(graph.articles)}
    for n in graph.nodes.values():
        out[n.type] = out.get(n.type, 0) + 1
    out["Entity"] = len(graph.nodes)
    for key in {e.key for e in graph.edges}:
        out[key[0].upper()] = out.get(key[0].upper(), 0) + 1
    posts = {(n.iri, p.title, p.article): p.org for n in graph.nodes.values() for p in n.posts}
    out["Post"] = len(posts)
    out["HOLDS_POST"] = len(posts)
    if any(org in graph.nodes for org in posts.values()):
        out["POST_IN"] = sum(1 for org in posts.values() if org in graph.nodes)
    out["MENTIONS"] = len({(m.article, n.iri) for n in graph.nodes.values() for m in n.mentions})
    return out


def write_build(graph: Graph, out_dir: Path) -> Path:
    """Write ``graph`` as a build directory's graph.json (temp file + rename)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "graph.json"
    tmp = out_dir / ".graph.json.tmp"
    tmp.write_text(json.dumps(graph.to_dict(), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return out_dir
