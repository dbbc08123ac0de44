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
    title: str
    article: str  # Article.iri
    date: str | None = None
    org: str | None = None  # Node.iri of the Organization the title names (市委 of 市委书记), if known


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
    return {"title": p.title, "article": p.article, "date": p.date, "org": p.org}


def provenance_dict(p: Provenance) -> dict[str, Any]:
    return {"article": p.article, "start": p.start, "end": p.end, "sentence": p.sentence, "date": p.date}


def node_dict(n: Node) -> dict[str, Any]:
    return {"iri": n.iri, "type": n.type, "label": n.label, "aliases": list(n.aliases), "pinyin": n.pinyin,
            "posts": [post_dict(p) for p in n.posts],
            "mentions": [{"article": m.article, "start": m.start, "end": m.end} for m in n.mentions],
            "context": n.context, "date": n.date}


def edge_dict(e: Edge) -> dict[str, Any]:
    return {"type": e.type, "source": e.source, "target": e.target,
            "provenance": [provenance_dict(p) for p in e.provenance]}
