"""``kg build``: articles → records → one resolved graph → every output, each written atomically.

    result = build(["data/samples"], "out")          # extraction, resolution, outputs
    write_outputs(graph, "out")                      # only the outputs, for a graph you already have

Outputs are produced by the writers in :data:`WRITERS` (name, function) — a plain list so other parts
add theirs with one line. Each writer writes one file (or folder) into a private staging folder
inside ``DIR``; only when every writer has finished are they moved into place (``os.replace`` for
files; the Oxigraph store is a folder under ``DIR/.stores`` that the ``DIR/store`` symlink is
atomically switched to). A failed or interrupted build leaves the previous outputs as they were,
and never a half-written store.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from kg.graph import Graph
from kg.record import Record
from kg.resolve import DEFAULT_BASE_IRI, resolve

JSONLD_RDFLIB_LIMIT = 300_000  # above this many triples graph.jsonld is written by pyoxigraph (expanded + context)


class Outputs:
    """What writers draw on: the resolved graph and, computed once on first use, its RDF views."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    @cached_property
    def dataset(self):
        """The rdflib Dataset (ontology/to_rdf.py), backed by an in-memory pyoxigraph store."""
        from ontology.to_rdf import to_rdf

        return to_rdf(self.graph, store="Oxigraph")

    @property
    def ox(self):
        """The pyoxigraph store behind :attr:`dataset` (fast dumps and queries)."""
        return self.dataset.store._inner

    @cached_property
    def prefixes(self) -> dict[str, str]:
        return {str(p): str(ns) for p, ns in self.dataset.namespaces() if p}

    def union_triples(self):
        """Every triple of every graph, each once (what Turtle/N-Triples/JSON-LD hold)."""
        import pyoxigraph as ox

        yield from (q.triple for q in self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        yield from self.named_only()

    def named_only(self):
        """The article graphs' triples minus their relation triples.

        An article graph's relation triples repeat the default graph's (ontology/to_rdf.py); everything
        else in it (evidence, mentions) is its own. So the union is the default graph plus these: no
        union-wide de-duplication (the slow part of a CONSTRUCT over all graphs)."""
        import pyoxigraph as ox

        relations = {ox.NamedNode(f"https://w3id.org/zhengwu-kg/ontology#{r}") for r in
                     ("attended", "presided", "addressed", "convened", "emphasised", "directed")}
        for name in sorted(self.ox.named_graphs(), key=str):  # a stable order: same input, same bytes
            for q in self.ox.quads_for_pattern(None, None, None, name):
                if q.predicate not in relations:
                    yield q.triple


Writer = Callable[[Outputs, Path], None]


def write_graph_json(out: Outputs, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        json.dump(out.graph.to_dict(), fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def _serialize_union(out: Outputs, path: Path, fmt_name: str) -> None:
    """The union of all graphs in one Turtle/N-Triples file, written by pyoxigraph: the default graph
    dumped as is, then the article graphs' own triples (a valid document: prefixes may repeat)."""
    import pyoxigraph as ox

    fmt = getattr(ox.RdfFormat, fmt_name)
    prefixes = out.prefixes if fmt_name == "TURTLE" else None
    with path.open("wb") as fh:
        out.ox.dump(fh, format=fmt, from_graph=ox.DefaultGraph(), prefixes=prefixes)
        rest = ox.serialize(out.named_only(), format=fmt, prefixes=prefixes)
        if rest:
            fh.write(b"\n" + rest)


def write_turtle(out: Outputs, path: Path) -> None:
    _serialize_union(out, path, "TURTLE")


def write_ntriples(out: Outputs, path: Path) -> None:
    _serialize_union(out, path, "N_TRIPLES")


def write_trig(out: Outputs, path: Path) -> None:
    import pyoxigraph as ox

    out.ox.dump(str(path), format=ox.RdfFormat.TRIG, prefixes=out.prefixes)


def write_jsonld(out: Outputs, path: Path) -> None:
    """Compact JSON-LD with the context of :func:`ontology.to_rdf.jsonld_context` (rdflib); on very
    large graphs, pyoxigraph's streaming expanded form under the same context (still valid JSON-LD)."""
    import pyoxigraph as ox
    import rdflib

    from ontology.to_rdf import jsonld_context

    context = jsonld_context(out.graph.base_iri)
    nt = ox.serialize(out.union_triples(), format=ox.RdfFormat.N_TRIPLES)
    if nt.count(b"\n") <= JSONLD_RDFLIB_LIMIT:
        g = rdflib.Graph()
        g.parse(data=nt.decode("utf-8"), format="nt")
        path.write_text(g.serialize(format="json-ld", context=context, auto_compact=True), encoding="utf-8")
        return
    expanded = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD)
    with path.open("wb") as fh:
        fh.write(b'{"@context": ' + json.dumps(context, ensure_ascii=False).encode("utf-8") + b', "@graph": ')
        fh.write(expanded)
        fh.write(b"}\n")


def write_store(out: Outputs, path: Path) -> None:
    """An on-disk Oxigraph store (RocksDB) with the whole dataset, bulk-loaded from TriG."""
    import gc

    import pyoxigraph as ox

    data = out.ox.dump(format=ox.RdfFormat.N_QUADS)
    store = ox.Store(str(path))
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store
    gc.collect()


# name → writer; other parts add theirs here (e.g. ("graph.html", write_html)).
WRITERS: list[tuple[str, Writer]] = [
    ("graph.json", write_graph_json),
    ("graph.ttl", write_turtle),
    ("graph.nt", write_ntriples),
    ("graph.jsonld", write_jsonld),
    ("graph.trig", write_trig),
    ("store", write_store),
    ("graph.html", lambda out, path: __import__("viz.page").page.write_page(out.graph, path)),
    ("nquads", lambda out, path: __import__("kg.shards").shards.write_nquads(out, path)),  # N-Quads parts
]


# ------------------------------------------------------------------------------ atomic publish

def _publish_dir(staged: Path, target: Path) -> None:
    """Make ``target`` (a symlink) point at a new folder under ``target.parent/.stores`` in one step."""
    root = target.parent
    stores = root / ".stores"
    stores.mkdir(exist_ok=True)
    final = Path(tempfile.mkdtemp(prefix=f"{target.name}-", dir=stores))
    final.rmdir()
    os.replace(staged, final)
    if target.exists() and not target.is_symlink():  # a real folder from elsewhere: move it aside first
        aside = Path(tempfile.mkdtemp(prefix=f"{target.name}-old-", dir=stores))
        aside.rmdir()
        os.replace(target, aside)
    link = root / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(final.relative_to(root))
    os.replace(link, target)
    live = target.resolve()
    for old in stores.iterdir():  # earlier stores (a server that still has one open keeps its files)
        if old.name.startswith(f"{target.name}-") and old.resolve() != live:
            shutil.rmtree(old, ignore_errors=True)


def write_outputs(graph: Graph, out_dir: str | os.PathLike[str], writers: list[tuple[str, Writer]] | None = None,
                  ) -> list[Path]:
    """Run every writer into a staging folder inside ``out_dir``, then move each output into place."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = Outputs(graph)
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir))
    written: list[Path] = []
    try:
        for name, writer in writers if writers is not None else WRITERS:
            writer(outputs, staging / name)
        for name, _ in writers if writers is not None else WRITERS:
            staged, target = staging / name, out_dir / name
            if staged.is_dir():
                _publish_dir(staged, target)
            else:
                os.replace(staged, target)
            written.append(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


# -------------------------------------------------------------------------------- article texts

def article_texts(records: Iterable[Record]) -> dict[str, str]:
    """doc.id → the article text as decoded from its file, read back through ``extract.read``.

    Records keep offsets only; the evidence sentences need the text. A file's documents come out in
    the same order as its records (one per article; a jsonl file's bad lines are skipped by both),
    and a record is paired with its document only when every offset it holds fits that text.
    """
    from extract.document import Document
    from extract.read import iter_path

    by_path: dict[str, list[Record]] = {}
    for rec in records:
        by_path.setdefault(rec.doc.path, []).append(rec)
    texts: dict[str, str] = {}
    for path, recs in by_path.items():
        if not os.path.isfile(path):
            continue
        docs = [d for d in iter_path(path) if isinstance(d, Document)]
        if len(docs) != len(recs):
            continue
        for rec, doc in zip(recs, docs):
            if _fits(rec, doc.text):
                texts[rec.doc.id] = doc.text
    return texts


def _fits(rec: Record, text: str) -> bool:
    n = len(text)
    spans = [m for e in rec.entities for m in e.mentions] + [r.evidence for r in rec.relations if r.evidence]
    return all(len(s) >= 2 and 0 <= s[0] <= s[1] <= n for s in spans)


# ------------------------------------------------------------------------------------- the build

@dataclass
class BuildResult:
    graph: Graph
    outputs: list[Path]
    articles: int
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def iter_records(paths: Iterable[str]) -> Iterator[object]:
    """Records (or per-file errors) from the extraction pipeline."""
    from kg.pipeline import iter_records as pipeline_iter_records

    return pipeline_iter_records(list(paths))


def build_from_records(records: Iterable[Record], out_dir: str | os.PathLike[str], *,
                       base_iri: str = DEFAULT_BASE_IRI, texts: Mapping[str, str] | None = None) -> BuildResult:
    """Resolve ``records`` and write every output into ``out_dir``."""
    started = time.perf_counter()
    records = list(records)
    if texts is None:
        texts = article_texts(records)
    graph = resolve(records, texts=texts, base_iri=base_iri)
    written = write_outputs(graph, out_dir)
    return BuildResult(graph, written, len(graph.articles), seconds=time.perf_counter() - started)


def build(paths: Iterable[str], out_dir: str | os.PathLike[str], *, base_iri: str = DEFAULT_BASE_IRI,
          on_error: Callable[[str], None] | None = None) -> BuildResult:
    """Extract every article under ``paths``, resolve them and write the outputs.

    Files that fail are reported through ``on_error`` (one line each, naming the file) and left out;
    the rest are still built. With no article at all nothing is written and ``ValueError`` is raised.
    """
    started = time.perf_counter()
    records: list[Record] = []
    errors: list[str] = []
    for item in iter_records(paths):
        if isinstance(item, Record):
            records.append(item)
        else:
            errors.append(str(item))
            if on_error:
                on_error(str(item))
    if not records:
        raise ValueError("no article could be read from " + ", ".join(map(str, paths)))
    result = build_from_records(records, out_dir, base_iri=base_iri)
    result.errors = errors
    result.seconds = time.perf_counter() - started
    return result


def summary(result: BuildResult) -> str:
    counts: dict[str, int] = {}
    for n in result.graph.nodes.values():
        counts[n.type] = counts.get(n.type, 0) + 1
    rels: dict[str, int] = {}
    for e in result.graph.edges:
        rels[e.type] = rels.get(e.type, 0) + 1
    parts = [f"{result.articles} articles", ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no entities",
             ", ".join(f"{v} {k}" for k, v in sorted(rels.items())) or "no relations"]
    if result.errors:
        parts.append(f"{len(result.errors)} failed")
    return "; ".join(parts) + f" ({result.seconds:.1f} s)"


def _stderr(line: str) -> None:
    print(f"kg build: {line}", file=sys.stderr)
