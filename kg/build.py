"""``kg build``: articles → records → one resolved graph → every output, each written atomically.

    result = build(["data/samples"], "out")          # extraction, resolution, outputs
    write_outputs(graph, "out")                      # only the outputs, for a graph you already have

Outputs are produced by the writers in :data:`kg.writers.WRITERS` (name, function) — a plain list
so other parts add theirs with one line — and staged and published by :mod:`kg.publish` (all or
none). Large corpora, parallel extraction and re-runs: :mod:`kg.scale`.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from kg.graph import Graph
from kg.publish import BuildBusy, output_lock, write_outputs
from kg.record import Record, RecordError, check_offsets
from kg.resolve import DEFAULT_BASE_IRI, resolve
from kg.writers import STATE_DIR, WRITERS, Outputs, chunked, write_rdf_file, write_turtle

# kg.build is where callers start: the writers and the publishing step are reachable from here
__all__ = ["BuildBusy", "BuildResult", "Outputs", "STATE_DIR", "WRITERS", "article_texts", "build",
           "build_from_records", "chunked", "output_lock", "summary", "write_outputs", "write_rdf_file",
           "write_turtle"]

# -------------------------------------------------------------------------------- article texts

def article_texts(records: Iterable[Record]) -> dict[str, str]:
    """doc.id → the article text as decoded from its file, read back through ``extract.read``.

    Records keep offsets only; the evidence sentences need the text. A document is paired with the
    record whose ``doc.id`` is its text's hash (``kg.pipeline.doc_id``): then it is the very text the
    record was made from. Records with ids of their own (other tools) are paired by position when a
    file gives as many documents as it has records and every offset the record holds fits the text.
    """
    from extract.document import Document
    from extract.read import iter_path
    from kg.pipeline import doc_id

    by_path: dict[str, list[Record]] = {}
    for rec in records:
        by_path.setdefault(rec.doc.path, []).append(rec)
    texts: dict[str, str] = {}
    for path, recs in by_path.items():
        if not os.path.isfile(path):
            continue
        docs = [d for d in iter_path(path) if isinstance(d, Document)]
        by_id = {doc_id(d.text): d.text for d in docs}
        for i, rec in enumerate(recs):
            text = by_id.get(rec.doc.id)
            if text is None and len(docs) == len(recs) and _fits(rec, docs[i].text):
                text = docs[i].text
            if text is not None:
                texts[rec.doc.id] = text
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
    for rec in records:  # offsets past the end of the very text a record was made from: a bad record
        text = texts.get(rec.doc.id) if isinstance(texts, Mapping) else None
        if text is not None:
            try:
                check_offsets(rec, len(text))
            except RecordError as exc:
                raise RecordError(f"record of {rec.doc.path}: {exc}") from None
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
