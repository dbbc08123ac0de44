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
from urllib.parse import urljoin
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
    """Whether ``text`` is a SPARQL update: its first keyword after PREFIX/BASE (comments, strings
    and IRIs skipped in one linear pass, so no input can make this slow)."""
    return scan_query(text, prologue_only=True).first_keyword in UPDATE_WORDS


# ------------------------------------------------------------------------------- reading query text

MAX_DEPTH = 200  # Oxigraph's parser recurses per bracket level; 5,000 levels overflow its stack
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

# One token at a time; every alternative is decided by its first characters and no quantifier is
# nested over an ambiguous one, so scanning is linear in the query's length whatever it holds.
_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"  # PN_LOCAL_ESC: `ex:a\#b` is one name, not a name and a comment
_NAME_START = rf"(?:[\w:]|[^\x00-\x7F]|{_ESC}|%[0-9A-Fa-f]{{2}})"
_NAME_REST = rf"(?:[\w:.\-]|[^\x00-\x7F]|{_ESC}|%[0-9A-Fa-f]{{2}})"
_TOKEN = re.compile("|".join([
    r"(?P<ws>[ \t\r\n]+)",
    r"(?P<comment>#[^\r\n]*)",
    r'(?P<long>"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""|\'\'\'(?:(?:\'|\'\')?(?:[^\'\\]|\\.))*\'\'\')',
    r'(?P<quote>"""|\'\'\')',  # a long string that never closes: Oxigraph refuses the query there
    r"(?P<string>\"(?:[^\"\\\r\n]|\\.)*\"|'(?:[^'\\\r\n]|\\.)*')",
    r"(?P<open>[\"'])",  # nor does this one: stop there (each failure scanned once, so scanning stays linear)
    r"(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)",
    r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
    rf"(?P<word>{_NAME_START}{_NAME_REST}*)",
    r"(?P<op>\^\^|&&|\|\||!=|<=|>=|<<|>>|.)",
]), re.S)
_IRIREF = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPENERS = {"{": "{", "[": "[", "<<": "<<"}
_CLOSERS = frozenset({"}", "]", ")", ">>"})
_SERVICE_WORD = re.compile("service", re.I)


class QueryRefused(QueryError):
    """A query the endpoint will not run: nested too deep, or a SERVICE it may not call."""


@dataclass
class Service:
    """A ``SERVICE`` clause: where its keyword (and SILENT) stand and the endpoint IRI, resolved
    through PREFIX and BASE; None for a variable or a name that does not resolve."""

    at: int
    endpoint: str | None = None
    written: str = ""
    silent_at: int | None = None


@dataclass
class QueryScan:
    """What one pass over a query's text found outside comments, strings and IRIs."""

    depth: int = 0
    first_keyword: str | None = None
    services: list[Service] = field(default_factory=list)
    complete: bool = True  # False: an unterminated string ended the scan (the rest's brackets counted raw)


def _resolve_iri(iri: str, base: str | None) -> str:
    """An IRIREF's text with its ``\\u`` escapes decoded, resolved against ``base`` (as written if it cannot be)."""
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    iri = _UCHAR.sub(char, iri)
    if base and not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri):
        try:
            return urljoin(base, iri)
        except ValueError:  # e.g. a malformed IPv6 host: no allow-list entry matches it then
            return iri
    return iri


def scan_query(text: str, *, prologue_only: bool = False, max_depth: int | None = None) -> QueryScan:
    """Tokenize ``text`` once as SPARQL does: the deepest nesting of ``{ [ ( <<``, the first keyword
    after PREFIX/BASE, and each ``SERVICE`` with its endpoint.

    A ``<`` opens an IRI unless it follows an operand inside an expression (``?a<?b``), so neither
    an IRI holding ``#`` or ``'`` nor a less-than can hide the text after it. ``prologue_only``
    stops at the first keyword (all :func:`is_update` needs); ``max_depth`` stops once exceeded."""
    scan = QueryScan()
    # [kind, mode]: kind "{" "[" "<<" "(e" (expression) "(c" (collection, path, VALUES list); a "{"
    # level's mode is "pattern", or "clause" in a SELECT list or GROUP/ORDER BY/HAVING, where "(" is an expression
    frames: list[list[str]] = [["top", "clause"]]
    prev_kind, prev_text, prev2_text = "", "", ""
    prefixes: dict[str, str] = {}
    base: str | None = None
    expect, prefix_name, in_prologue = "", "", True
    pos, n = 0, len(text)
    while pos < n:
        start, kind, tok = pos, "", ""
        if text[pos] == "<":
            operand_before = prev_kind in ("var", "string", "long", "iri", "langtag", "word") or prev_text in (")", "]", ">>")
            if not (frames[-1][0] == "(e" and operand_before):
                m = _IRIREF.match(text, pos)
                if m:
                    kind, tok = "iri", m.group()
        if not kind:
            m = _TOKEN.match(text, pos)
            kind, tok = m.lastgroup or "op", m.group()
            if kind == "word" and tok.endswith(".") and not tok.endswith("\\."):  # `?s ex:p ex:o.`
                tok = tok.rstrip(".")
                tok += "." if tok.endswith("\\") else ""
        pos = start + len(tok)
        if kind in ("ws", "comment"):
            continue
        if kind in ("quote", "open"):  # the rest is no query Oxigraph runs; count its brackets raw, to be safe
            scan.complete = False
            depth = len(frames) - 1
            for c in text[start:]:
                if c in "{[(":
                    depth += 1
                    scan.depth = max(scan.depth, depth)
                elif c in "}])":
                    depth -= 1
            break
        upper = tok.upper() if kind == "word" else tok
        keyword = kind == "word" and _KEYWORD.fullmatch(tok) is not None and upper not in ("A", "TRUE", "FALSE")

        if expect == "prefix-name":
            prefix_name, expect = (tok[:-1], "prefix-iri") if kind == "word" and tok.endswith(":") else ("", "")
        elif expect in ("prefix-iri", "base-iri"):
            if kind == "iri" and expect == "prefix-iri":
                prefixes[prefix_name] = _resolve_iri(tok[1:-1], base)
            elif kind == "iri":
                base = _resolve_iri(tok[1:-1], base)
            expect = ""
        elif expect == "service-endpoint":
            service = scan.services[-1]
            if keyword and upper == "SILENT" and service.silent_at is None:
                service.silent_at = start
            else:
                service.written = tok
                if kind == "iri":
                    service.endpoint = _resolve_iri(tok[1:-1], base)
                elif kind == "word" and ":" in tok and not tok.startswith("_:"):
                    name, local = tok.split(":", 1)
                    if name in prefixes:
                        service.endpoint = prefixes[name] + re.sub(r"\\(.)", r"\1", local)
                expect = ""
        elif keyword and in_prologue and upper in ("PREFIX", "BASE"):
            expect = "prefix-name" if upper == "PREFIX" else "base-iri"
        elif keyword:
            if in_prologue:
                in_prologue, scan.first_keyword = False, upper
                if prologue_only:
                    return scan
            if upper == "SERVICE":
                scan.services.append(Service(start))
                expect = "service-endpoint"
            elif upper in ("SELECT", "GROUP", "ORDER", "HAVING"):
                frames[-1][1] = "clause"
        elif in_prologue:
            in_prologue = False
            if prologue_only:
                return scan

        if tok == "(" and kind == "op":
            top, mode = frames[-1]
            expression = top == "(e" or mode == "clause" or prev_kind == "keyword" or (
                prev_kind in ("iri", "word") and prev2_text == "FILTER")  # FILTER ex:f(...)
            frames.append(["(e" if expression else "(c", ""])
        elif tok in _OPENERS and kind == "op":
            frames.append([_OPENERS[tok], "pattern"])
        elif tok in _CLOSERS and kind == "op" and len(frames) > 1 and (tok != ">>" or frames[-1][0] == "<<"):
            frames.pop()
        if len(frames) - 1 > scan.depth:
            scan.depth = len(frames) - 1
            if max_depth is not None and scan.depth > max_depth:
                return scan
        prev2_text = prev_text
        prev_kind, prev_text = ("keyword" if keyword else kind), upper
    return scan


def split_authority(value: str) -> tuple[str, int | None] | None:
    """``host[:port]`` (``[v6]:port`` too) as (lower-case host, port or None); None if malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        host, rest = value[1:end], value[end + 1:]
    elif value.count(":") > 1:  # a bare IPv6 address
        host, rest = value, ""
    else:
        host, sep, port = value.partition(":")
        rest = sep + port
    if not host:
        return None
    if not rest:
        return host, None
    if rest.startswith(":") and rest[1:].isdigit():
        return host, int(rest[1:])
    return None


def service_authority(endpoint: str | None) -> tuple[str, int] | None:
    """(host, port) an ``http(s)://`` endpoint IRI would be called at; None for anything else
    (another scheme, a relative IRI, user info), which no allow-list entry can match."""
    m = re.match(r"(https?)://([^/?#]*)(?:[/?#]|\Z)", endpoint or "", re.I)
    if not m or "@" in m.group(2):
        return None
    hp = split_authority(m.group(2))
    if hp is None:
        return None
    return hp[0], hp[1] if hp[1] is not None else (443 if m.group(1).lower() == "https" else 80)


def host_allowed(authority: tuple[str, int] | None, allowed: Iterable[str]) -> bool:
    """Whether ``authority`` is one of ``allowed`` (``HOST`` — any port — or ``HOST:PORT``); names
    are compared as written, so an encoded or trailing-dot spelling of a host is not the host."""
    if authority is None:
        return False
    for entry in allowed:
        want = split_authority(entry)
        if want and want[0] == authority[0] and want[1] in (None, authority[1]):
            return True
    return False


def check_query(query: str, *, allow_service: Iterable[str] = (), max_depth: int = MAX_DEPTH) -> None:
    """Refuse, before Oxigraph parses it, a query nested deeper than ``max_depth`` (its parser
    would overflow the stack) or one calling a SERVICE not in ``allow_service`` (by default none:
    the endpoint then makes no outbound request). Raises :class:`QueryRefused` or QueryError."""
    allowed = list(allow_service)
    scan = scan_query(query, max_depth=max_depth)
    if scan.depth > max_depth:
        raise QueryRefused(f"query refused: brackets nested more than {max_depth} levels deep (the "
                           "endpoint's limit, which keeps the query parser's recursion bounded)")
    for s in scan.services:
        shown = s.written or "(no endpoint)"
        if not allowed:
            raise QueryRefused(f"federated queries are refused: SERVICE {shown} would make this server send "
                               "a request; the endpoint calls no other service unless started with "
                               "--allow-service HOST")
        if not host_allowed(service_authority(s.endpoint), allowed):
            raise QueryRefused(f"SERVICE {shown} is refused: only http(s) endpoints on "
                               f"{', '.join(allowed)} (--allow-service) may be called")
    problem = _unseen_service(query, scan)
    if problem:
        raise QueryError(f"query does not parse: {problem}")


def _unseen_service(query: str, scan: QueryScan) -> str | None:
    """Oxigraph's own verdict on every ``service`` the scan took for text (in a string, an IRI, a
    name, a comment): with each of them spelled ``servicx``, and the scanned SERVICE clauses made
    GRAPH, the query must still parse — it cannot if one of them was a keyword after all. Returns
    the parse error then; None when the scan's reading holds (or there was nothing to check)."""
    known = {s.at for s in scan.services}
    if all(m.start() in known for m in _SERVICE_WORD.finditer(query)):
        return None

    def respell(m: re.Match[str]) -> str:
        w = m.group()
        return "GRAPH  " if m.start() in known else w[:6] + ("X" if w[6].isupper() else "x")

    text = list(_SERVICE_WORD.sub(respell, query))
    for s in scan.services:
        if s.silent_at is not None:
            text[s.silent_at:s.silent_at + 6] = " " * 6
    try:
        ox.Store().query("".join(text))  # an empty in-memory store: parsing is the point
    except SyntaxError as exc:
        return str(exc)
    except Exception:  # noqa: BLE001 - it parsed; an evaluation error is not ours to report here
        return None
    return None

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


_SIMPLE_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_LETTERS = re.compile(r"[A-Za-z_]+")


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
        if c == "<" and _SIMPLE_IRI.match(query, i):
            i = query.index(">", i) + 1
            continue
        if c.isalpha():
            m = _LETTERS.match(query, i)
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
