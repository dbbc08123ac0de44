"""The resolved graph as RDF: an rdflib ``Dataset`` with one named graph per article.

- The default graph is *the* graph: every entity (types, ``@zh`` and ``@zh-Latn-pinyin`` labels,
  aliases, jurisdiction, meeting dates), every article's metadata, every post, and every relation
  once (``?official zw:attended ?meeting``). Cookbook queries run on it as is.
- The named graph ``<article IRI>`` holds what that article states: its relation triples, one
  ``zw:Evidence`` per statement (the reified triple, ``prov:wasDerivedFrom`` the article, the
  evidence sentence and its offsets) and ``schema:mentions`` links to the entities it names.
  The graph's name is the article's IRI, so ``GRAPH ?a { … } ?a dcterms:title ?t`` reads a fact's
  source title, date and URL. See docs/rdf.md for why named graphs rather than RDF-star.

Triple-only formats (Turtle, N-Triples, JSON-LD) hold the union of all graphs (:func:`union_graph`).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from rdflib import RDF, RDFS, XSD, Dataset, Graph as RdfGraph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, SKOS

from kg.graph import Graph
from kg.resolve import post_iri, stable_hash

ZW = Namespace("https://w3id.org/zhengwu-kg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_PATH = ONTOLOGY_DIR / "zhengwu.ttl"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"

PREFIXES = {"zw": str(ZW), "org": str(ORG), "schema": str(SCHEMA), "skos": str(SKOS), "dcterms": str(DCTERMS),
            "prov": str(PROV), "foaf": str(FOAF), "rdfs": str(RDFS), "rdf": str(RDF), "xsd": str(XSD),
            "owl": str(OWL)}

CLASSES = {"Official": ZW.Official, "Person": ZW.Person, "Organization": ZW.Organization,
           "Meeting": ZW.Meeting, "Policy": ZW.Policy, "Place": ZW.Place}
RELATIONS = {t: ZW[t] for t in ("attended", "presided", "addressed", "convened", "emphasised", "directed")}

_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
_MONTHDAY = re.compile(r"^--(\d{2})-(\d{2})$")

Quad = tuple  # (s, p, o, graph IRI or None for the default graph)


def date_literal(value: str | None, *, with_time: bool = False) -> Literal | None:
    """xsd:dateTime / xsd:date / xsd:gMonthDay for the date forms records use; None otherwise."""
    if not value:
        return None
    v = value.strip()
    m = _DATETIME.match(v)
    if m and with_time:
        y, mo, d, h, mi, s = m.groups()
        return Literal(f"{int(y):04d}-{int(mo):02d}-{int(d):02d}T{int(h):02d}:{mi}:{s or '00'}", datatype=XSD.dateTime)
    m = _DATE.match(v)
    if m:
        y, mo, d = m.groups()
        return Literal(f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", datatype=XSD.date)
    m = _MONTHDAY.match(v)
    if m:
        return Literal(v, datatype=XSD.gMonthDay)
    return None


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def evidence_iri(base_iri: str, rel: str, s: str, o: str, article: str, start: int, end: int) -> str:
    return f"{base_iri}evidence/{stable_hash(['Evidence', rel, s, o, article, str(start), str(end)])}"


def quads(graph: Graph) -> Iterator[Quad]:
    """Every quad of the RDF view of ``graph`` (graph IRI ``None`` = the default graph)."""
    base = graph.base_iri
    for a in graph.articles.values():
        s = URIRef(a.iri)
        yield s, RDF.type, ZW.Article, None
        yield s, DCTERMS.identifier, Literal(a.doc_id), None
        yield s, ZW.inputPath, Literal(a.path), None
        if a.title:
            yield s, DCTERMS.title, _zh(a.title), None
        issued = date_literal(a.published, with_time=True)
        if issued is not None:
            yield s, DCTERMS.issued, issued, None
        if a.url:
            yield s, SCHEMA.url, Literal(a.url, datatype=XSD.anyURI), None
        if a.source:
            yield s, ZW.sourceName, _zh(a.source), None
        for name in a.authors:
            yield s, ZW.authorName, _zh(name), None
        for name in a.editors:
            yield s, ZW.editorName, _zh(name), None

    for n in graph.nodes.values():
        s = URIRef(n.iri)
        cls = CLASSES.get(n.type)
        if cls is None:
            continue
        yield s, RDF.type, cls, None
        yield s, SKOS.prefLabel, _zh(n.label), None
        yield s, RDFS.label, _zh(n.label), None
        if n.pinyin:
            pinyin = Literal(n.pinyin, lang="zh-Latn-pinyin")
            yield s, SKOS.prefLabel, pinyin, None
            yield s, RDFS.label, pinyin, None
        for alias in n.aliases:
            yield s, SKOS.altLabel, _zh(alias), None
        if n.context:
            yield s, ZW.jurisdiction, _zh(n.context), None
        if n.type == "Meeting":
            d = date_literal(n.date)
            if d is not None:
                yield s, SCHEMA.startDate, d, None
        for p in n.posts:
            post = URIRef(post_iri(base, n.iri, p.title, p.article))
            yield post, RDF.type, ORG.Post, None
            yield post, RDFS.label, _zh(p.title), None
            yield post, ORG.heldBy, s, None
            yield s, ORG.holds, post, None
            yield post, PROV.wasDerivedFrom, URIRef(p.article), None
            d = date_literal(p.date)
            if d is not None:
                yield post, DCTERMS.date, d, None
            if p.org and p.org in graph.nodes:
                yield post, ORG.postIn, URIRef(p.org), None
        for article in sorted({m.article for m in n.mentions}):
            yield URIRef(article), SCHEMA.mentions, s, URIRef(article)

    for e in graph.edges:
        pred = RELATIONS.get(e.type)
        if pred is None or e.source not in graph.nodes or e.target not in graph.nodes:
            continue
        s, o = URIRef(e.source), URIRef(e.target)
        yield s, pred, o, None
        for p in e.provenance:
            g = URIRef(p.article)
            yield s, pred, o, g
            ev = URIRef(evidence_iri(base, e.type, e.source, e.target, p.article, p.start, p.end))
            yield ev, RDF.type, ZW.Evidence, g
            yield ev, RDF.subject, s, g
            yield ev, RDF.predicate, pred, g
            yield ev, RDF.object, o, g
            yield ev, PROV.wasDerivedFrom, g, g
            yield ev, ZW.startOffset, Literal(max(p.start, 0), datatype=XSD.integer), g
            yield ev, ZW.endOffset, Literal(max(p.end, 0), datatype=XSD.integer), g
            if p.sentence:
                yield ev, ZW.evidenceText, _zh(p.sentence), g
            d = date_literal(p.date)
            if d is not None:
                yield ev, DCTERMS.date, d, g


def bind_prefixes(g: RdfGraph | Dataset, base_iri: str | None = None) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    if base_iri:
        for kind in ("official", "person", "organization", "meeting", "policy", "place", "article", "post", "evidence"):
            g.bind(kind, f"{base_iri}{kind}/", override=True)


def to_rdf(graph: Graph, store: str = "default") -> Dataset:
    """The RDF dataset of ``graph``; ``store="Oxigraph"`` backs it with pyoxigraph (via oxrdflib)."""
    ds = Dataset(store=store, default_union=False)
    bind_prefixes(ds, graph.base_iri)
    default = default_graph(ds)
    contexts: dict[URIRef, RdfGraph] = {}

    def ctx(g: URIRef | None) -> RdfGraph:
        if g is None:
            return default
        c = contexts.get(g)
        if c is None:
            c = contexts[g] = ds.graph(g)
        return c

    ds.addN((s, p, o, ctx(g)) for s, p, o, g in quads(graph))
    return ds


def default_graph(ds: Dataset) -> RdfGraph:
    """The dataset's default graph (``default_graph`` in rdflib ≥ 7.1, ``default_context`` before)."""
    return ds.default_graph if hasattr(type(ds), "default_graph") else ds.default_context


def union_graph(ds: Dataset) -> RdfGraph:
    """All triples of all graphs of ``ds`` (what Turtle/N-Triples/JSON-LD files hold)."""
    out = RdfGraph()
    for prefix, ns in ds.namespaces():
        out.bind(prefix, ns, override=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        out.add((s, p, o))
    return out


def jsonld_context(base_iri: str | None = None) -> dict:
    """The JSON-LD context graph.jsonld is compacted with: the prefixes, Chinese as default language."""
    ctx: dict = dict(PREFIXES)
    if base_iri:
        ctx["id"] = base_iri
    ctx["@language"] = "zh"
    return ctx
