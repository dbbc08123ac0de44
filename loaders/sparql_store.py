"""Querying a build's on-disk Oxigraph store, and writing SPARQL results in the standard formats.

Shared by ``kg query`` and ``kg serve`` so both give the same answers:

    store = open_store("out")                         # DIR/store, read-only
    result = run_query(store, "SELECT …", params={"name": "张伟"}, limit=10_000)
    body = serialize(result, "json")                  # json | xml | csv | tsv (| turtle, jsonld … for graphs)

Parameters are RDF terms bound to variables through a trailing ``VALUES`` clause written by
pyoxigraph's term serializer (escaped N-Triples terms), so ``kg query --param`` and a remote client
sending :func:`with_values` text get the same answers — never raw text spliced into a query.
(pyoxigraph's own ``substitutions`` would need the variable in the SELECT projection.)
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping
from xml.sax.saxutils import escape as xml_escape, quoteattr

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
RESULT_FORMATS = {  # name → media type (SELECT/ASK)
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {  # name → (media type, pyoxigraph format) (CONSTRUCT/DESCRIBE)
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
UPDATE_KEYWORDS = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)


class QueryError(ValueError):
    """The query does not parse (or is not a query): the message says where."""


class UpdateRefused(QueryError):
    """A SPARQL update sent to a read-only store."""


class StoreError(OSError):
    """No readable store at the given place."""


def store_path(location: str | os.PathLike[str]) -> Path:
    """``DIR/store`` for a build folder, or the store folder itself."""
    p = Path(location)
    if (p / "store").is_dir():
        return p / "store"
    if p.is_dir() and any(p.glob("*.sst")) or (p / "CURRENT").exists():
        return p
    raise StoreError(f"{location}: no Oxigraph store here (run `kg build PATH... --out {location}` first)")


def open_store(location: str | os.PathLike[str]) -> ox.Store:
    path = store_path(location)
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the store read-only: {exc}") from None


def is_update(text: str) -> bool:
    return bool(UPDATE_KEYWORDS.match(_strip_comments(text)))


def _strip_comments(text: str) -> str:
    return re.sub(r"(?m)^\s*#.*$", "", text)


# ------------------------------------------------------------------------------------ parameters

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_term(value: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term: ``<iri>`` or ``http(s)://…`` → IRI; ``2024-01-31`` →
    xsd:date; an integer → xsd:integer; anything else → a Chinese literal (``"…"@zh``, as labels are)."""
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        return ox.NamedNode(v[1:-1])
    if v.startswith(("http://", "https://", "urn:")) and not any(c.isspace() for c in v):
        return ox.NamedNode(v)
    if _DATE.match(v):
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "date"))
    if re.fullmatch(r"[+-]?\d+", v):
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(value, language="zh")


def substitutions(params: Mapping[str, Any] | None) -> dict[ox.Variable, Any]:
    out = {}
    for name, value in (params or {}).items():
        term = value if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)) else parse_term(str(value))
        out[ox.Variable(name.lstrip("?$"))] = term
    return out


def _where_brace(query: str) -> int | None:
    """Index just after the ``{`` opening the top-level WHERE group (outside comments, strings and
    IRIs), or None. ``SELECT * { … }`` without the keyword counts too; a CONSTRUCT template does not."""
    i, n = 0, len(query)
    last_word = ""
    form = None
    while i < n:
        c = query[i]
        if c == "#":
            j = query.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "\"'":
            quote = query[i:i + 3] if query[i:i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and query[j:j + len(quote)] != quote:
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:]):
            i = query.index(">", i) + 1
            continue
        if c.isalpha():
            m = re.match(r"[A-Za-z_]+", query[i:])
            last_word = m.group(0).upper()
            if form is None and last_word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = last_word
            i += len(m.group(0))
            continue
        if c == "{":
            if last_word == "WHERE" or form in ("SELECT", "ASK"):
                return i + 1
            if form == "CONSTRUCT":  # skip the template to its WHERE group
                depth, i = 1, i + 1
                while i < n and depth:
                    depth += {"{": 1, "}": -1}.get(query[i], 0)
                    i += 1
                last_word = ""
                continue
            return None
        if not c.isspace() and c not in "?$*()":
            last_word = ""
        i += 1
    return None


def with_values(query: str, params: Mapping[str, Any] | None) -> str:
    """The query with ``VALUES (?a ?b) { (t1 t2) }`` holding ``params`` — at the start of the WHERE
    group, so the engine starts from the bound values (a trailing VALUES clause when there is no
    such group). Each value is written by the RDF term serializer (escaped), never pasted as text."""
    subs = substitutions(params)
    if not subs:
        return query
    names = " ".join(f"?{v.value}" for v in subs)
    terms = " ".join(str(t) for t in subs.values())
    values = f"VALUES ({names}) {{ ({terms}) }}"
    at = _where_brace(query)
    if at is None:
        return f"{query.rstrip()}\n{values}\n"
    return f"{query[:at]}\n  {values}\n{query[at:]}"


# --------------------------------------------------------------------------------------- running

@dataclass
class Result:
    """A query's answer: ``kind`` is "bindings", "boolean" or "graph"."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    truncated: bool = False


def run_query(store: ox.Store, query: str, *, params: Mapping[str, Any] | None = None, limit: int | None = None,
              default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = ()) -> Result:
    """Run a read-only query; at most ``limit`` rows/triples are kept (``truncated`` says if more)."""
    if is_update(query):
        raise UpdateRefused("SPARQL updates are refused: this store is read-only")
    kwargs: dict[str, Any] = {}
    if params:  # bound through a VALUES clause of serialized terms, as remote clients do
        query = with_values(query, params)
    dg = [ox.NamedNode(u) for u in default_graph_uris]
    ng = [ox.NamedNode(u) for u in named_graph_uris]
    if dg:
        kwargs["default_graph"] = dg
    if ng:
        kwargs["named_graphs"] = ng
    try:
        answer = store.query(query, **kwargs)
    except SyntaxError as exc:
        raise QueryError(f"query does not parse: {exc}") from None
    if isinstance(answer, ox.QueryBoolean):
        return Result("boolean", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows, truncated = [], False
        for solution in answer:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append({v: solution[v] for v in variables if solution[v] is not None})
        return Result("bindings", variables=variables, rows=rows, truncated=truncated)
    triples, truncated = [], False
    for t in answer:
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append(t)
    return Result("graph", triples=triples, truncated=truncated)


# ----------------------------------------------------------------------------------- serializers

def _json_term(t: Any) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD + "string":
            d["datatype"] = t.datatype.value
        return d
    return {"type": "triple", "value": str(t)}  # RDF-star terms are not produced by kg build


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{xml_escape(t.value)}</literal>"
        if t.datatype.value != XSD + "string":
            return f"<literal datatype={quoteattr(t.datatype.value)}>{xml_escape(t.value)}</literal>"
        return f"<literal>{xml_escape(t.value)}</literal>"
    return f"<literal>{xml_escape(str(t))}</literal>"


def plain(t: Any) -> str:
    """A term's lexical form (CSV, tables): the IRI, the literal's text, ``_:id`` for a blank node."""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, (ox.NamedNode, ox.Literal)):
        return t.value
    return str(t)


def serialize(result: Result, fmt: str) -> bytes:
    """``result`` in one of RESULT_FORMATS (SELECT/ASK) or GRAPH_FORMATS (CONSTRUCT/DESCRIBE)."""
    if result.kind == "graph":
        media, oxfmt = GRAPH_FORMATS.get(fmt, GRAPH_FORMATS["turtle"])
        return ox.serialize(result.triples, format=oxfmt) or b""
    if fmt == "json":
        if result.kind == "boolean":
            return json.dumps({"head": {}, "boolean": result.boolean}).encode()
        doc = {"head": {"vars": result.variables},
               "results": {"bindings": [{k: _json_term(v) for k, v in row.items()} for row in result.rows]}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>"]
        if result.kind == "boolean":
            out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
        else:
            out.append("<results>")
            for row in result.rows:
                out.append("<result>" + "".join(f"<binding name={quoteattr(k)}>{_xml_term(v)}</binding>"
                                                for k, v in row.items()) + "</result>")
            out.append("</results>")
        out.append("</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        if result.kind == "boolean":
            w.writerow(["_askResult"])
            w.writerow(["true" if result.boolean else "false"])
        else:
            w.writerow(result.variables)
            for row in result.rows:
                w.writerow([plain(row[v]) if v in row else "" for v in result.variables])
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        if result.kind == "boolean":
            return f"?_askResult\n{'true' if result.boolean else 'false'}\n".encode()
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        for row in result.rows:
            lines.append("\t".join(str(row[v]) if v in row else "" for v in result.variables))
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown result format {fmt!r} (json, xml, csv, tsv)")


# ---------------------------------------------------------------------------------------- tables

def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


def compact(iri: str, prefixes: Mapping[str, str]) -> str:
    best = None
    for p, ns in prefixes.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(best[1])):
            best = (p, ns)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def to_table(result: Result, prefixes: Mapping[str, str] | None = None) -> str:
    """A plain-text table (CJK-width aware) for the terminal; IRIs shortened with ``prefixes``."""
    prefixes = prefixes or {}
    if result.kind == "boolean":
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        return serialize(result, "turtle").decode("utf-8")

    def cell(t: Any) -> str:
        return compact(t.value, prefixes) if isinstance(t, ox.NamedNode) else plain(t).replace("\n", " ")

    header = result.variables
    rows = [[cell(r[v]) if v in r else "" for v in header] for r in result.rows]
    widths = [max([_width(h)] + [_width(row[i]) for row in rows]) for i, h in enumerate(header)]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(_pad(h, w) for h, w in zip(header, widths)).rstrip(), line.replace("+", "+")]
    out += [" | ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if result.truncated else ''})")
    return "\n".join(out)


def graph_prefixes(location: str | os.PathLike[str]) -> dict[str, str]:
    """Prefixes for display: the vocabularies plus the build's base IRI kinds (from graph.json)."""
    from ontology.to_rdf import PREFIXES

    out = dict(PREFIXES)
    gj = Path(location) / "graph.json"
    if gj.is_file():
        try:
            with gj.open(encoding="utf-8") as fh:
                head = fh.read(4096)
            m = re.search(r'"base_iri":\s*"([^"]+)"', head)
            if m:
                for kind in ("official", "person", "organization", "meeting", "policy", "place", "article",
                             "post", "evidence"):
                    out[kind] = f"{m.group(1)}{kind}/"
        except OSError:
            pass
    return out
