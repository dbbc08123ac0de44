"""The resolved graph: one node per real-world entity across articles (plain data).

``kg build`` writes it as ``DIR/graph.json``; the RDF mapping, the Neo4j loader and the HTML views
all read this one shape (``Graph.from_dict``), so none of them re-resolves records.

- ``Node.iri`` is the stable entity IRI (the key everywhere: RDF subject, Neo4j node key).
- ``Node.posts`` is the official's titles over time: one ``Post`` per (title, article).
- ``Edge`` is one relation between two nodes with every place it was stated (``Provenance``).
- ``Article`` is one input article; every provenance names one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NODE_TYPES = ("Official", "Person", "Organization", "Meeting", "Policy", "Place")
EDGE_TYPES = ("attended", "presided", "addressed", "convened", "emphasised", "directed")


@dataclass(slots=True)
class Article:
    iri: str
    doc_id: str
    path: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Post:
    """One title of an official in one article, as written, and what it parses into (``kg.titles``)."""

    title: str
    article: str  # Article.iri
    date: str | None = None
    org: str | None = None  # Node.iri of the Organization the title names (市委 of 市委书记), if known
    jurisdiction: str | None = None  # the unit's full name, 湖北省随州市 (中华人民共和国 for national posts)
    level: str | None = None  # national / province / prefecture / county / township
    code: str | None = None  # the unit's adcode (CN for national posts)
    organ: str | None = None  # 党委, 政府, 人大常委会, 政协, … or the named body (公安局)
    position: str | None = None  # 书记, 市长, 主任, … without modifiers
    modifier: str | None = None  # 原+党组+常务+副+代, as many as apply, "+"-joined
    rank: str | None = None  # 级别 by convention: 正部 … 副科
    gloss: str | None = None  # "Deputy Party Secretary, Suizhou Municipal Party Committee"


POST_PARSE_FIELDS = ("jurisdiction", "level", "code", "organ", "position", "modifier", "rank", "gloss")


@dataclass(slots=True)
class Mention:
    article: str  # Article.iri
    start: int
    end: int


@dataclass
class Node:
    iri: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    pinyin: str | None = None
    posts: list[Post] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    context: str | None = None  # jurisdiction/organisation that disambiguates a name, if any
    date: str | None = None  # a Meeting's date (part of its identity), ISO 8601
    measures: dict | None = None  # an official's co-attendance network measures (kg.measures), if in it

    @property
    def articles(self) -> list[str]:
        return sorted({m.article for m in self.mentions})


@dataclass(slots=True)
class Provenance:
    article: str  # Article.iri
    start: int
    end: int
    sentence: str
    date: str | None = None
    order: int | None = None  # attended: the official's place among the meeting's attendees in the article (1 = first)


@dataclass(slots=True)
class Edge:
    type: str
    source: str  # Node.iri
    target: str  # Node.iri
    provenance: list[Provenance] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.type, self.source, self.target)


@dataclass
class Graph:
    base_iri: str
    articles: dict[str, Article] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "base_iri": self.base_iri,
            "articles": [article_dict(a) for a in self.articles.values()],
            "nodes": [node_dict(n) for n in self.nodes.values()],
            "edges": [edge_dict(e) for e in self.edges],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Graph":
        g = cls(base_iri=data["base_iri"])
        for a in data["articles"]:
            g.articles[a["iri"]] = Article(**a)
        for n in data["nodes"]:
            n = dict(n)
            n["posts"] = [Post(**p) for p in n.get("posts", [])]
            n["mentions"] = [Mention(**m) for m in n.get("mentions", [])]
            g.nodes[n["iri"]] = Node(**n)
        for e in data["edges"]:
            e = dict(e)
            e["provenance"] = [Provenance(**p) for p in e.get("provenance", [])]
            g.edges.append(Edge(**e))
        return g


# Plain dicts of the parts, as ``dataclasses.asdict`` gives them, written out: asdict deep-copies
# generically and is several times slower on a graph of 20,000 articles (graph.json, the views).

def article_dict(a: Article) -> dict[str, Any]:
    return {"iri": a.iri, "doc_id": a.doc_id, "path": a.path, "title": a.title, "published": a.published,
            "source": a.source, "url": a.url, "authors": list(a.authors), "editors": list(a.editors)}


def post_dict(p: Post) -> dict[str, Any]:
    return {"title": p.title, "article": p.article, "date": p.date, "org": p.org,
            "jurisdiction": p.jurisdiction, "level": p.level, "code": p.code, "organ": p.organ,
            "position": p.position, "modifier": p.modifier, "rank": p.rank, "gloss": p.gloss}


def provenance_dict(p: Provenance) -> dict[str, Any]:
    return {"article": p.article, "start": p.start, "end": p.end, "sentence": p.sentence, "date": p.date,
            "order": p.order}


def node_dict(n: Node) -> dict[str, Any]:
    return {"iri": n.iri, "type": n.type, "label": n.label, "aliases": list(n.aliases), "pinyin": n.pinyin,
            "posts": [post_dict(p) for p in n.posts],
            "mentions": [{"article": m.article, "start": m.start, "end": m.end} for m in n.mentions],
            "context": n.context, "date": n.date,
            "measures": dict(n.measures) if n.measures is not None else None}


def edge_dict(e: Edge) -> dict[str, Any]:
    return {"type": e.type, "source": e.source, "target": e.target,
            "provenance": [provenance_dict(p) for p in e.provenance]}
