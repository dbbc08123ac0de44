"""What each output of ``kg build`` is made of: the writers, and the blocks they write.

    WRITERS                      # [(output name(s), writer(outputs, staging path))], in order
    Outputs(graph, out_dir)      # what writers draw on: the graph, the previous build's indexes

Every whole-file output is a header plus one block per object (kg/blocks.py): graph.json by
article, entity and chunk of relations; the RDF files (``write_rdf_files``: N-Triples, Turtle,
TriG, JSON-LD and the N-Quads parts in one pass) by article, entity, chunk of posts and chunk of
relation statements. Blocks whose tag did not change are copied from the previous build's files;
the store is patched with the quads of the blocks that changed (``write_store``). Staging and
publishing are kg/publish.py's job.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from kg.blocks import BlockSet, Index, Stream, identity
from kg.graph import Graph, article_dict, edge_dict, node_dict

STATE_DIR = ".kg-state"  # indexes of the block files (kg/blocks.py), beside the outputs they describe
RDF_FILES = ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "nquads")
PART_OBJECTS_ENV = "ZHENGWU_KG_NQUADS_PART_OBJECTS"
DEFAULT_PART_OBJECTS = 4_000  # blocks (articles, entities, chunks of posts or relations) per N-Quads part
INCREMENTAL_STORE_SHARE = 0.5  # patch the store when at most this share of objects changed, else reload it
_OUTPUT_CODE = ("kg/blocks.py", "kg/writers.py", "kg/graph.py", "kg/resolve.py", "kg/measures.py",
                "ontology/to_rdf.py", "ontology/serialize.py")


def part_objects_default() -> int:
    value = os.environ.get(PART_OBJECTS_ENV)
    return max(1, int(value)) if value else DEFAULT_PART_OBJECTS


@lru_cache(maxsize=1)
def output_fingerprint() -> str:
    """What a block's bytes depend on besides its object: the writing code. An index made by other
    code (or for another base IRI) is not reused."""
    h = hashlib.sha256()
    for name in _OUTPUT_CODE:  # read as package resources: the same in a clone and in a wheel
        package, _, module = name.partition("/")
        h.update(name.encode() + b"\0" + resources.files(package).joinpath(module).read_bytes() + b"\0")
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
        self.rdf: BlockSet | None = None  # the RDF files' block set, once written (the store reads its diff)
        self.changed: dict[tuple, bytes] = {}  # RDF object key → its new N-Quads block (changed objects)
        self.removed: list[int] = []  # old ordinals of the RDF objects that went
        self.stats: dict = {}

    def old_index(self, name: str) -> Index | None:
        """The previous build's index of ``name`` if its files are intact and it was made by this code."""
        if self.out_dir is None:
            return None
        old = Index.load(self.out_dir / STATE_DIR / f"{name}.idx", self.out_dir)
        if old is None or old.meta.get("code") != output_fingerprint() or \
                old.meta.get("base_iri") != self.graph.base_iri:
            return None
        return old

    def new_index(self, name: str, index: Index, files: list[Path], **meta) -> None:
        """Keep ``index`` for ``name``; ``files`` (staged) are named relative to the staging folder."""
        index.files = {str(f.relative_to(self.staging)): identity(f) for f in files}
        index.meta.update({"code": output_fingerprint(), "base_iri": self.graph.base_iri, **meta})
        self.indexes[name] = index

    staging: Path


Writer = Callable[[Outputs, Path], None]


# ------------------------------------------------------------------------------ object blocks

def _digest(value) -> bytes:
    return hashlib.blake2b(marshal.dumps(value), digest_size=16).digest()


def _article_t(a) -> tuple:
    return (a.iri, a.doc_id, a.path, a.title, a.published, a.source, a.url, tuple(a.authors), tuple(a.editors))


def _edge_t(e, nodes) -> tuple:
    return (e.type, e.source, e.target, tuple((p.article, p.start, p.end, p.sentence, p.date) for p in e.provenance),
            e.source in nodes, e.target in nodes)


CHUNK_MASK = 15  # a chunk ends after an item whose key hashes to 0 mod 16: about 16 items
CHUNK_MAX = 64


def chunked(items: Iterable, key: Callable[[object], str]) -> Iterator[list]:
    """Consecutive items in chunks whose ends depend on the items' keys, not on positions: a new
    item changes its own chunk, not every chunk after it. Relations and posts are written a chunk
    a block — 16 times fewer blocks to look at than one each, and still few to make again."""
    current: list = []
    for item in items:
        current.append(item)
        if len(current) >= CHUNK_MAX or not zlib.crc32(key(item).encode("utf-8")) & CHUNK_MASK:
            yield current
            current = []
    if current:
        yield current


def _json(d: dict) -> bytes:
    return json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _bucket(key: tuple, parts: int) -> int:
    if parts == 1:
        return 0
    return int.from_bytes(hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).digest(), "big") % parts


def write_graph_json(out: Outputs, staging: Path) -> None:
    """graph.json: ``{"base_iri", "articles": [...], "nodes": [...], "edges": [...]}``, one object a
    line, each a block (kg/blocks.py) tagged by a digest of the object: unchanged ones are copied."""
    graph = out.graph
    nodes = graph.nodes
    path = staging / "graph.json"
    blocks = BlockSet([Stream("graph.json", [path], ["graph.json"], b",\n")], out.old_index("graph.json"),
                      out.out_dir)
    try:
        blocks.literal(b'{"base_iri": ' + json.dumps(graph.base_iri, ensure_ascii=False).encode("utf-8"))
        for section in ("articles", "nodes", "edges"):
            blocks.literal(b',\n"' + section.encode() + b'": [\n')
            blocks.section()
            if section == "articles":
                for a in graph.articles.values():
                    blocks.add(("a", a.iri), _digest(_article_t(a)), lambda _, a=a: _json(article_dict(a)))
            elif section == "nodes":
                for n in nodes.values():
                    tag = _digest((n.iri, n.type, n.label, tuple(n.aliases), n.pinyin,
                                   tuple((p.title, p.article, p.date, p.org) for p in n.posts),
                                   tuple((m.article, m.start, m.end) for m in n.mentions), n.context, n.date,
                                   tuple(n.measures.items()) if n.measures is not None else None))
                    blocks.add(("n", n.iri), tag, lambda _, n=n: _json(node_dict(n)))
            else:
                for group in chunked(graph.edges, lambda e: f"{e.type}\0{e.source}\0{e.target}"):
                    e0 = group[0]
                    blocks.add(("e", e0.type, e0.source, e0.target), _digest(tuple(_edge_t(e, nodes) for e in group)),
                               lambda _, group=group: b",\n".join(_json(edge_dict(e)) for e in group))
            blocks.literal(b"\n]")
        blocks.literal(b"}\n")
        blocks.close()
    except BaseException:
        blocks.abort()
        raise
    out.new_index("graph.json", blocks.index(), [path])
    out.stats["graph.json made"] = blocks.made


RDF_STREAMS = (("graph.nt", "ntriples", b""), ("graph.ttl", "turtle", b""), ("graph.trig", "trig", b""),
               ("graph.jsonld", "jsonld", b",\n"))


def rdf_objects(graph: Graph) -> Iterator[tuple[tuple, bytes, Callable[[], list]]]:
    """(key, tag, quads maker) for every block of the RDF view, in order: an article with its
    mentions, an entity, a chunk of an official's posts, a chunk of relation statements
    (:func:`chunked`); the tag digests everything the block's quads are made from."""
    from ontology.to_rdf import article_quads, mentions_by_article, node_quads, post_quads, statement_quads

    nodes = graph.nodes
    if hasattr(graph, "articles_with_mentions"):  # a partitioned graph (kg/partitioned.py) has them joined
        articles = graph.articles_with_mentions()
    else:
        mentioned = mentions_by_article(graph)
        articles = ((a, mentioned.get(a.iri, ())) for a in graph.articles.values())
    for a, m in articles:
        yield ("a", a.iri), _digest((_article_t(a), tuple(m))), lambda a=a, m=m: article_quads(a, m)
    for n in nodes.values():
        yield ("n", n.iri), _digest((n.iri, n.type, n.label, tuple(n.aliases), n.pinyin, n.context, n.date)), \
            lambda n=n: node_quads(n, graph)
        for group in chunked(n.posts, lambda p: f"{p.title}\0{p.article}"):
            tag = _digest((n.iri, n.type, tuple((p.title, p.article, p.date, p.org, p.org in nodes if p.org else False)
                                                for p in group)))
            yield ("p", n.iri, group[0].title, group[0].article), tag, \
                lambda n=n, group=group: [q for p in group for q in post_quads(n.iri, p, graph)]
    # relations: the statements of all edges in one sequence, chunked — an edge stated in 2,000
    # articles gains one statement per new article, and only that statement's chunk changes
    statements = ((e, i) for e in graph.edges for i in (range(len(e.provenance)) if e.provenance else (None,)))
    for group in chunked(statements, _statement_key):
        e0, i0 = group[0]
        key = ("s", e0.type, e0.source, e0.target) + ((e0.provenance[i0].article, e0.provenance[i0].start,
                                                      e0.provenance[i0].end) if i0 is not None else ())
        tag = _digest(tuple((e.type, e.source, e.target, i == 0 or i is None, e.source in nodes, e.target in nodes)
                            + ((e.provenance[i].article, e.provenance[i].start, e.provenance[i].end,
                                e.provenance[i].sentence, e.provenance[i].date) if i is not None else ())
                            for e, i in group))
        yield key, tag, lambda group=group: [q for e, i in group for q in statement_quads(e, i, graph)]


def _statement_key(item: tuple) -> str:
    e, i = item
    if i is None:
        return f"{e.type}\0{e.source}\0{e.target}"
    p = e.provenance[i]
    return f"{e.type}\0{e.source}\0{e.target}\0{p.article}\0{p.start}\0{p.end}"


def write_rdf_files(out: Outputs, staging: Path, files: Iterable[str] = RDF_FILES) -> None:
    """graph.nt, graph.ttl, graph.trig, graph.jsonld and the N-Quads parts (those of ``files``; the
    parts always: the store is loaded from them) in one pass over the RDF objects: each file a header
    and one block per object, unchanged blocks copied from the previous build. Also notes, for the
    store, the N-Quads of what changed and the keys that went."""
    from ontology.serialize import Formatter

    graph = out.graph
    fmt = Formatter(graph.base_iri)
    selected = [st for st in RDF_STREAMS if st[0] in set(files)]
    old = out.old_index("rdf")
    if old is not None and set(old.meta.get("stream_files", {})) != {st[0] for st in selected} | {"nquads"}:
        old = None  # the previous build wrote other formats: these are made from scratch
    if hasattr(graph, "object_count"):  # a partitioned graph counted them as it was made
        objects = graph.object_count()
    else:
        objects = len(graph.articles) + len(graph.nodes) + \
            sum(len(e.provenance) or 1 for e in graph.edges) // (CHUNK_MASK + 1) + \
            sum(-(-len(n.posts) // (CHUNK_MASK + 1)) for n in graph.nodes.values())  # about
    target = part_objects_default()
    parts = max(1, -(-objects // target))
    if old is not None:  # keep the part count while parts stay within half and twice their size
        before = len(old.meta["stream_files"]["nquads"])
        if before == parts or target / 2 <= objects / before <= target * 2:
            parts = before
        else:
            old = None
    nq_dir = staging / "nquads"
    nq_dir.mkdir()
    names = [f"part-{i:04d}.nq" for i in range(parts)]
    streams = [Stream(name, [staging / name], [name], sep) for name, _, sep in selected]
    streams.append(Stream("nquads", [nq_dir / n for n in names], [f"nquads/{n}" for n in names]))
    # (an object the old index has keeps its part: BlockSet reads it there)
    blocks = BlockSet(streams, old, out.out_dir, part_of=lambda key: _bucket(key, parts))
    makers = {name: getattr(fmt, method) for name, method, _ in selected}
    makers["nquads"] = fmt.nquads
    changed: dict[tuple, bytes] = {}
    frames = {name: fmt.frame(method) for name, method, _ in selected}
    try:
        for name, (head, _) in frames.items():
            if head:
                blocks.literal(head, name)
        blocks.section()
        for key, tag, make_quads in rdf_objects(graph):
            memo: list = []

            def make(stream: str, make_quads=make_quads, memo=memo) -> bytes:
                if not memo:
                    memo.append(make_quads())
                data = makers[stream](memo[0])
                if stream == "nquads" and old is not None:
                    changed[key] = data  # (the store is patched with these only when there is an old build)
                return data

            blocks.add(key, tag, make)
        for name, (_, tail) in frames.items():
            if tail:
                blocks.literal(tail, name)
        blocks.close()
    except BaseException:
        blocks.abort()
        raise
    files = [p for s in streams for p in s.paths]
    out.new_index("rdf", blocks.index(), files)
    out.rdf = blocks if old is not None else None
    out.changed = changed
    out.removed = blocks.removed()  # (old ordinals)
    out.stats["rdf objects made"] = blocks.made
    out.stats["rdf objects copied"] = blocks.reused
    counts = blocks.streams[-1].counts
    per_part = np.bincount(np.frombuffer(blocks.parts, dtype=np.int16), weights=np.frombuffer(counts, dtype=np.int64),
                           minlength=parts).astype(int).tolist()
    manifest = [{"file": n, "quads": q, "bytes": (nq_dir / n).stat().st_size} for n, q in zip(names, per_part)]
    (nq_dir / "manifest.json").write_text(json.dumps(
        {"format": "application/n-quads", "parts": manifest, "quads": sum(per_part)}, indent=1) + "\n",
        encoding="utf-8")


def write_rdf_file(graph: Graph, path: str | os.PathLike[str], fmt: str = "turtle") -> Path:
    """One RDF file of ``graph`` made from scratch, as ``kg build`` makes it (header + a block per
    object; ``fmt``: ntriples, nquads, turtle, trig or jsonld) — for a graph you already have."""
    from ontology.serialize import Formatter
    from ontology.to_rdf import object_quads

    f = Formatter(graph.base_iri)
    make = getattr(f, fmt)
    head, tail = f.frame(fmt)
    sep = b",\n" if fmt == "jsonld" else b""
    path = Path(path)
    with path.open("wb") as fh:
        fh.write(head)
        first = True
        for _, q in object_quads(graph):
            block = make(q)
            if block:
                fh.write(block if first else sep + block)
                first = False
        fh.write(tail)
    return path


def write_turtle(graph: Graph, path: str | os.PathLike[str]) -> Path:
    return write_rdf_file(graph, path, "turtle")


def write_store(out: Outputs, path: Path) -> None:
    """The on-disk Oxigraph store (RocksDB) with the whole dataset.

    When the previous build's store and RDF index are intact and few objects changed, the previous
    store is copied (a RocksDB checkpoint: hard links) and patched — the quads of changed and removed
    objects taken out, the new ones put in; otherwise it is bulk-loaded from the N-Quads parts."""
    import pyoxigraph as ox

    nq = path.parent / "nquads"
    live = out.out_dir / "store" if out.out_dir is not None else None
    blocks = out.rdf
    delta = len(out.changed) + len(out.removed)
    total = blocks.n if blocks is not None else 0
    incremental = (blocks is not None and live is not None and live.is_dir()
                   and blocks.old.meta.get("store") == _store_build(live) and delta <= INCREMENTAL_STORE_SHARE * total)
    if incremental:
        ox.Store.read_only(str(live)).backup(str(path))
        store = ox.Store(str(path))
        remove: set = set()
        add: set = set()
        for key in [*out.changed, *out.removed]:
            before = blocks.old_block(key, "nquads")
            old_q = set(ox.parse(before, format=ox.RdfFormat.N_QUADS)) if before else set()
            after = out.changed.get(key)
            new_q = set(ox.parse(after, format=ox.RdfFormat.N_QUADS)) if after else set()
            remove |= old_q - new_q
            add |= new_q - old_q
        remove, add = remove - add, add - remove  # a quad that moved between blocks stays
        for q in remove:
            store.remove(q)
        store.extend(add)
        out.stats["store quads changed"] = len(add) + len(remove)
    elif nq.is_dir():
        # the bulk loader's memory grows with the data: it runs in a process of its own, so the
        # build's own peak stays that of the graph (or of nothing but the indexes, partitioned)
        parts = [str(p) for p in sorted(nq.glob("part-*.nq"))]
        out.stats["store loader peak RSS"] = _in_child(bulk_load_store, str(path), parts)
        out.stats["store"] = "loaded"
        store = ox.Store(str(path))
    else:  # called without the RDF files (a writer list of one's own)
        from ontology.serialize import Formatter
        from ontology.to_rdf import object_quads

        store = ox.Store(str(path))
        fmt = Formatter(out.graph.base_iri)
        store.bulk_load(b"".join(fmt.nquads(q) for _, q in object_quads(out.graph)), format=ox.RdfFormat.N_QUADS)
        store.optimize()
        out.stats["store"] = "loaded"
    store.flush()
    del store
    # the store and the RDF index name one build (the staging folder): the next build patches this
    # store only if its RDF index says it was written with it
    build_id = path.parent.name
    (path / STORE_MARKER).write_text(build_id + "\n", encoding="utf-8")
    if "rdf" in out.indexes:
        out.indexes["rdf"].meta["store"] = build_id


def bulk_load_store(path: str, parts: list[str]) -> int:
    """A new store at ``path`` bulk-loaded from N-Quads ``parts`` and optimised; returns this process's peak RSS."""
    import pyoxigraph as ox

    from kg.parallel import peak_rss

    store = ox.Store(path)
    for part in parts:
        store.bulk_load(path=part, format=ox.RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    del store
    return peak_rss()


def _in_child(fn: Callable, *args):
    """``fn(*args)`` in a spawned process (its memory is its own and given back when it ends)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


STORE_MARKER = "zhengwu-kg-build"  # in the store's folder: the build that wrote it (its RDF index names it)


def _store_build(store: Path) -> str | None:
    try:
        return (store / STORE_MARKER).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


BUILD_PAGE_MAX_NODES = 1000  # graph.html: an overview; `kg viz` draws any view up to 5,000 nodes


def write_html(out: Outputs, path: Path) -> None:
    """graph.html: the whole graph, or on larger graphs its ``BUILD_PAGE_MAX_NODES`` most connected
    entities (the page says how many it left out; ``kg viz`` draws other views)."""
    from viz.page import write_page

    write_page(out.graph, path, max_nodes=BUILD_PAGE_MAX_NODES)


# writers that run in a child process while the others write (kg build has the graph in memory:
# forking shares it); the rest run here, in WRITERS order
ALONGSIDE = {"graph.html", "graph.json"}


# names → writer; other parts add theirs here (e.g. ("graph.html", write_html)). A writer writes the
# files or folders it is named after into the staging folder it is given (the first: the whole folder).
WRITERS: list[tuple[str | tuple[str, ...], Writer]] = [
    ("graph.html", write_html),  # graph.html and graph.json run in a child process (ALONGSIDE)
    ("graph.json", lambda out, path: write_graph_json(out, path.parent)),
    (RDF_FILES, lambda out, path: write_rdf_files(out, path.parent)),
    ("store", write_store),
]

# ``kg build --formats``: each format and the output it names (records.jsonl is kg build's own)
FORMATS: dict[str, str] = {"json": "graph.json", "html": "graph.html", "ttl": "graph.ttl", "nt": "graph.nt",
                           "trig": "graph.trig", "jsonld": "graph.jsonld", "nquads": "nquads", "store": "store",
                           "records": "records.jsonl"}
OUTPUT_NAMES = tuple(FORMATS.values())


def parse_formats(text: str | None) -> frozenset[str]:
    """``json,store`` → the output names of those formats (``all`` or None: every one)."""
    if text is None or text.strip() in ("", "all"):
        return frozenset(OUTPUT_NAMES)
    chosen = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(f"unknown output format {', '.join(unknown) or repr(text)}; choose from "
                         f"{', '.join(FORMATS)} or all")
    return frozenset(FORMATS[f] for f in chosen)


def writers_for(names: Iterable[str]) -> list[tuple[str | tuple[str, ...], Writer]]:
    """The writers of the chosen outputs, in WRITERS order (the RDF writer limited to its chosen files;
    the store needs the N-Quads parts, made in the staging folder even when they are not published)."""
    names = set(names)
    rdf = tuple(n for n in RDF_FILES if n in names)
    out: list[tuple[str | tuple[str, ...], Writer]] = []
    for name, writer in WRITERS:
        if name == RDF_FILES:
            if rdf or "store" in names:
                files = rdf + (("nquads",) if "nquads" not in rdf else ())
                out.append((rdf or (), lambda o, path, files=files: write_rdf_files(o, path.parent, files)))
        elif name in names:
            out.append((name, writer))
    return out


