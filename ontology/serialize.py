"""Plain quads (``ontology.to_rdf.object_quads``) → bytes of N-Triples, N-Quads, Turtle, TriG, JSON-LD.

``kg build`` writes each RDF file as a header plus one *block* per article, node and edge
(``kg/blocks.py``), so a re-run rewrites only the blocks of what changed. These functions make one
block from one object's quads; every block is a complete run of statements in its format, so any
sequence of them after the header is a valid document:

- N-Triples / Turtle / JSON-LD hold the union of all graphs (a triple once per block, and no triple
  belongs to two objects; a subject may appear in several JSON-LD node objects, which JSON-LD
  merges); N-Quads / TriG keep the graphs (TriG: bare triples for the default graph,
  ``<article> { … }`` for an article's graph — a graph may appear in several blocks, which TriG merges).
- Terms are formatted here, not spliced: literals escaped as N-Triples requires, IRIs checked for the
  characters IRIREF forbids, prefixed names only when the local part is plainly safe.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Iterable, Sequence

from ontology.to_rdf import _RDF_TYPE, PREFIXES

KINDS = ("official", "person", "organization", "meeting", "policy", "place", "article", "post", "evidence")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_\-]*[A-Za-z0-9_])?$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t\b\f\x00-\x08\x0b\x0e-\x1f\x7f]')


def prefixes(base_iri: str | None) -> dict[str, str]:
    """prefix → namespace for Turtle, TriG and the JSON-LD context (ontologies + the base's kinds)."""
    out = dict(PREFIXES)
    if base_iri:
        out.update({kind: f"{base_iri}{kind}/" for kind in KINDS})
    return out


def check_iri(iri: str) -> str:
    if _BAD_IRI.search(iri):
        raise ValueError(f"not a usable IRI (space, control character or one of <>\"{{}}|^`\\): {iri!r}")
    return iri


def _escape_char(m: re.Match) -> str:
    c = m.group(0)
    return _ESCAPES.get(c) or f"\\u{ord(c):04X}"


def quote(value: str) -> str:
    """A string as an N-Triples / Turtle ``"…"`` literal body."""
    return '"' + (_NEEDS_ESCAPE.sub(_escape_char, value) if _NEEDS_ESCAPE.search(value) else value) + '"'


def _term(t, iri) -> str:
    """An IRI (``str``) through ``iri``, or a literal with its language or datatype."""
    if isinstance(t, str):
        return iri(t)
    if t.lang:
        return f"{quote(t.value)}@{t.lang}"
    if t.datatype:
        return f"{quote(t.value)}^^{iri(t.datatype)}"
    return quote(t.value)


class Formatter:
    """Formats plain terms for one set of prefixes; caches IRIs (the same few recur everywhere)."""

    def __init__(self, base_iri: str | None) -> None:
        self.prefixes = prefixes(base_iri)
        # longest namespace first, so official/ wins over a shorter base
        self._ns = sorted(((ns, p) for p, ns in self.prefixes.items()), key=lambda x: -len(x[0]))
        self.nt_iri = lru_cache(maxsize=1 << 16)(self._nt_iri)
        self.short_iri = lru_cache(maxsize=1 << 16)(self._short_iri)

    @staticmethod
    def _nt_iri(iri: str) -> str:
        return "<" + check_iri(iri) + ">"

    def _short_iri(self, iri: str) -> str:
        """``prefix:local`` when a namespace matches and the local part is safe; else ``<iri>``."""
        for ns, p in self._ns:
            if iri.startswith(ns) and _SAFE_LOCAL.match(iri[len(ns):]):
                return f"{p}:{iri[len(ns):]}"
        return self.nt_iri(iri)

    # ---------------------------------------------------------------------------- N-Triples/N-Quads

    def nt_term(self, t) -> str:
        return _term(t, self.nt_iri)

    def ntriples(self, quads: Sequence[tuple]) -> bytes:
        """The union triples of one object (each once, in first-seen order)."""
        seen: dict[tuple, None] = dict.fromkeys((s, p, o) for s, p, o, _ in quads)
        f, term = self.nt_iri, self.nt_term
        return "".join(f"{f(s)} {f(p)} {term(o)} .\n" for s, p, o in seen).encode("utf-8")

    def nquads(self, quads: Sequence[tuple]) -> bytes:
        seen = dict.fromkeys(quads)
        f, term = self.nt_iri, self.nt_term
        return "".join(f"{f(s)} {f(p)} {term(o)} {f(g)} .\n" if g is not None else f"{f(s)} {f(p)} {term(o)} .\n"
                       for s, p, o, g in seen).encode("utf-8")

    # ---------------------------------------------------------------------------------- Turtle/TriG

    def header(self) -> bytes:
        return "".join(f"@prefix {p}: <{check_iri(ns)}> .\n" for p, ns in self.prefixes.items()).encode() + b"\n"

    def frame(self, fmt: str) -> tuple[bytes, bytes]:
        """What comes before and after the blocks in a file of ``fmt`` (a method name: turtle, trig,
        jsonld, ntriples, nquads). JSON-LD blocks are then joined by a comma and a newline."""
        if fmt in ("turtle", "trig"):
            return self.header(), b""
        if fmt == "jsonld":
            context = json.dumps(self.context(), ensure_ascii=False).encode("utf-8")
            return b'{"@context": ' + context + b',\n"@graph": [\n', b"\n]}\n"
        return b"", b""

    def ttl_term(self, t) -> str:
        return _term(t, self.short_iri)

    def _statements(self, triples: Iterable[tuple], indent: str = "") -> str:
        """Triples grouped by subject (in first-seen order): ``s p o ; p o .``"""
        by_subject: dict[str, list[tuple]] = {}
        for s, p, o in dict.fromkeys(triples):
            by_subject.setdefault(s, []).append((p, o))
        lines = []
        short, term = self.short_iri, self.ttl_term
        for s, pos in by_subject.items():
            body = f" ;\n{indent}    ".join(f"{'a' if p == _RDF_TYPE else short(p)} {term(o)}" for p, o in pos)
            lines.append(f"{indent}{short(s)} {body} .\n")
        return "".join(lines)

    def turtle(self, quads: Sequence[tuple]) -> bytes:
        return (self._statements((s, p, o) for s, p, o, _ in quads) + "\n").encode("utf-8")

    def trig(self, quads: Sequence[tuple]) -> bytes:
        default = [(s, p, o) for s, p, o, g in quads if g is None]
        graphs: dict[str, list[tuple]] = {}
        for s, p, o, g in quads:
            if g is not None:
                graphs.setdefault(g, []).append((s, p, o))
        out = [self._statements(default)] if default else []
        for g, triples in graphs.items():
            out.append(f"{self.short_iri(g)} {{\n{self._statements(triples, '    ')}}}\n")
        return ("".join(out) + "\n").encode("utf-8")

    # -------------------------------------------------------------------------------------- JSON-LD

    def context(self) -> dict:
        ctx: dict = dict(self.prefixes)
        ctx["@language"] = "zh"
        return ctx

    def _jsonld_value(self, t):
        if isinstance(t, str):
            return {"@id": self.short_iri(t).strip("<>")}
        if t.lang == "zh":
            return t.value  # the context's default language
        if t.lang:
            return {"@value": t.value, "@language": t.lang}
        if t.datatype:
            return {"@value": t.value, "@type": self.short_iri(t.datatype).strip("<>")}
        return {"@value": t.value}

    def _node_objects(self, triples: Iterable[tuple]) -> list[dict]:
        nodes: dict[str, dict] = {}
        for s, p, o in dict.fromkeys(triples):
            node = nodes.setdefault(s, {"@id": self.short_iri(s).strip("<>")})
            if p == _RDF_TYPE and isinstance(o, str):
                node.setdefault("@type", []).append(self.short_iri(o).strip("<>"))
            else:
                node.setdefault(self.short_iri(p).strip("<>"), []).append(self._jsonld_value(o))
        return list(nodes.values())

    def jsonld(self, quads: Sequence[tuple]) -> bytes:
        """Top-level ``@graph`` members of one object (comma-separated): a node object per subject
        of its union triples (graph.jsonld holds the union of all graphs, as Turtle does)."""
        objs = self._node_objects((s, p, o) for s, p, o, _ in quads)
        return ",\n".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) for o in objs).encode("utf-8")

