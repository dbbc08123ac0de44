"""The analyst's workbench of ``kg serve``: the YASGUI query page, entity pages and their ego networks.

    info = BuildInfo(Path("out"))                                   # base IRI and prefixes, from graph.json
    html = workbench_page(info, title, examples, default_query, limits)   # the page at /
    entity = await load_entity(ask, iri)                            # ask(query) -> SPARQL JSON bindings
    html = entity_page(entity, base=info.base_iri, prefixes=info.prefixes, ego_available=True)  # /entity?iri=…
    entity = await load_entity(ask, iri, ego=True)
    html, csp = ego_page(entity)                                    # /entity/ego?iri=… (the viz ego view)

Everything an entity page shows comes from the store through the endpoint's own query workers
(``ask`` runs a query on :class:`kg.serve.QueryPool`), so it is bounded by ``--timeout`` and
``--max-query-memory`` like any query, follows rebuilds like any query, and every query has a LIMIT:
at most :data:`MAX_RELATIONS` relations, :data:`MAX_EVIDENCE` evidence statements,
:data:`MAX_POSTS` posts and :data:`MAX_ARTICLES` articles are read, and the page says when it shows
fewer than there are. The ego network is ``viz.views.ego_view`` on the entity and at most
:data:`EGO_CANDIDATES` of its neighbours, drawn by ``viz.render.render_html`` with at most
:data:`EGO_MAX_NODES` nodes.

Escaping: pages are Jinja2 templates (``kg/templates``) with autoescape on; the workbench's data is
JSON in a ``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028/2029 escaped;
IRIs are put into queries only through pyoxigraph's term serializer, after checking they are IRIs.
Scripts and styles are files under ``kg/static`` (``/static/``), so the pages run under a strict
Content-Security-Policy (:data:`WORKBENCH_CSP`, :data:`ENTITY_CSP`); the ego page, which the viz
renderer makes as one self-contained file, is allowed exactly its own inline blocks by their hashes.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping

STATIC_DIR = files("kg") / "static"  # package data: our JS/CSS and the vendored YASGUI (kg/static/yasgui)
ZW = "https://w3id.org/zhengwu-kg/ontology#"
RELATIONS = ("attended", "presided", "addressed", "convened", "emphasised", "directed")
ENTITY_TYPES = ("Official", "Person", "Organization", "Meeting", "Policy", "Place")
TYPE_ZH = {"Official": "官员", "Person": "人物", "Organization": "机构", "Meeting": "会议", "Policy": "政策",
           "Place": "地点", "Article": "报道", "Post": "职务", "Evidence": "证据"}
REL_ZH = {"attended": "出席", "presided": "主持", "addressed": "讲话", "convened": "召开", "emphasised": "强调",
          "directed": "要求"}

MAX_FACTS = 200  # the entity's own triples (labels, aliases, type, dates)
MAX_RELATIONS = 200  # relations (entity, type, other entity) read for the page and the ego network
MAX_EVIDENCE = 1000  # evidence statements read (all relations together)
EVIDENCE_PER_RELATION = 5  # shown per relation on the page (the rest are counted)
MAX_POSTS = 200
MAX_ARTICLES = 100
EGO_CANDIDATES = 120  # neighbours (most relations with the entity first) that may enter the ego network
EGO_MAX_NODES = 60  # nodes drawn (viz.views.ego_view's max_nodes: nearest, then best connected)
EGO_MAX_EDGES = 1000  # relations among the ego network's nodes read
MAX_IRI = 2048

_PREFIX_BLOCK = f"""PREFIX zw: <{ZW}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
_REL_VALUES = "VALUES ?rel { " + " ".join(f"zw:{r}" for r in RELATIONS) + " }"

# ------------------------------------------------------------------------------ CSP and headers

# The workbench: scripts and styles only from our own /static/ files. One exception, by hash: the
# column-resizer library inside YASGUI's table plugin adds this fixed <style> block to <head> when
# it draws a result table (its text is a constant of the vendored yasgui.min.js; the browser test
# would show a CSP violation if an upgrade changed it). No 'unsafe-inline', no 'unsafe-eval'.
GRIP_CSS = (" .grip-resizable{table-layout:fixed;} .grip-resizable > tbody > tr > td, .grip-resizable > tbody > "
            "tr > th{overflow:hidden} .grip-padding > tbody > tr > td, .grip-padding > tbody > tr > th{padding-left:0"
            "!important; padding-right:0!important;} .grip-container{ height:0px; position:relative;} .grip-handle"
            "{margin-left:-5px; position:absolute; z-index:5; } .grip-handle .grip-resizable{position:absolute;"
            "background-color:red;filter:alpha(opacity=1);opacity:0;width:10px;height:100%;cursor: col-resize;top:0"
            "px} .grip-lastgrip{position:absolute; width:1px; } .grip-drag{ border-left:1px dotted black;\t} .grip-"
            "flex{width:auto!important;} .grip-handle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}")


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


WORKBENCH_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' " + csp_hash(GRIP_CSS) + "; "
                 "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
                 "frame-ancestors 'none'")
# Entity pages run no script at all; the ego network is a sandboxed frame from our own origin.
ENTITY_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")
PAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                "Cross-Origin-Opener-Policy": "same-origin"}


class _InlineBlocks(HTMLParser):
    """The texts of a page's executable inline <script> blocks, <style> blocks and style attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.attrs: list[str] = []
        self._in: tuple[str, bool] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("style") is not None:
            self.attrs.append(a["style"] or "")
        if tag in ("script", "style"):
            runs = tag == "style" or a.get("type") in (None, "", "text/javascript", "module")
            if tag == "script" and a.get("src"):
                raise ValueError("the ego page must not load scripts")
            self._in, self._buf = (tag, runs), []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in and tag == self._in[0]:
            if self._in[1]:
                (self.scripts if tag == "script" else self.styles).append("".join(self._buf))
            self._in = None


def page_csp(html: str) -> str:
    """A CSP that lets ``html`` (a self-contained viz page) run its own inline scripts and styles,
    named by hash, and nothing else: no other script, no request of any kind."""
    blocks = _InlineBlocks()
    blocks.feed(html)
    blocks.close()
    scripts = " ".join(sorted({csp_hash(s) for s in blocks.scripts}))
    styles = " ".join(sorted({csp_hash(s) for s in blocks.styles}))
    attrs = " ".join(sorted({csp_hash(s) for s in blocks.attrs}))
    style_src = f"{styles} 'unsafe-hashes' {attrs}" if attrs else styles
    return (f"default-src 'none'; script-src {scripts}; style-src {style_src}; img-src data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")


def static_files():
    """The ASGI app serving kg/static at /static/: our scripts and styles and the vendored YASGUI,
    with ``nosniff`` so that no file is taken for another type."""
    from starlette.staticfiles import StaticFiles

    class Static(StaticFiles):
        def file_response(self, *args: Any, **kwargs: Any):
            response = super().file_response(*args, **kwargs)
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers.setdefault("Cache-Control", "no-cache")  # revalidate (ETag): a new install shows at once
            return response

    return Static(directory=str(STATIC_DIR))


# ------------------------------------------------------------------------------ templates

def _script_json(value: Any) -> Any:
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: "\\u%04x" % ord(m.group()), text))


_ENV = None


def environment():
    """Jinja2 with autoescape on for every template (they are all HTML)."""
    global _ENV
    if _ENV is None:
        from jinja2 import Environment, PackageLoader, select_autoescape

        env = Environment(loader=PackageLoader("kg", "templates"), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True)
        env.filters["scriptjson"] = _script_json
        env.filters["zh_type"] = lambda t: TYPE_ZH.get(t, "")
        env.filters["zh_rel"] = lambda r: REL_ZH.get(r, "")
        _ENV = env
    return _ENV


# ------------------------------------------------------------------------------ build facts

@dataclass
class BuildInfo:
    """What the pages need from a build folder besides its store: the base IRI and prefixes (from
    graph.json's head), re-read when graph.json is replaced (a rebuild)."""
    location: Path
    _sig: tuple | None = None
    _base: str | None = None
    _prefixes: dict[str, str] = field(default_factory=dict)

    def refresh(self) -> None:
        gj = self.location / "graph.json"
        try:
            st = os.stat(gj)
            sig: tuple | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            sig = None
        if sig == self._sig and self._prefixes:
            return
        from loaders.sparql_store import graph_prefixes

        self._sig = sig
        self._base = None
        if sig is not None:
            try:
                with open(gj, encoding="utf-8") as fh:
                    m = re.search(r'"base_iri":\s*("(?:[^"\\]|\\.)*")', fh.read(4096))
                if m:
                    self._base = json.loads(m.group(1))
            except (OSError, ValueError):
                pass
        self._prefixes = graph_prefixes(self.location)

    @property
    def base_iri(self) -> str | None:
        self.refresh()
        return self._base

    @property
    def prefixes(self) -> dict[str, str]:
        self.refresh()
        return dict(self._prefixes)


def workbench_page(info: BuildInfo, title: str, examples: Mapping[str, str], default_query: str,
                   limits: Mapping[str, Any]) -> str:
    """The page at ``/``: YASGUI on our endpoint, one tab per example (the cookbook), our prefixes."""
    config = {"endpoint": "sparql", "entity": "entity", "base": info.base_iri, "prefixes": info.prefixes,
              "tabs": [{"name": name, "query": text} for name, text in examples.items()],
              "defaultQuery": default_query, "limits": dict(limits)}
    return environment().get_template("workbench.html").render(title=title, config=config, limits=limits)


def prefix_declarations(prefixes: Mapping[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())


# ------------------------------------------------------------------------------ entity data

class NotAnIri(ValueError):
    """The text given for an entity is not an IRI this server could have."""


def check_iri(text: str | None) -> str:
    """The IRI, if ``text`` is an absolute http(s) IRI that SPARQL can hold; else NotAnIri."""
    import pyoxigraph as ox

    if not text:
        raise NotAnIri("missing ?iri=…: the entity's IRI")
    if len(text) > MAX_IRI:
        raise NotAnIri(f"IRI longer than {MAX_IRI} characters")
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", text):
        raise NotAnIri("not an http(s) IRI")
    try:
        ox.NamedNode(text)
    except ValueError as exc:
        raise NotAnIri(f"not an IRI: {exc}") from None
    return text


def _term(iri: str) -> str:
    import pyoxigraph as ox

    return str(ox.NamedNode(iri))  # pyoxigraph's serializer: <…> with anything special escaped


class Rows(list):
    """SPARQL JSON bindings, and whether the endpoint's own row cap (--max-results) cut them."""

    def __init__(self, rows: Any = (), truncated: bool = False) -> None:
        super().__init__(rows)
        self.truncated = truncated


Bindings = list[dict[str, dict[str, str]]]
Ask = Callable[[str], Awaitable[Bindings]]


def _cut(rows: Bindings, limit: int) -> bool:
    """Whether more than ``limit`` rows exist (each query asks for limit + 1)."""
    return len(rows) > limit or bool(getattr(rows, "truncated", False))


def _v(row: Mapping[str, Mapping[str, str]], var: str) -> str | None:
    t = row.get(var)
    return t["value"] if t else None


def _local(iri: str | None, ns: str) -> str | None:
    return iri[len(ns):] if iri and iri.startswith(ns) else None


@dataclass
class Relation:
    direction: str  # "out": entity —rel→ other; "in": other —rel→ entity
    type: str
    other: str
    other_label: str | None
    other_type: str | None
    other_pinyin: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)  # sentence, article, title, date
    more_evidence: int = 0


@dataclass
class Entity:
    iri: str
    type: str  # Official … Place, Article, Post, Evidence, or the class IRI's last part
    label: str
    pinyin: str | None = None
    aliases: list[str] = field(default_factory=list)
    jurisdiction: str | None = None
    date: str | None = None
    article: dict[str, Any] = field(default_factory=dict)  # an Article's title, issued, url, source, authors
    facts: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # other types: (predicate, term)
    posts: list[dict[str, Any]] = field(default_factory=list)
    posts_cut: bool = False
    relations: list[Relation] = field(default_factory=list)
    relations_cut: bool = False
    evidence_cut: bool = False
    articles: list[dict[str, Any]] = field(default_factory=list)
    articles_cut: bool = False
    mentions: list[dict[str, Any]] = field(default_factory=list)  # an Article: the entities it names
    mentions_cut: bool = False
    ego_edges: list[tuple[str, str, str]] = field(default_factory=list)  # (source, type, target) among neighbours
    ego_edges_cut: bool = False
    ego_left_out: int = 0  # neighbours not considered for the ego network (beyond EGO_CANDIDATES)
    evidence_by: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def is_entity(self) -> bool:
        return self.type in ENTITY_TYPES


_FACT_PREDICATES = ("rdf:type", "skos:prefLabel", "skos:altLabel", "zw:jurisdiction", "schema:startDate",
                    "dcterms:title", "dcterms:issued", "schema:url", "zw:sourceName", "zw:authorName",
                    "zw:editorName", "dcterms:identifier", "rdfs:label")


async def load_entity(ask: Ask, iri: str, *, ego: bool = False) -> Entity | None:
    """Everything the entity page (or, with ``ego``, its ego network) shows about ``iri``, or None if
    the store has no typed resource of that IRI. Each query is bounded by its LIMIT."""
    e = _term(iri)
    rows = await ask(_PREFIX_BLOCK + f"SELECT ?p ?o WHERE {{ VALUES ?p {{ {' '.join(_FACT_PREDICATES)} }} "
                                     f"{e} ?p ?o }} LIMIT {MAX_FACTS}")
    types = [_v(r, "o") for r in rows if _v(r, "p") == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
    graph_only = False
    if not types:  # evidence lives in its article's named graph only
        rows = await ask(_PREFIX_BLOCK + f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ {e} ?p ?o }} }} LIMIT {MAX_FACTS}")
        types = [_v(r, "o") for r in rows if _v(r, "p") == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
        graph_only = True
        if not types:
            return None
    kind = None
    for t in types:
        kind = _local(t, ZW) or _local(t, "http://www.w3.org/ns/org#") or kind
        if kind in ENTITY_TYPES or kind == "Article":
            break
    kind = kind or (types[0] or "").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or "Resource"
    ent = Entity(iri=iri, type=kind, label="")
    labels: list[tuple[int, str]] = []
    for r in rows:
        p, o = _v(r, "p") or "", r.get("o") or {}
        lang = (o.get("xml:lang") or "").lower()
        value = o.get("value", "")
        if p.endswith("core#prefLabel") or p.endswith("rdf-schema#label"):
            if lang == "zh-latn-pinyin":
                ent.pinyin = ent.pinyin or value
            else:  # skos:prefLabel@zh first, then rdfs:label@zh, then any other label
                labels.append(((0 if p.endswith("core#prefLabel") else 1) + (0 if lang == "zh" else 2), value))
        elif p.endswith("core#altLabel"):
            ent.aliases.append(value)
        elif p == ZW + "jurisdiction":
            ent.jurisdiction = value
        elif p == "https://schema.org/startDate":
            ent.date = value
        elif p == "http://purl.org/dc/terms/title":
            ent.article["title"] = value
        elif p == "http://purl.org/dc/terms/issued":
            ent.article["issued"] = value
        elif p == "https://schema.org/url":
            ent.article["url"] = value if re.match(r"^https?://", value) else None
        elif p == ZW + "sourceName":
            ent.article["source"] = value
        elif p in (ZW + "authorName", ZW + "editorName"):
            ent.article.setdefault("people", []).append(value)
    ent.label = min(labels)[1] if labels else ""
    if kind == "Article":
        ent.label = ent.label or ent.article.get("title") or ""
    ent.aliases = sorted(set(ent.aliases) - {ent.label})
    if not ent.is_entity and kind != "Article":
        if not graph_only:
            rows = await ask(_PREFIX_BLOCK + f"SELECT ?p ?o WHERE {{ {e} ?p ?o }} LIMIT {MAX_FACTS}")
        ent.facts = [(_v(r, "p") or "", r["o"]) for r in rows if r.get("o")]
        ent.label = ent.label or next((o["value"] for p, o in ent.facts if p.endswith("evidenceText")), "")
        return ent
    if kind == "Article":
        await _load_mentions(ask, ent)
        return ent
    await _load_relations(ask, ent)
    if ego:
        await _load_ego_edges(ask, ent)
    await _load_evidence(ask, ent, ego)
    if kind == "Official":
        await _load_posts(ask, ent)
    if not ego:
        await _load_articles(ask, ent)
    return ent


async def _load_relations(ask: Ask, ent: Entity) -> None:
    e = _term(ent.iri)
    rows = await ask(_PREFIX_BLOCK + f"""SELECT ?dir ?rel ?other ?type ?label ?pinyin WHERE {{
  {{ {_REL_VALUES} {e} ?rel ?other . BIND("out" AS ?dir) }}
  UNION {{ {_REL_VALUES} ?other ?rel {e} . BIND("in" AS ?dir) }}
  OPTIONAL {{ ?other a ?type }}
  OPTIONAL {{ ?other skos:prefLabel ?label FILTER(lang(?label) = "zh") }}
  OPTIONAL {{ ?other skos:prefLabel ?pinyin FILTER(langMatches(lang(?pinyin), "zh-Latn-pinyin")) }}
}} LIMIT {MAX_RELATIONS + 1}""")
    seen: dict[tuple[str, str, str], Relation] = {}
    for r in rows:
        key = (_v(r, "dir") or "out", _local(_v(r, "rel"), ZW) or "", _v(r, "other") or "")
        if key in seen:
            continue
        if len(seen) == MAX_RELATIONS:
            ent.relations_cut = True
            break
        seen[key] = Relation(key[0], key[1], key[2], _v(r, "label"), _local(_v(r, "type"), ZW), _v(r, "pinyin"))
    ent.relations = list(seen.values())
    ent.relations_cut = ent.relations_cut or bool(getattr(rows, "truncated", False))


def _neighbours(ent: Entity) -> list[Relation]:
    """One relation per neighbour, the neighbours with most relations to the entity first."""
    count: dict[str, int] = {}
    first: dict[str, Relation] = {}
    for rel in ent.relations:
        count[rel.other] = count.get(rel.other, 0) + 1
        first.setdefault(rel.other, rel)
    order = sorted(first, key=lambda o: (-count[o], first[o].other_label or "", o))
    return [first[o] for o in order if o != ent.iri]


async def _load_ego_edges(ask: Ask, ent: Entity) -> None:
    """Relations among the entity's neighbours (the ego view draws every relation among its nodes)."""
    near = _neighbours(ent)
    ent.ego_left_out = max(0, len(near) - EGO_CANDIDATES)
    near = near[:EGO_CANDIDATES]
    if not near:
        return
    values = " ".join(_term(r.other) for r in near)
    rows = await ask(_PREFIX_BLOCK + f"""SELECT ?s ?rel ?o WHERE {{
  VALUES ?s {{ {values} }} VALUES ?o {{ {values} }} {_REL_VALUES} ?s ?rel ?o .
}} LIMIT {EGO_MAX_EDGES + 1}""")
    ent.ego_edges_cut = _cut(rows, EGO_MAX_EDGES)
    ent.ego_edges = [(_v(r, "s") or "", _local(_v(r, "rel"), ZW) or "", _v(r, "o") or "") for r in rows[:EGO_MAX_EDGES]]


async def _load_evidence(ask: Ask, ent: Entity, ego: bool) -> None:
    """Evidence statements of the entity's relations (and, for the ego network, of the relations among
    its neighbours), at most MAX_EVIDENCE in all.

    The patterns start from a bound end (``VALUES ?o … ?ev rdf:object ?o ; rdf:subject <e>``):
    Oxigraph evaluates a ``VALUES (?s ?rel ?o)`` block joined with the reified triple by scanning all
    evidence first (15 s on an official with 5,000 meetings, against 0.02 s this way)."""
    e = _term(ent.iri)
    outs = sorted({r.other for r in ent.relations if r.direction == "out"})
    ins = sorted({r.other for r in ent.relations if r.direction == "in"})
    branches = []
    if outs:
        branches.append(f"{{ VALUES ?o {{ {' '.join(map(_term, outs))} }} "
                        f"GRAPH ?article {{ ?ev rdf:object ?o ; rdf:subject {e} ; rdf:predicate ?rel }} BIND({e} AS ?s) }}")
    if ins:
        branches.append(f"{{ VALUES ?s {{ {' '.join(map(_term, ins))} }} "
                        f"GRAPH ?article {{ ?ev rdf:subject ?s ; rdf:object {e} ; rdf:predicate ?rel }} BIND({e} AS ?o) }}")
    if ego:
        near = sorted({s for s, _, _ in ent.ego_edges} | {o for _, _, o in ent.ego_edges})
        if near:
            values = " ".join(map(_term, near))
            branches.append(f"{{ VALUES ?o {{ {values} }} GRAPH ?article {{ ?ev rdf:object ?o ; rdf:subject ?s ; "
                            f"rdf:predicate ?rel }} VALUES ?s {{ {values} }} }}")
    if not branches:
        return
    rows = await ask(_PREFIX_BLOCK + f"""SELECT ?s ?rel ?o ?article ?sentence ?date ?title ?issued WHERE {{
  {" UNION ".join(branches)}
  OPTIONAL {{ GRAPH ?article {{ ?ev zw:evidenceText ?sentence }} }}
  OPTIONAL {{ GRAPH ?article {{ ?ev dcterms:date ?date }} }}
  OPTIONAL {{ ?article dcterms:title ?title }}
  OPTIONAL {{ ?article dcterms:issued ?issued }}
}} LIMIT {MAX_EVIDENCE + 1}""")
    ent.evidence_cut = _cut(rows, MAX_EVIDENCE)
    wanted = {(ent.iri, r.type, r.other) if r.direction == "out" else (r.other, r.type, ent.iri) for r in ent.relations}
    wanted.update(ent.ego_edges)
    by: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in rows[:MAX_EVIDENCE]:
        key = (_v(r, "s") or "", _local(_v(r, "rel"), ZW) or "", _v(r, "o") or "")
        if key not in wanted:
            continue
        by.setdefault(key, []).append({"sentence": _v(r, "sentence") or "", "article": _v(r, "article"),
                                       "title": _v(r, "title"), "date": _v(r, "date") or (_v(r, "issued") or "")[:10]
                                       or None})
    for items in by.values():
        items.sort(key=lambda x: (x["date"] or "9999", x["title"] or "", x["sentence"]))
    ent.evidence_by = by
    for rel in ent.relations:
        key = (ent.iri, rel.type, rel.other) if rel.direction == "out" else (rel.other, rel.type, ent.iri)
        items = by.get(key, [])
        rel.evidence = items[:EVIDENCE_PER_RELATION]
        rel.more_evidence = max(0, len(items) - EVIDENCE_PER_RELATION)
    ent.relations.sort(key=lambda r: (min((x["date"] or "9999" for x in r.evidence), default="9999"),
                                      r.type, r.other_label or ""))


async def _load_posts(ask: Ask, ent: Entity) -> None:
    rows = await ask(_PREFIX_BLOCK + f"""SELECT ?post ?title ?date ?org ?orgLabel ?jurisdiction ?level ?organ
       ?position ?modifier ?rank ?gloss ?article ?articleTitle WHERE {{
  {_term(ent.iri)} org:holds ?post . ?post rdfs:label ?title .
  OPTIONAL {{ ?post dcterms:date ?date }}
  OPTIONAL {{ ?post org:postIn ?org OPTIONAL {{ ?org skos:prefLabel ?orgLabel FILTER(lang(?orgLabel) = "zh") }} }}
  OPTIONAL {{ ?post zw:jurisdiction ?jurisdiction }}
  OPTIONAL {{ ?post zw:administrativeLevel ?level }}
  OPTIONAL {{ ?post zw:organ ?organ }}
  OPTIONAL {{ ?post zw:position ?position }}
  OPTIONAL {{ ?post zw:modifier ?modifier }}
  OPTIONAL {{ ?post zw:rank ?rank }}
  OPTIONAL {{ ?post zw:gloss ?gloss }}
  OPTIONAL {{ ?post prov:wasDerivedFrom ?article OPTIONAL {{ ?article dcterms:title ?articleTitle }} }}
}} LIMIT {MAX_POSTS + 1}""")
    ent.posts_cut = _cut(rows, MAX_POSTS)
    posts, seen = [], set()
    for r in rows[:MAX_POSTS]:
        if _v(r, "post") in seen:
            continue
        seen.add(_v(r, "post"))
        posts.append({k: _v(r, k) for k in ("post", "title", "date", "org", "orgLabel", "jurisdiction", "level",
                                            "organ", "position", "modifier", "rank", "gloss", "article",
                                            "articleTitle")})
    ent.posts = sorted(posts, key=lambda p: (p["date"] or "9999", p["title"] or ""))


async def _load_articles(ask: Ask, ent: Entity) -> None:
    rows = await ask(_PREFIX_BLOCK + f"""SELECT ?article ?title ?issued WHERE {{
  GRAPH ?article {{ ?article schema:mentions {_term(ent.iri)} }}
  OPTIONAL {{ ?article dcterms:title ?title }}
  OPTIONAL {{ ?article dcterms:issued ?issued }}
}} LIMIT {MAX_ARTICLES + 1}""")
    ent.articles_cut = _cut(rows, MAX_ARTICLES)
    ent.articles = sorted(({"iri": _v(r, "article"), "title": _v(r, "title"), "date": (_v(r, "issued") or "")[:10]}
                           for r in rows[:MAX_ARTICLES]), key=lambda a: (a["date"] or "9999", a["title"] or ""))


async def _load_mentions(ask: Ask, ent: Entity) -> None:
    a = _term(ent.iri)
    rows = await ask(_PREFIX_BLOCK + f"""SELECT ?e ?type ?label WHERE {{
  GRAPH {a} {{ {a} schema:mentions ?e }}
  OPTIONAL {{ ?e a ?type }}
  OPTIONAL {{ ?e skos:prefLabel ?label FILTER(lang(?label) = "zh") }}
}} LIMIT {MAX_RELATIONS + 1}""")
    ent.mentions_cut = _cut(rows, MAX_RELATIONS)
    ent.mentions = sorted(({"iri": _v(r, "e"), "type": _local(_v(r, "type"), ZW), "label": _v(r, "label")}
                           for r in rows[:MAX_RELATIONS]),
                          key=lambda m: (ENTITY_TYPES.index(m["type"]) if m["type"] in ENTITY_TYPES else 9,
                                         m["label"] or ""))


# ------------------------------------------------------------------------------ pages

def compact(iri: str, prefixes: Mapping[str, str]) -> str:
    best = ""
    for p, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, p
    return f"{name}:{iri[len(best):]}" if best else iri


def entity_page(ent: Entity, *, base: str | None, prefixes: Mapping[str, str], ego_available: bool,
                workbench: str = "./") -> str:
    """The entity's page (no script: plain HTML under autoescape, the ego network in a sandboxed frame)."""
    from urllib.parse import quote

    def link(iri: str | None) -> str | None:
        """Our entity page for IRIs of this graph; None for anything else (shown as text)."""
        if iri and base and iri.startswith(base):
            return "entity?iri=" + quote(iri, safe="")
        return None

    limits = {"relations": MAX_RELATIONS, "evidence": MAX_EVIDENCE, "per_relation": EVIDENCE_PER_RELATION,
              "posts": MAX_POSTS, "articles": MAX_ARTICLES, "ego_nodes": EGO_MAX_NODES,
              "ego_candidates": EGO_CANDIDATES}
    ego_src = "entity/ego?iri=" + quote(ent.iri, safe="") if ego_available and ent.is_entity else None
    return environment().get_template("entity.html").render(
        e=ent, link=link, compact=lambda i: compact(i, prefixes), limits=limits, ego_src=ego_src,
        workbench=workbench, ego_available=ego_available)


def ego_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("pyvis", "networkx", "jinja2"))


def ego_graph(ent: Entity):
    """The entity and its (capped) neighbourhood as a kg.graph.Graph, for viz.views.ego_view."""
    from kg.graph import Article, Edge, Graph, Mention, Node, Post, Provenance

    from dataclasses import fields

    g = Graph(base_iri="")
    near = {r.other: r for r in _neighbours(ent)[:EGO_CANDIDATES]}

    def article(a: str, title: str | None, date: str | None) -> str:
        if a not in g.articles:
            g.articles[a] = Article(iri=a, doc_id="", path=a, title=title, published=date)
        return a

    mentions: dict[str, set[str]] = {ent.iri: set(), **{o: set() for o in near}}
    edges: dict[tuple[str, str, str], None] = {}
    for rel in ent.relations:
        if rel.other not in near:
            continue
        key = (ent.iri, rel.type, rel.other) if rel.direction == "out" else (rel.other, rel.type, ent.iri)
        edges[key] = None
    for key in ent.ego_edges:
        if key[0] in near and key[2] in near:
            edges[key] = None
    for (s, t, o) in edges:
        prov = [Provenance(article(x["article"], x.get("title"), x.get("date")), 0, 0, x.get("sentence") or "",
                           x.get("date")) for x in ent.evidence_by.get((s, t, o), []) if x.get("article")]
        for p in prov:
            mentions[s].add(p.article)
            mentions[o].add(p.article)
        g.edges.append(Edge(t, s, o, prov))
    post_fields = {f.name for f in fields(Post)}
    posts = []
    for p in ent.posts:
        if p.get("article"):
            article(p["article"], p.get("articleTitle"), p.get("date"))
        values = dict(p, title=p.get("title") or "", article=p.get("article") or "")
        posts.append(Post(**{k: v for k, v in values.items() if k in post_fields}))
    g.nodes[ent.iri] = Node(iri=ent.iri, type=ent.type, label=ent.label or ent.iri, aliases=list(ent.aliases),
                            pinyin=ent.pinyin, posts=posts, context=ent.jurisdiction, date=ent.date,
                            mentions=[Mention(a, 0, 0) for a in sorted(mentions[ent.iri])])
    for o, rel in near.items():
        g.nodes[o] = Node(iri=o, type=rel.other_type or "?", label=rel.other_label or o, pinyin=rel.other_pinyin,
                          mentions=[Mention(a, 0, 0) for a in sorted(mentions[o])])
    return g


def ego_page(ent: Entity) -> tuple[str, str]:
    """The viz ego view of ``ent`` (depth 1, at most EGO_MAX_NODES nodes) and the CSP that lets it run."""
    from viz.render import render_html
    from viz.views import ego_view

    G = ego_view(ego_graph(ent), ent.iri, depth=1, max_nodes=EGO_MAX_NODES)
    om = G.graph.get("omitted")
    if om is not None:
        om["reason"] += " (kg serve: the entity's nearest neighbours, most relations with it first)"
    html = render_html(G, title=f"{ent.label}: ego network (1 hop)")
    return html, page_csp(html)
