"""The property-graph model of a resolved graph in Neo4j, as plain rows (no I/O, no driver).

Why a separate module: the live loader (``neo4j_loader``), the offline CSV export
(``neo4j_csv``) and the tests all need the same mapping of ``kg.graph.Graph`` onto labels,
relationship types and properties; keeping it pure makes that one mapping testable on its own.
The model is documented in ``docs/neo4j.md``:

- Every entity is one node with label ``Entity`` plus exactly one type label (``Official``,
  ``Person``, ``Organization``, ``Meeting``, ``Policy``, ``Place``); its key is ``iri`` (the
  entity IRI of the RDF graph), unique across all entity types.
- Each article is an ``Article`` node keyed by its IRI.
- An official's titles are ``Post`` nodes, one per (official, title, article), keyed by the IRI
  of the RDF graph's ``org:Post``: ``(Official)-[:HOLDS_POST]->(Post)``, and
  ``(Post)-[:POST_IN]->(Organization)`` when the title names a known body (市委 of 市委书记).
- Each resolved edge is one relationship of its upper-case type (``ATTENDED`` …) with its
  provenance as parallel arrays (``articles``, ``starts``, ``ends``, ``sentences``, ``dates``; and
  ``orders`` on ``ATTENDED``: the protocol order of each statement, 0 where none).
- A ``Post`` carries what its title parses into (``jurisdiction``, ``level``, ``code``, ``organ``,
  ``position``, ``modifier``, ``rank``, ``gloss``; docs/careers.md).
- ``(Article)-[:MENTIONS {starts, ends}]->(entity)`` for every entity an article mentions.

Neo4j arrays cannot hold nulls, so an unknown date is ``""`` inside the ``dates`` arrays; a property
that is null, an empty list or a list of only empty strings is left out (absent), the same in a live
load and a CSV import. Every row
carries ``hash``, a digest of its properties: the loader writes a row only when it differs from what
the database holds, which is what makes a re-load a no-op.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kg.graph import EDGE_TYPES, NODE_TYPES, POST_PARSE_FIELDS, Graph
from kg.resolve import iso_date, post_iri

ENTITY_LABEL = "Entity"
ARTICLE_LABEL = "Article"
POST_LABEL = "Post"
#: graph node type -> Neo4j label (the only labels the loader ever writes besides the three above)
NODE_LABELS: dict[str, str] = {t: t for t in NODE_TYPES}
#: graph edge type -> Neo4j relationship type
REL_TYPES: dict[str, str] = {t: t.upper() for t in EDGE_TYPES}
HOLDS_POST = "HOLDS_POST"
POST_IN = "POST_IN"
MENTIONS = "MENTIONS"
ALL_LABELS = frozenset({ENTITY_LABEL, ARTICLE_LABEL, POST_LABEL, *NODE_LABELS.values()})
ALL_REL_TYPES = frozenset({HOLDS_POST, POST_IN, MENTIONS, *REL_TYPES.values()})


class GraphModelError(ValueError):
    """The graph cannot be mapped (an edge names an unknown node, a node has no IRI…)."""


@dataclass(frozen=True)
class NodeSet:
    """Rows for one node label: each row is ``{"key", "props", "hash"}`` (key = the ``iri``)."""

    label: str  # the type label (ALL_LABELS); the merge label is ``merge_label``
    merge_label: str  # the label whose ``iri`` is unique: Entity, Article or Post
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class RelSet:
    """Rows for one relationship type between two merge labels: ``{"source", "target", "props", "hash"}``."""

    type: str
    source_label: str
    target_label: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Model:
    """The whole graph as node sets then relationship sets, in load order."""

    nodes: list[NodeSet]
    relationships: list[RelSet]

    def counts(self) -> dict[str, int]:
        """Rows per label / relationship type (what a complete load holds)."""
        out: dict[str, int] = {}
        for ns in self.nodes:
            out[ns.label] = out.get(ns.label, 0) + len(ns.rows)
        for rs in self.relationships:
            out[rs.type] = out.get(rs.type, 0) + len(rs.rows)
        return out

    @property
    def total_rows(self) -> int:
        return sum(len(s.rows) for s in self.nodes) + sum(len(s.rows) for s in self.relationships)


def digest(props: dict[str, Any]) -> str:
    """A stable 64-bit digest of a property map (key order does not matter)."""
    blob = json.dumps(props, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=8).hexdigest()


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    # Neo4j cannot store null, and neo4j-admin reads an empty array, or one holding only empty
    # strings, as no value: all of these are left out, in a live load and a CSV import alike.
    return {k: v for k, v in props.items()
            if v is not None and not (isinstance(v, list) and all(i == "" for i in v))}


def _node_row(key: str, props: dict[str, Any]) -> dict[str, Any]:
    """A node row: ``key`` becomes the ``iri`` property (not repeated in ``props``: rows go over
    the wire, and every byte of a row is paid for in a load)."""
    clean = _clean(props)
    return {"key": key, "props": clean, "hash": digest({"iri": key, **clean})}


def _rel_row(source: str, target: str, props: dict[str, Any]) -> dict[str, Any]:
    clean = _clean(props)
    return {"source": source, "target": target, "props": clean, "hash": digest(clean)}


def _article_rows(graph: Graph) -> list[dict[str, Any]]:
    rows = []
    for a in sorted(graph.articles.values(), key=lambda a: a.iri):
        rows.append(_node_row(a.iri, {
            "doc_id": a.doc_id, "path": a.path, "title": a.title,
            "published": a.published, "date": iso_date(a.published), "source": a.source, "url": a.url,
            "authors": list(a.authors), "editors": list(a.editors),
        }))
    return rows


def _node_sets(graph: Graph) -> list[NodeSet]:
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in sorted(graph.nodes.values(), key=lambda n: n.iri):
        if n.type not in NODE_LABELS:
            continue  # a type this loader does not know is ignored (output.md)
        # Only what the node itself says: where it is mentioned is its MENTIONS, its type its
        # label, so a new article that mentions it adds relationships and leaves the node alone.
        titles = sorted({p.title for p in n.posts})
        by_label[NODE_LABELS[n.type]].append(_node_row(n.iri, {
            "name": n.label, "aliases": list(n.aliases), "pinyin": n.pinyin, "context": n.context,
            "date": iso_date(n.date), "titles": titles,
        }))
    return [NodeSet(label, ENTITY_LABEL, by_label[label]) for label in NODE_LABELS.values()
            if by_label[label]]


def _date(d: str | None) -> str:
    return d or ""


def _post_rows(graph: Graph) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Post nodes, HOLDS_POST and POST_IN rows: one post per (official, title, article), keyed by
    the same IRI as the RDF graph's ``org:Post`` (``kg.resolve.post_iri``)."""
    posts: dict[str, dict[str, Any]] = {}
    holds: dict[str, dict[str, Any]] = {}
    post_in: dict[str, dict[str, Any]] = {}
    for n in graph.nodes.values():
        if n.type not in NODE_LABELS:
            continue
        for p in n.posts:
            key = post_iri(graph.base_iri, n.iri, p.title, p.article)
            if key in posts:
                continue
            date = iso_date(p.date)  # as the RDF graph dates an org:Post: by its own date only
            org = p.org if p.org in graph.nodes and graph.nodes[p.org].type in NODE_LABELS else None
            posts[key] = _node_row(key, {"title": p.title, "article": p.article, "date": date,
                                         **{f: getattr(p, f) for f in POST_PARSE_FIELDS}})
            prov = {"articles": [p.article], "dates": [_date(date)]}
            holds[key] = _rel_row(n.iri, key, prov)
            if org:
                post_in[key] = _rel_row(key, org, prov)
    order = sorted(posts)
    return ([posts[k] for k in order], [holds[k] for k in order],
            [post_in[k] for k in order if k in post_in])


def _edge_sets(graph: Graph) -> list[RelSet]:
    merged: dict[tuple[str, str, str], list] = defaultdict(list)
    for e in graph.edges:
        if e.type in REL_TYPES:
            merged[e.key].extend(e.provenance)
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (etype, source, target), prov in sorted(merged.items()):
        for iri in (source, target):
            if iri not in graph.nodes:
                raise GraphModelError(f"{etype} edge {source} -> {target} names unknown node {iri}")
        if any(graph.nodes[i].type not in NODE_LABELS for i in (source, target)):
            continue  # an endpoint of a type this loader does not know is not loaded
        items = sorted({(_date(p.date or (graph.articles[p.article].published
                                          if p.article in graph.articles else None)),
                         p.article, p.start, p.end, p.sentence, p.order or 0) for p in prov})
        props = {"articles": [i[1] for i in items], "starts": [i[2] for i in items],
                 "ends": [i[3] for i in items], "sentences": [i[4] for i in items],
                 "dates": [i[0] for i in items]}
        if any(i[5] for i in items):
            props["orders"] = [i[5] for i in items]  # protocol order per statement (0: none)
        by_type[REL_TYPES[etype]].append(_rel_row(source, target, props))
    return [RelSet(t, ENTITY_LABEL, ENTITY_LABEL, by_type[t]) for t in REL_TYPES.values() if by_type[t]]


def _mention_rows(graph: Graph) -> list[dict[str, Any]]:
    spans: dict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    for n in graph.nodes.values():
        if n.type not in NODE_LABELS:
            continue
        for m in n.mentions:
            spans[(m.article, n.iri)].add((m.start, m.end))
    rows = []
    for (article, node), s in sorted(spans.items()):
        if article not in graph.articles:
            raise GraphModelError(f"node {node} is mentioned in unknown article {article}")
        ordered = sorted(s)
        rows.append(_rel_row(article, node, {"starts": [a for a, _ in ordered],
                                             "ends": [b for _, b in ordered]}))
    return rows


def build_model(graph: Graph) -> Model:
    """Map a resolved graph onto rows for every label and relationship type (pure)."""
    for iri, n in graph.nodes.items():
        if not iri or iri != n.iri:
            raise GraphModelError(f"node {n.label!r} has a missing or inconsistent IRI {iri!r}")
    for p_article in (p.article for n in graph.nodes.values() for p in n.posts):
        if p_article not in graph.articles:
            raise GraphModelError(f"a post cites unknown article {p_article}")
    posts, holds, post_in = _post_rows(graph)
    nodes = [NodeSet(ARTICLE_LABEL, ARTICLE_LABEL, _article_rows(graph))] + _node_sets(graph)
    if posts:
        nodes.append(NodeSet(POST_LABEL, POST_LABEL, posts))
    rels = _edge_sets(graph)
    if holds:
        rels.append(RelSet(HOLDS_POST, ENTITY_LABEL, POST_LABEL, holds))
    if post_in:
        rels.append(RelSet(POST_IN, POST_LABEL, ENTITY_LABEL, post_in))
    mentions = _mention_rows(graph)
    if mentions:
        rels.append(RelSet(MENTIONS, ARTICLE_LABEL, ENTITY_LABEL, mentions))
    return Model(nodes=[ns for ns in nodes if ns.rows], relationships=rels)
