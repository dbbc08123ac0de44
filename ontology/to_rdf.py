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
from functools import lru_cache
from importlib.resources import files
from typing import Iterable, Iterator, NamedTuple

from rdflib import RDF, RDFS, XSD, Dataset, Graph as RdfGraph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, SKOS

from kg.graph import Graph
from kg.resolve import post_iri, stable_hash

ZW = Namespace("https://w3id.org/zhengwu-kg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
ONTOLOGY_DIR = files("ontology")  # the ontology and its SHACL shapes ship as package data
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
    """Every quad of the RDF view of ``graph`` as rdflib terms (graph ``None`` = the default graph)."""
    for _, qs in object_quads(graph):
        for s, p, o, g in qs:
            yield _rdflib(s), _rdflib(p), _rdflib(o), (None if g is None else URIRef(g))


def _rdflib(term):
    if isinstance(term, str):
        return URIRef(term)
    return Literal(term.value, lang=term.lang, datatype=URIRef(term.datatype) if term.datatype else None)


def object_quads(graph: Graph) -> Iterator[tuple[tuple, list[PlainQuad]]]:
    """(object key, its quads) for every object of the RDF view of ``graph``, in a fixed order.

    Every quad of the dataset belongs to exactly one object, so an output made of per-object blocks
    can be updated object by object (``kg/blocks.py``). The objects, and their keys: an article with
    the ``schema:mentions`` of its graph (``("a", iri)``), an entity (``("n", iri)``), each post of an
    official (``("p", official, title, article)``), each relation (``("e", type, source, target)``).
    A new article thus changes its own blocks, its posts and relations, not every official it names."""
    mentioned = mentions_by_article(graph)
    for a in graph.articles.values():
        yield ("a", a.iri), article_quads(a, mentioned.get(a.iri, ()))
    for n in graph.nodes.values():
        yield ("n", n.iri), node_quads(n, graph)
        for p in n.posts:
            yield ("p", n.iri, p.title, p.article), post_quads(n.iri, p, graph)
    for e in graph.edges:
        yield ("e", e.type, e.source, e.target), edge_quads(e, graph)


def mentions_by_article(graph: Graph) -> dict[str, list[str]]:
    """article IRI → the entities (of a known class) it mentions, sorted."""
    out: dict[str, set[str]] = {}
    for n in graph.nodes.values():
        if n.type in CLASSES:
            for m in n.mentions:
                out.setdefault(m.article, set()).add(n.iri)
    return {a: sorted(nodes) for a, nodes in out.items()}


# Plain terms: an IRI is a ``str``; a literal is a :class:`Lit`. The block writers format them directly.
class Lit(NamedTuple):
    value: str
    lang: str | None = None
    datatype: str | None = None


PlainQuad = tuple  # (subject IRI, predicate IRI, object IRI or Lit, graph IRI or None)

_Z = str(ZW)
_DC_IDENTIFIER, _DC_TITLE, _DC_ISSUED, _DC_DATE = (str(DCTERMS.identifier), str(DCTERMS.title), str(DCTERMS.issued),
                                                   str(DCTERMS.date))
_SCHEMA_URL, _SCHEMA_MENTIONS, _START_DATE = str(SCHEMA.url), str(SCHEMA.mentions), str(SCHEMA.startDate)
_PREF, _RDFS_LABEL, _ALT = str(SKOS.prefLabel), str(RDFS.label), str(SKOS.altLabel)
_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_DERIVED = str(PROV.wasDerivedFrom)
_ORG_POST, _HELD_BY, _HOLDS, _POST_IN = str(ORG.Post), str(ORG.heldBy), str(ORG.holds), str(ORG.postIn)
_CLASS_IRIS = {t: str(c) for t, c in CLASSES.items()}
_RELATION_IRIS = {t: str(r) for t, r in RELATIONS.items()}
_EVIDENCE, _START, _END, _TEXT = _Z + "Evidence", _Z + "startOffset", _Z + "endOffset", _Z + "evidenceText"
_INTEGER = str(XSD) + "integer"
_RDF_TYPE = str(RDF.type)
_XSD = str(XSD)


@lru_cache(maxsize=1 << 16)
def _plain_date(value: str | None, *, with_time: bool = False) -> Lit | None:
    lit = date_literal(value, with_time=with_time)
    return None if lit is None else Lit(str(lit), None, str(lit.datatype))


def _zl(text: str) -> Lit:
    return Lit(text, "zh")


def article_quads(a, mentioned: Iterable[str] = ()) -> list[PlainQuad]:
    """The article's metadata (default graph) and ``schema:mentions`` of the entities it names (its graph)."""
    s = a.iri
    out = [(s, _RDF_TYPE, _Z + "Article", None), (s, _DC_IDENTIFIER, Lit(a.doc_id), None),
           (s, _Z + "inputPath", Lit(a.path), None)]
    if a.title:
        out.append((s, _DC_TITLE, _zl(a.title), None))
    issued = _plain_date(a.published, with_time=True)
    if issued is not None:
        out.append((s, _DC_ISSUED, issued, None))
    if a.url:
        out.append((s, _SCHEMA_URL, Lit(a.url, None, _XSD + "anyURI"), None))
    if a.source:
        out.append((s, _Z + "sourceName", _zl(a.source), None))
    out += [(s, _Z + "authorName", _zl(name), None) for name in a.authors]
    out += [(s, _Z + "editorName", _zl(name), None) for name in a.editors]
    out += [(s, _SCHEMA_MENTIONS, n, s) for n in mentioned]
    return out


def node_quads(n, graph: Graph) -> list[PlainQuad]:
    """The entity: type, labels, aliases, jurisdiction, a meeting's date (default graph)."""
    cls = CLASSES.get(n.type)
    if cls is None:
        return []
    s = n.iri
    label = _zl(n.label)
    out = [(s, _RDF_TYPE, str(cls), None), (s, _PREF, label, None), (s, _RDFS_LABEL, label, None)]
    if n.pinyin:
        pinyin = Lit(n.pinyin, "zh-Latn-pinyin")
        out += [(s, _PREF, pinyin, None), (s, _RDFS_LABEL, pinyin, None)]
    out += [(s, _ALT, _zl(alias), None) for alias in n.aliases]
    if n.context:
        out.append((s, _Z + "jurisdiction", _zl(n.context), None))
    if n.type == "Meeting":
        d = _plain_date(n.date)
        if d is not None:
            out.append((s, _START_DATE, d, None))
    return out


def post_quads(official: str, p, graph: Graph) -> list[PlainQuad]:
    """One post (``org:Post``) of an official: title, holder, date, organisation, source article."""
    if graph.nodes.get(official) is None or graph.nodes[official].type not in CLASSES:
        return []
    post = post_iri(graph.base_iri, official, p.title, p.article)
    out = [(post, _RDF_TYPE, _ORG_POST, None), (post, _RDFS_LABEL, _zl(p.title), None),
           (post, _HELD_BY, official, None), (official, _HOLDS, post, None), (post, _DERIVED, p.article, None)]
    d = _plain_date(p.date)
    if d is not None:
        out.append((post, _DC_DATE, d, None))
    if p.org and p.org in graph.nodes:
        out.append((post, _POST_IN, p.org, None))
    if getattr(p, "jurisdiction", None):
        out.append((post, _Z + "jurisdiction", _zl(p.jurisdiction), None))
    for attr, prop in (("code", "adcode"), ("level", "administrativeLevel"), ("modifier", "modifier")):
        value = getattr(p, attr, None)
        if value:
            out.append((post, _Z + prop, Lit(value), None))
    for attr in ("organ", "position", "rank"):
        value = getattr(p, attr, None)
        if value:
            out.append((post, _Z + attr, _zl(value), None))
    if getattr(p, "gloss", None):
        out.append((post, _Z + "gloss", Lit(p.gloss, "en"), None))
    return out




def edge_quads(e, graph: Graph) -> list[PlainQuad]:
    """The relation once in the default graph, and in each stating article's graph with its Evidence."""
    if not e.provenance:
        return statement_quads(e, None, graph)
    return [q for i in range(len(e.provenance)) for q in statement_quads(e, i, graph)]


def statement_quads(e, i: int | None, graph: Graph) -> list[PlainQuad]:
    """Statement ``i`` of relation ``e``: the relation in its article's graph and its Evidence; the
    first statement (``i`` 0, or None for a relation without any) also carries the default-graph triple."""
    pred = _RELATION_IRIS.get(e.type)
    if pred is None or e.source not in graph.nodes or e.target not in graph.nodes:
        return []
    s, o = e.source, e.target
    out = [(s, pred, o, None)] if not i else []
    if i is None:
        return out
    p = e.provenance[i]
    g = p.article
    ev = evidence_iri(graph.base_iri, e.type, s, o, g, p.start, p.end)
    out += [(s, pred, o, g), (ev, _RDF_TYPE, _EVIDENCE, g), (ev, _RDF_SUBJECT, s, g),
            (ev, _RDF_PREDICATE, pred, g), (ev, _RDF_OBJECT, o, g), (ev, _DERIVED, g, g),
            (ev, _START, Lit(str(max(p.start, 0)), None, _INTEGER), g),
            (ev, _END, Lit(str(max(p.end, 0)), None, _INTEGER), g)]
    if p.sentence:
        out.append((ev, _TEXT, Lit(p.sentence, "zh"), g))
    if getattr(p, "order", None):
        out.append((ev, _Z + "protocolOrder", Lit(str(p.order), None, _XSD + "positiveInteger"), g))
    if p.date:
        d = _plain_date(p.date)
        if d is not None:
            out.append((ev, _DC_DATE, d, g))
    return out


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
