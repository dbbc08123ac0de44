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

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from kg.blocks import BlockWriter, Index, identity, read_block
from kg.graph import Graph
from kg.record import Record
from kg.resolve import DEFAULT_BASE_IRI, resolve

STATE_DIR = ".kg-state"  # indexes of the block files (kg/blocks.py), beside the outputs they describe
GRAPH_FILES = ("graph.json", "graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "nquads")
PART_OBJECTS_ENV = "ZHENGWU_KG_NQUADS_PART_OBJECTS"
DEFAULT_PART_OBJECTS = 20_000  # objects (articles, nodes, edges) per N-Quads part: ≈ 200,000-300,000 quads
INCREMENTAL_STORE_SHARE = 0.25  # patch the store when at most this share of objects changed, else reload it
_OUTPUT_CODE = ("kg/blocks.py", "kg/build.py", "kg/graph.py", "kg/resolve.py", "ontology/to_rdf.py",
                "ontology/serialize.py")


def part_objects_default() -> int:
    value = os.environ.get(PART_OBJECTS_ENV)
    return max(1, int(value)) if value else DEFAULT_PART_OBJECTS


@lru_cache(maxsize=1)
def output_fingerprint() -> str:
    """What a block's bytes depend on besides its object: the writing code. An index made by other
    code (or for another base IRI) is not reused."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in _OUTPUT_CODE:
        h.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return h.hexdigest()


class Outputs:
    """What writers draw on: the resolved graph, the previous build's indexes and what changed since.

    ``out_dir`` is where the previous outputs are (blocks are copied from there); the writers write
    into a staging folder. :attr:`indexes` collects the new indexes, published with the outputs.
    """

    def __init__(self, graph: Graph, out_dir: str | os.PathLike[str] | None = None) -> None:
        self.graph = graph
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.indexes: dict[str, Index] = {}
        self.changed: dict[tuple, bytes] | None = None  # key → new N-Quads block of what changed
        self.removed: list[tuple] = []
        self.objects = len(graph.articles) + len(graph.nodes) + len(graph.edges)
        self.stats: dict[str, int] = {}

    def old_index(self, name: str) -> Index | None:
        """The previous build's index of ``name`` if its files are intact and it was made by this code."""
        if self.out_dir is None:
            return None
        root = self.old_root(name)
        old = Index.load(self.out_dir / STATE_DIR / f"{name}.idx", root) if root is not None else None
        if old is None or old.meta.get("code") != output_fingerprint() or \
                old.meta.get("base_iri") != self.graph.base_iri:
            return None
        return old

    def old_root(self, name: str) -> Path | None:
        """The folder the files of ``name``'s index are in (for nquads: the live parts folder)."""
        if self.out_dir is None:
            return None
        return (self.out_dir / name).resolve() if name == "nquads" else self.out_dir

    def new_index(self, name: str, entries: dict, files: list[Path], **meta) -> None:
        self.indexes[name] = Index(entries, {f.name: identity(f) for f in files},
                                   {"code": output_fingerprint(), "base_iri": self.graph.base_iri, **meta})

    @cached_property
    def dataset(self):
        """The rdflib Dataset of the graph (ontology/to_rdf.py) — for tests and benchmarks; the build
        itself never makes it."""
        from ontology.to_rdf import to_rdf

        return to_rdf(self.graph, store="Oxigraph")

    @property
    def ox(self):
        """The in-memory pyoxigraph store behind :attr:`dataset`."""
        return self.dataset.store._inner


Writer = Callable[[Outputs, Path], None]


# ------------------------------------------------------------------------------ object blocks

def _article_dict(a) -> dict:
    return {"iri": a.iri, "doc_id": a.doc_id, "path": a.path, "title": a.title, "published": a.published,
            "source": a.source, "url": a.url, "authors": list(a.authors), "editors": list(a.editors)}


def _node_dict(n) -> dict:
    return {"iri": n.iri, "type": n.type, "label": n.label, "aliases": list(n.aliases), "pinyin": n.pinyin,
            "posts": [{"title": p.title, "article": p.article, "date": p.date, "org": p.org} for p in n.posts],
            "mentions": [{"article": m.article, "start": m.start, "end": m.end} for m in n.mentions],
            "context": n.context, "date": n.date}


def _edge_dict(e) -> dict:
    return {"type": e.type, "source": e.source, "target": e.target,
            "provenance": [{"article": p.article, "start": p.start, "end": p.end, "sentence": p.sentence,
                            "date": p.date} for p in e.provenance]}


def graph_objects(graph: Graph, section: str) -> Iterator[tuple[tuple, object, bytes, bytes]]:
    """(key, object, graph.json line, tag) for every article, node or edge (``section``), in graph order.

    The tag digests the object's JSON and the one thing its RDF depends on outside itself (whether
    the nodes it points to exist), so an unchanged tag means unchanged bytes in every format."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    nodes = graph.nodes
    digest = hashlib.blake2b
    if section == "articles":
        for a in graph.articles.values():
            line = dumps(_article_dict(a)).encode("utf-8")
            yield ("a", a.iri), a, line, digest(line, digest_size=16).digest()
    elif section == "nodes":
        for n in graph.nodes.values():
            line = dumps(_node_dict(n)).encode("utf-8")
            flags = bytes(p.org in nodes for p in n.posts if p.org)
            yield ("n", n.iri), n, line, digest(line + b"\0" + flags, digest_size=16).digest()
    else:
        for e in graph.edges:
            line = dumps(_edge_dict(e)).encode("utf-8")
            flags = bytes((e.source in nodes, e.target in nodes))
            yield ("e", e.type, e.source, e.target), e, line, digest(line + b"\0" + flags, digest_size=16).digest()


SECTIONS = ("articles", "nodes", "edges")


def _bucket(key: tuple, parts: int) -> int:
    if parts == 1:
        return 0
    return int.from_bytes(hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).digest(), "big") % parts


def _lines(data: bytes) -> int:
    return data.count(b"\n")


def write_graph_files(out: Outputs, staging: Path) -> None:
    """graph.json, graph.ttl, graph.nt, graph.trig, graph.jsonld and the N-Quads parts, in one pass
    over the graph's objects: each file is a header and one block per object (kg/blocks.py), blocks of
    unchanged objects copied from the previous build. Also records what changed, for the store."""
    from ontology.serialize import Formatter
    from ontology.to_rdf import article_quads, edge_quads, node_quads

    graph = out.graph
    fmt = Formatter(graph.base_iri)
    olds = {name: out.old_index(name) for name in GRAPH_FILES}
    nq_old = olds["nquads"]
    parts = max(1, -(-out.objects // part_objects_default()))
    nq_dir = staging / "nquads"
    nq_dir.mkdir()
    files = {name: BlockWriter(staging / name, name, olds[name], out.old_root(name))
             for name in GRAPH_FILES if name != "nquads"}
    part_files = [BlockWriter(nq_dir / f"part-{i:04d}.nq", f"part-{i:04d}.nq", nq_old, out.old_root("nquads"))
                  for i in range(parts)]
    makers = {"graph.nt": fmt.ntriples, "graph.ttl": fmt.turtle, "graph.trig": fmt.trig, "graph.jsonld": fmt.jsonld}
    prefix_header = fmt.header()
    context = json.dumps(fmt.context(), ensure_ascii=False)
    files["graph.ttl"].literal(prefix_header)
    files["graph.trig"].literal(prefix_header)
    files["graph.jsonld"].literal(b'{"@context": ' + context.encode("utf-8") + b',\n"@graph": [\n')
    files["graph.jsonld"].section(b",\n")
    gj = files["graph.json"]
    gj.literal(b'{"base_iri": ' + json.dumps(graph.base_iri, ensure_ascii=False).encode("utf-8"))
    for w in part_files:
        w.section(b"")
    changed: dict[tuple, bytes] = {}
    new_keys: set[tuple] = set()
    try:
        for sec in SECTIONS:
            gj.literal(b',\n"' + sec.encode() + b'": [\n')
            gj.section(b",\n")
            quad_fn = {"articles": article_quads, "nodes": lambda n: node_quads(n, graph),
                       "edges": lambda e: edge_quads(e, graph)}[sec]
            for key, obj, line, tag in graph_objects(graph, sec):
                new_keys.add(key)
                memo: list = []

                def quads(obj=obj, memo=memo, quad_fn=quad_fn):
                    if not memo:
                        memo.append(quad_fn(obj))
                    return memo[0]

                gj.add(key, tag, lambda line=line: line)
                for name, make in makers.items():
                    files[name].add(key, tag, lambda make=make: make(quads()))
                data = part_files[_bucket(key, parts)].add(key, tag, lambda: fmt.nquads(quads()), _lines)
                old_entry = nq_old.entries.get(key) if nq_old is not None else None
                if data is not None or old_entry is None or old_entry[4] != tag:
                    changed[key] = data if data is not None else fmt.nquads(quads())
            gj.literal(b"\n]")
        gj.literal(b"}\n")
        files["graph.jsonld"].literal(b"\n]}\n")
        for w in [*files.values(), *part_files]:
            w.close()
    except BaseException:
        for w in [*files.values(), *part_files]:
            w.abort()
        raise
    for name, w in files.items():
        out.new_index(name, w.entries, [w.path])
        out.stats[name] = w.made
    entries: dict = {}
    manifest = []
    for w in part_files:
        entries.update(w.entries)
        manifest.append({"file": w.name, "quads": sum(e[5] for e in w.entries.values()),
                         "bytes": w.path.stat().st_size})
    out.new_index("nquads", entries, [w.path for w in part_files])
    out.stats["blocks made"] = files["graph.nt"].made
    out.stats["blocks copied"] = files["graph.nt"].reused
    (nq_dir / "manifest.json").write_text(json.dumps(
        {"format": "application/n-quads", "parts": manifest, "quads": sum(p["quads"] for p in manifest)},
        indent=1) + "\n", encoding="utf-8")
    out.changed = changed
    out.removed = [k for k in nq_old.entries if k not in new_keys] if nq_old is not None else []


def write_store(out: Outputs, path: Path) -> None:
    """The on-disk Oxigraph store (RocksDB) with the whole dataset.

    When the previous build's store and N-Quads index are intact and few objects changed, the
    previous store is copied (a RocksDB checkpoint: hard links) and patched — the quads of changed
    and removed objects taken out, the new ones put in; otherwise bulk-loaded from the N-Quads parts."""
    import gc

    import pyoxigraph as ox

    nq = path.parent / "nquads"
    old = out.old_index("nquads")
    live = out.out_dir / "store" if out.out_dir is not None else None
    delta = len(out.changed or {}) + len(out.removed)
    incremental = (old is not None and out.changed is not None and live is not None and live.is_dir()
                   and old.meta.get("store") == _store_build(live) and delta <= INCREMENTAL_STORE_SHARE * max(1, out.objects))
    if incremental:
        ox.Store.read_only(str(live)).backup(str(path))
        store = ox.Store(str(path))
        old_root = out.old_root("nquads")
        remove: set = set()
        add: set = set()
        for key in [*out.changed, *out.removed]:
            before = read_block(old, old_root, key)
            old_q = set(ox.parse(before, format=ox.RdfFormat.N_QUADS)) if before else set()
            after = out.changed.get(key)
            new_q = set(ox.parse(after, format=ox.RdfFormat.N_QUADS)) if after else set()
            remove |= old_q - new_q
            add |= new_q - old_q
        for q in remove - add:
            store.remove(q)
        store.extend(add - remove)
        out.stats["store"] = len(add) + len(remove)
    else:
        store = ox.Store(str(path))
        if nq.is_dir():
            for part in sorted(nq.glob("part-*.nq")):
                store.bulk_load(path=str(part), format=ox.RdfFormat.N_QUADS)
        else:  # called without the graph files (a writer list of one's own)
            from ontology.serialize import Formatter
            from ontology.to_rdf import object_quads

            fmt = Formatter(out.graph.base_iri)
            store.bulk_load(b"".join(fmt.nquads(q) for _, q in object_quads(out.graph)), format=ox.RdfFormat.N_QUADS)
        store.optimize()
        out.stats["store"] = -1
    store.flush()
    del store
    gc.collect()


def _store_build(store: Path) -> str | None:
    try:
        return (store / STORE_MARKER).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def write_html(out: Outputs, path: Path) -> None:
    from viz.page import write_page

    write_page(out.graph, path)


# names → writer; other parts add theirs here (e.g. ("graph.html", write_html)). A writer writes the
# files or folders it is named after into the staging folder it is given (the first: the whole folder).
WRITERS: list[tuple[str | tuple[str, ...], Writer]] = [
    (GRAPH_FILES, lambda out, path: write_graph_files(out, path.parent)),
    ("store", write_store),
    ("graph.html", write_html),
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


def _names(name: str | tuple[str, ...]) -> tuple[str, ...]:
    return (name,) if isinstance(name, str) else tuple(name)


def write_outputs(graph: Graph, out_dir: str | os.PathLike[str], writers: list[tuple[str | tuple[str, ...], Writer]]
                  | None = None, *, extra: Callable[[Outputs, Path], list[str]] | None = None,
                  stats: dict | None = None) -> list[Path]:
    """Run every writer into a staging folder inside ``out_dir``, then move each output into place.

    Blocks of objects that did not change since the previous build in ``out_dir`` are copied from
    its files (kg/blocks.py); the store is patched rather than reloaded when little changed.
    ``extra(outputs, staging)`` may write more files into the staging folder (``kg build`` writes
    records.jsonl so); it returns their names. ``stats`` receives counts of what was made and copied.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with output_lock(out_dir):
        return _write_outputs(graph, out_dir, writers, extra, stats)


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """One build at a time writes into a folder (a second one gets a clear error, not a mix)."""
    import fcntl

    with open(out_dir / ".kg-build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy(f"{out_dir}: another kg build is writing its outputs; try again when it is done") from None
        yield


class BuildBusy(ValueError):
    """Another build holds the output folder."""


def _write_outputs(graph: Graph, out_dir: Path, writers, extra, stats) -> list[Path]:
    _clean_staging(out_dir)
    outputs = Outputs(graph, out_dir)
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir))
    writers = writers if writers is not None else WRITERS
    names: list[str] = []
    written: list[Path] = []
    try:
        for name, writer in writers:
            writer(outputs, staging / _names(name)[0])
            names += _names(name)
        if extra is not None:
            names += extra(outputs, staging)
        build_id = os.path.basename(staging)
        if (staging / "store").is_dir():
            (staging / "store" / STORE_MARKER).write_text(build_id + "\n", encoding="utf-8")
        if "nquads" in outputs.indexes:
            outputs.indexes["nquads"].meta["store"] = build_id if (staging / "store").is_dir() else None
        state = staging / STATE_DIR
        state.mkdir(exist_ok=True)
        for name, index in outputs.indexes.items():
            index.save(state / f"{name}.idx")
        (out_dir / STATE_DIR).mkdir(exist_ok=True)
        for name in names:
            staged, target = staging / name, out_dir / name
            if staged.is_dir():
                _publish_dir(staged, target)
            else:
                os.replace(staged, target)
            written.append(target)
        for f in sorted(state.iterdir()):  # indexes last: an index never describes files not yet in place
            os.replace(f, out_dir / STATE_DIR / f.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if stats is not None:
        stats.update(outputs.stats)
    return written


STORE_MARKER = "zhengwu-kg-build"  # in the store's folder: the build that wrote it (its N-Quads index names it)


def _clean_staging(out_dir: Path) -> None:
    """Staging folders a killed build left behind (never a published output)."""
    for p in out_dir.glob(".kg-build-*"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


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
