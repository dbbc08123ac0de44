"""Cross-article resolution in partitions: what :func:`kg.resolve.merge` makes, without one process
holding the corpus.

    parts = merge_partitioned(fragments, "work/", base_iri, partitions=16, runner=Processes(2))
    parts.graph()                 # the Graph merge() makes from the same fragments (tests compare)
    for node in parts.nodes(): …  # or a stream in IRI order, one batch of a partition in memory

``merge`` keeps every fragment, a union-find over every key and the whole graph in one process:
linear in the corpus. Here the fragments pass through this process once, in input order, into
files, and the rest runs as tasks — plain functions from files to files, so a process pool or a
Dask cluster runs them (with Dask, the folder must be on storage every worker sees):

1. **spill** (here, streaming): fragments into chunk files of ``CHUNK`` fragments; each article
   into the article partition of its IRI; every organisation, meeting and policy occurrence's key
   and alias keys into the link file. This process holds one chunk.
2. **articles** (a task per partition): the first fragment of an article IRI wins (merge's rule);
   the sequence numbers of later ones are the duplicates every later step skips.
3. **components** (one task): union-find over the link file (keys of the three aliased types only)
   → the canonical key of each key of a component of more than one, and the organisation names a
   title may start with (the first in input order) → their IRIs.
4. **map** (a task per chunk): every occurrence, post and statement gets its node IRIs; rows go to
   the node partition of their IRI and the edge partition of their (type, source, target).
5. **reduce** (a task per partition): nodes and edges made as merge makes them (the same helpers),
   sorted and written in batches.

Rows keep input order inside every file and files are read in chunk order, so every first-seen and
frequency rule of merge holds; the partitions' sorted streams merge (``heapq.merge``) into IRI order.
The result is merge's graph, exactly (``tests/test_partitioned.py``).
"""
from __future__ import annotations

import contextlib
import hashlib
import heapq
import marshal
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from kg.graph import POST_PARSE_FIELDS, Article, Edge, Graph, Mention, Node, Post, Provenance
from kg.parallel import peak_rss as _rss

CHUNK = 5_000  # fragments per chunk file (what this process holds while spilling)
BATCH = 2_000  # rows per marshal record in the files tasks write and read whole
SORTED_BATCH = 100  # objects per record in the sorted partitions: reading them back holds one record
# of every partition at once (heapq.merge), so this bounds the writers' memory at any partition count
ARTICLES_PER_PARTITION = 10_000  # the default partition count: one per this many articles
ALIASED = ("Organization", "Meeting", "Policy")


def partitions_for(articles: int) -> int:
    """A partition per ``ARTICLES_PER_PARTITION`` articles, 1 to 512."""
    return max(1, min(512, -(-articles // ARTICLES_PER_PARTITION)))


def partition_of(value: str, parts: int) -> int:
    """A stable partition number (the same in every process: not Python's ``hash``)."""
    if parts == 1:
        return 0
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big") % parts


def _edge_name(key: tuple) -> str:
    return f"{key[0]}\0{key[1]}\0{key[2]}"


# ---------------------------------------------------------------------------------- row files

class _Rows:
    """Rows appended to one file in batches (each batch one marshal record)."""

    def __init__(self, path: Path, batch: int | None = None) -> None:
        self.path = path
        self.buffer: list = []
        self.fh = None
        self.batch = batch or BATCH

    def add(self, row) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        if self.fh is None:
            self.fh = open(self.path, "ab")
        marshal.dump(self.buffer, self.fh)
        self.buffer = []

    def close(self) -> None:
        self.flush()
        if self.fh is not None:
            self.fh.close()
            self.fh = None


def read_rows(path: Path) -> Iterator:
    """Every row of a file :class:`_Rows` wrote (none when it does not exist)."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return
    with fh:
        while True:
            try:
                batch = marshal.load(fh)
            except EOFError:
                return
            yield from batch


def _write_sorted(path: Path, items: list) -> None:
    """Sorted objects in batches, written to a temp file and renamed."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        for i in range(0, len(items), SORTED_BATCH):
            marshal.dump(items[i:i + SORTED_BATCH], fh)
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------- runners

class Serial:
    """Tasks one after another in this process (tests, small corpora)."""

    workers = 1

    def map(self, fn: Callable, args: Sequence[tuple]) -> list:
        return [fn(*a) for a in args]

    def close(self) -> None:
        pass


class Processes:
    """Tasks in a pool of worker processes (spawned: they share nothing with this one)."""

    def __init__(self, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def map(self, fn: Callable, args: Sequence[tuple]) -> list:
        futures = [self.pool.submit(fn, *a) for a in args]
        return [f.result() for f in futures]

    def close(self) -> None:
        self.pool.shutdown()


class DaskTasks:
    """Tasks on a Dask cluster (a ``distributed.Client``); the work folder must be shared storage."""

    def __init__(self, client) -> None:
        self.client = client
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable, args: Sequence[tuple]) -> list:
        if not args:
            return []
        futures = self.client.map(fn, *zip(*args), pure=False)
        return self.client.gather(futures)

    def close(self) -> None:
        pass


@contextlib.contextmanager
def runner_for(workers: int = 1, dask: str | None = None) -> Iterator:
    """The runner ``kg build`` uses: a Dask client (``dask``: a scheduler address or "local" for a
    LocalCluster of ``workers`` processes, at least 2), a process pool (``workers`` > 1), or this process."""
    if dask:
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:  # pragma: no cover - the 'scale' extra
            raise RuntimeError("--dask needs dask.distributed: pip install 'zhengwu-kg[scale]'") from err
        import logging

        cluster = None
        if dask == "local":
            cluster = LocalCluster(n_workers=max(2, workers), threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(dask, timeout="30s")
        try:
            yield DaskTasks(client)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif workers > 1:
        runner = Processes(workers)
        try:
            yield runner
        finally:
            runner.close()
    else:
        yield Serial()


# --------------------------------------------------------------------------------------- tasks
#
# Each returns (what it found, its process's peak RSS); the files are named by the layout below.

def _articles_task(folder: str, p: int) -> tuple[list[int], int]:
    """Article partition ``p``: the first of each IRI kept (sorted by IRI), later ones' seqs returned."""
    root = Path(folder)
    seen: dict[str, tuple] = {}
    dropped: list[int] = []
    for iri, seq, plain in read_rows(root / f"articles-in-{p:04d}"):
        if iri in seen:
            dropped.append(seq)
        else:
            seen[iri] = plain
    _write_sorted(root / f"articles-{p:04d}", [seen[k] for k in sorted(seen)])
    return dropped, _rss()


def _components_task(folder: str, base_iri: str, dropped: list[int]) -> tuple[dict, int]:
    """Union-find over the link file → canonical keys and organisation names → IRIs (one file)."""
    from kg.resolve import _Union, canonical_key, node_iri

    root = Path(folder)
    skip = set(dropped)
    union = _Union()
    primary: set[tuple] = set()
    names: dict[str, tuple] = {}
    for seq, etype, key, aliases in read_rows(root / "links"):
        if seq in skip:
            continue
        primary.add(key)
        union.find(key)
        for ak in aliases:
            union.union(key, ak)
        if etype == "Organization":
            for k in (key, *aliases):
                if "@" not in k[1] and len(k[1]) >= 2:
                    names.setdefault(k[1], key)
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for k in primary:
        groups[union.find(k)].append(k)
    canonical: dict[tuple, tuple] = {}
    for keys in groups.values():
        if len(keys) > 1:
            best = canonical_key(keys)
            for k in keys:
                if k != best:
                    canonical[k] = best
    org_names = {name: node_iri(base_iri, canonical.get(key, key)) for name, key in names.items()}
    tmp = root / "components.tmp"
    tmp.write_bytes(marshal.dumps((canonical, org_names)))
    os.replace(tmp, root / "components")
    return {"components": len(groups), "merged_keys": len(canonical), "org_names": len(org_names)}, _rss()


def _map_task(folder: str, chunk: int, parts: int, base_iri: str, dropped: list[int]) -> tuple[dict, int]:
    """Chunk ``chunk``: IRIs for every occurrence, post and statement; rows to their partitions."""
    from kg.resolve import _post_org, node_iri

    root = Path(folder)
    canonical, org_names = marshal.loads((root / "components").read_bytes())
    skip = set(dropped)
    iri_cache: dict[tuple, str] = {}

    def iri(key: tuple) -> str:
        hit = iri_cache.get(key)
        if hit is None:
            hit = iri_cache[key] = node_iri(base_iri, canonical.get(key, key))
        return hit

    per_file = max(64, 10 * BATCH // parts)  # rows buffered per file: about 20,000 a kind, whatever the count
    node_out = [_Rows(root / f"nodes-in-{p:04d}-{chunk:05d}", per_file) for p in range(parts)]
    edge_out = [_Rows(root / f"edges-in-{p:04d}-{chunk:05d}", per_file) for p in range(parts)]
    node_part: dict[str, int] = {}
    post_org: dict[tuple, str | None] = {}
    none_fields = (None,) * len(POST_PARSE_FIELDS)
    rows = 0
    for seq, plain in marshal.loads((root / f"chunk-{chunk:05d}").read_bytes()):
        if seq in skip:
            continue
        a_iri, date, occs, posts, statements = plain[0][0], plain[1], plain[2], plain[3], plain[4]
        iris = [iri(o[1]) for o in occs]
        for o, node in zip(occs, iris):
            p = node_part.get(node)
            if p is None:
                p = node_part[node] = partition_of(node, parts)
            node_out[p].add((0, node, a_iri, o))
        for i, title, candidates, *parsed in posts:
            org = post_org.get(candidates, post_org)
            if org is post_org:
                org = post_org[candidates] = _post_org(candidates, org_names)
            fields = tuple(parsed[0]) if parsed else none_fields
            node = iris[i]
            node_out[node_part[node]].add((1, node, (title, a_iri, date, org, fields)))
        for rtype, src, dst, start, end, sentence, *order in statements:
            key = (rtype, iris[src], iris[dst])
            edge_out[partition_of(_edge_name(key), parts)].add(
                (key, (a_iri, start, end, sentence, date or "", order[0] if order else None)))
        rows += 1
    for w in (*node_out, *edge_out):
        w.close()
    return {"fragments": rows}, _rss()


def _reduce_nodes_task(folder: str, p: int, chunks: int, parts: int) -> tuple[tuple[int, int], int]:
    """Node partition ``p``: the nodes of its IRIs, built as merge builds them, sorted by IRI; each
    (article, node) mention pair to the article's partition (an article's ``schema:mentions``)."""
    from kg.resolve import node_from_occurrences
    from kg.writers import CHUNK_MASK
    from ontology.to_rdf import CLASSES

    root = Path(folder)
    members: dict[str, list] = defaultdict(list)
    posts: dict[str, set] = defaultdict(set)
    for c in range(chunks):
        path = root / f"nodes-in-{p:04d}-{c:05d}"
        for row in read_rows(path):
            if row[0] == 0:
                members[row[1]].append((row[2], row[3]))
            else:
                posts[row[1]].add(row[2])
        path.unlink(missing_ok=True)
    out = []
    mentioned = [_Rows(root / f"mentions-in-{ap:04d}-{p:04d}", max(64, 10 * BATCH // parts)) for ap in range(parts)]
    post_blocks = 0
    for node_iri in sorted(members):
        n = node_from_occurrences(node_iri, members[node_iri])
        items = posts.get(node_iri, ())
        post_t = tuple((t, a, d, o, *fields) for t, a, d, o, fields in
                       sorted(items, key=lambda x: (x[2] or "", x[0], x[1])))
        post_blocks += -(-len(post_t) // (CHUNK_MASK + 1))  # (kg.writers writes posts in chunks of about 16)
        out.append((n.iri, n.type, n.label, tuple(n.aliases), n.pinyin, post_t,
                    tuple((m.article, m.start, m.end) for m in n.mentions), n.context, n.date))
        if n.type in CLASSES:
            for a in dict.fromkeys(m.article for m in n.mentions):
                mentioned[partition_of(a, parts)].add((a, n.iri))
    for w in mentioned:
        w.close()
    _write_sorted(root / f"nodes-{p:04d}", out)
    return (len(out), post_blocks), _rss()


def _mentions_task(folder: str, ap: int, parts: int) -> tuple[int, int]:
    """Article partition ``ap``: every article's mentioned entities, sorted (aligned with its articles)."""
    root = Path(folder)
    by_article: dict[str, list[str]] = defaultdict(list)
    for p in range(parts):
        path = root / f"mentions-in-{ap:04d}-{p:04d}"
        for a, n in read_rows(path):
            by_article[a].append(n)
        path.unlink(missing_ok=True)
    out = [(a, tuple(sorted(set(by_article[a])))) for a in sorted(by_article)]
    _write_sorted(root / f"mentioned-{ap:04d}", out)
    return len(out), _rss()


def _measures_task(folder: str, parts: int, base_iri: str) -> tuple[int, int]:
    """The officials' co-attendance measures (kg/measures.py) from the edge partitions, written to
    the node partition of each official, sorted."""
    from kg import measures

    root = Path(folder)
    view = GraphView(Partitioned(root, base_iri, parts))
    try:
        found = measures.compute(view)
    except ImportError:  # networkx comes with the viz extra
        found = {}
    rows: list[list] = [[] for _ in range(parts)]
    for iri in sorted(found):
        rows[partition_of(iri, parts)].append((iri, tuple(found[iri].items())))
    for p in range(parts):
        _write_sorted(root / f"measures-{p:04d}", rows[p])
    return len(found), _rss()


def _reduce_edges_task(folder: str, p: int, chunks: int) -> tuple[tuple[int, int], int]:
    """Edge partition ``p``: every statement of an edge, in merge's provenance order, edges sorted."""
    root = Path(folder)
    edges: dict[tuple, list] = defaultdict(list)
    for c in range(chunks):
        path = root / f"edges-in-{p:04d}-{c:05d}"
        for key, prov in read_rows(path):
            edges[key].append(prov)
        path.unlink(missing_ok=True)
    out = []
    statements = 0
    for key in sorted(edges):
        prov = edges[key]
        if len(prov) > 1:
            prov = sorted(set(prov), key=lambda x: x[:5])
        statements += len(prov) or 1
        out.append((*key, tuple((a, b, e, s, d or None, n) for a, b, e, s, d, n in prov)))
    _write_sorted(root / f"edges-{p:04d}", out)
    return (len(out), statements), _rss()


# --------------------------------------------------------------------------------------- result

@dataclass
class Partitioned:
    """A resolved graph on disk: sorted partitions of articles, nodes and edges (see the module doc)."""

    folder: Path
    base_iri: str
    parts: int
    counts: dict = field(default_factory=dict)  # articles, nodes, edges, fragments, dropped …
    worker_peak_rss: int = 0

    def _stream(self, prefix: str, key: Callable) -> Iterator:
        return heapq.merge(*(read_rows(self.folder / f"{prefix}-{p:04d}") for p in range(self.parts)), key=key)

    def articles(self) -> Iterator[Article]:
        from kg.resolve import article_from_plain

        for a in self._stream("articles", lambda t: t[0]):
            yield article_from_plain(a)

    def articles_with_mentions(self) -> Iterator[tuple[Article, tuple[str, ...]]]:
        """Each article with the entities it mentions (sorted), in IRI order."""
        from kg.resolve import article_from_plain

        for a, m in self._joined("articles", "mentioned"):
            yield article_from_plain(a), m or ()

    def _partition_joined(self, prefix: str, extra: str, p: int) -> Iterator[tuple]:
        """Partition ``p`` of ``prefix`` with the rows of ``extra`` (same keys, sorted) attached."""
        side = read_rows(self.folder / f"{extra}-{p:04d}")
        pending = next(side, None)
        for t in read_rows(self.folder / f"{prefix}-{p:04d}"):
            if pending is not None and pending[0] == t[0]:
                yield t, pending[1]
                pending = next(side, None)
            else:
                yield t, None

    def _joined(self, prefix: str, extra: str) -> Iterator[tuple]:
        return heapq.merge(*(self._partition_joined(prefix, extra, p) for p in range(self.parts)),
                           key=lambda x: x[0][0])

    def nodes(self) -> Iterator[Node]:
        """Every node in IRI order, with its co-attendance measures (once :func:`merge_partitioned`
        has computed them)."""
        for t, m in self._joined("nodes", "measures"):
            yield Node(iri=t[0], type=t[1], label=t[2], aliases=list(t[3]), pinyin=t[4],
                       posts=[Post(*p) for p in t[5]], mentions=[Mention(*m) for m in t[6]],
                       context=t[7], date=t[8], measures=dict(m) if m is not None else None)

    def edges(self) -> Iterator[Edge]:
        for t in self._stream("edges", lambda t: t[:3]):
            yield Edge(t[0], t[1], t[2], [Provenance(*p) for p in t[3]])

    def graph(self) -> Graph:
        """The whole graph in memory (what merge() returns)."""
        g = Graph(base_iri=self.base_iri)
        g.articles = {a.iri: a for a in self.articles()}
        g.nodes = {n.iri: n for n in self.nodes()}
        g.edges = list(self.edges())
        return g

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def merge_partitioned(fragments: Iterable, folder: str | os.PathLike[str], base_iri: str, *,
                      partitions: int = 4, runner=None, measures: bool = True) -> Partitioned:
    """Resolve ``fragments`` (:class:`kg.resolve.Fragment`, in input order) into sorted partitions
    under ``folder`` (made empty first). ``runner``: :class:`Serial` (default), :class:`Processes`
    or :class:`DaskTasks`. The graph equals ``merge(fragments, base_iri)``, with the measures
    :func:`kg.measures.annotate` sets (unless ``measures`` is false)."""
    from kg.resolve import base_of

    base_iri = base_of(base_iri)
    root = Path(folder)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    runner = runner or Serial()
    parts = max(1, int(partitions))

    # 1. spill: this process holds one chunk of fragments and the row buffers
    spill = max(16, BATCH // parts)  # rows buffered per file here: this process's share stays flat
    article_rows = [_Rows(root / f"articles-in-{p:04d}", spill) for p in range(parts)]
    links = _Rows(root / "links")
    chunk: list = []
    chunks = seq = 0

    def flush_chunk() -> None:
        nonlocal chunk, chunks
        tmp = root / f"chunk-{chunks:05d}.tmp"
        tmp.write_bytes(marshal.dumps(chunk))
        os.replace(tmp, root / f"chunk-{chunks:05d}")
        chunks += 1
        chunk = []

    for frag in fragments:
        plain = frag.to_plain()
        a = plain[0]
        article_rows[partition_of(a[0], parts)].add((a[0], seq, a))
        for occ in plain[2]:
            if occ[0] in ALIASED:
                links.add((seq, occ[0], occ[1], occ[2]))
        chunk.append((seq, plain))
        seq += 1
        if len(chunk) >= CHUNK:
            flush_chunk()
    if chunk or not chunks:
        flush_chunk()
    for w in (*article_rows, links):
        w.close()

    folder_s = str(root)
    rss = 0
    # 2. articles: duplicates found
    dropped: list[int] = []
    for found, r in runner.map(_articles_task, [(folder_s, p) for p in range(parts)]):
        dropped += found
        rss = max(rss, r)
    dropped.sort()
    # 3. components
    [(comp, r)] = runner.map(_components_task, [(folder_s, base_iri, dropped)])
    rss = max(rss, r)
    # 4. map
    mapped = 0
    for found, r in runner.map(_map_task, [(folder_s, c, parts, base_iri, dropped) for c in range(chunks)]):
        mapped += found["fragments"]
        rss = max(rss, r)
    for c in range(chunks):
        (root / f"chunk-{c:05d}").unlink(missing_ok=True)
    # 5. reduce
    n_nodes = n_edges = post_blocks = statements = 0
    for (made, blocks), r in runner.map(_reduce_nodes_task, [(folder_s, p, chunks, parts) for p in range(parts)]):
        n_nodes += made
        post_blocks += blocks
        rss = max(rss, r)
    for (made, stated), r in runner.map(_reduce_edges_task, [(folder_s, p, chunks) for p in range(parts)]):
        n_edges += made
        statements += stated
        rss = max(rss, r)
    for _, r in runner.map(_mentions_task, [(folder_s, p, parts) for p in range(parts)]):
        rss = max(rss, r)
    for p in range(parts):
        (root / f"articles-in-{p:04d}").unlink(missing_ok=True)
    (root / "links").unlink(missing_ok=True)
    # 6. the officials' network measures (graph.json holds them)
    officials = None
    if measures:
        [(officials, r)] = runner.map(_measures_task, [(folder_s, parts, base_iri)])
        rss = max(rss, r)
    counts = {"fragments": seq, "articles": mapped, "duplicates": len(dropped), "nodes": n_nodes,
              "edges": n_edges, "statements": statements, "post_blocks": post_blocks, "chunks": chunks,
              "measured_officials": officials, **comp}
    return Partitioned(root, base_iri, parts, counts, rss)


# ------------------------------------------------------------------------------------- the view

class _Typed:
    """What a writer asks of a node it only refers to: its type (read off its IRI: merge mints every
    node IRI as BASE + the type's slug + "/" + hash)."""

    __slots__ = ("iri", "type")

    def __init__(self, iri: str, node_type: str) -> None:
        self.iri, self.type = iri, node_type


class _Section:
    """A section of the graph read like a dict keyed by IRI (each pass a fresh stream from disk)."""

    def __init__(self, stream: Callable[[], Iterator], count: int) -> None:
        self._stream, self._count = stream, count

    def __len__(self) -> int:
        return self._count

    def values(self) -> Iterator:
        return self._stream()

    def items(self) -> Iterator[tuple[str, object]]:
        return ((x.iri, x) for x in self._stream())

    def __iter__(self) -> Iterator[str]:
        return (x.iri for x in self._stream())


class _Nodes(_Section):
    def __init__(self, parts: Partitioned, count: int) -> None:
        from kg.resolve import NODE_SLUGS

        super().__init__(parts.nodes, count)
        self._types = {f"{parts.base_iri}{slug}/": t for t, slug in NODE_SLUGS.items()}

    def get(self, iri: str, default=None):
        head, sep, _ = iri.rpartition("/")
        t = self._types.get(head + sep) if sep else None
        return _Typed(iri, t) if t is not None else default

    def __getitem__(self, iri: str):
        found = self.get(iri)
        if found is None:
            raise KeyError(iri)
        return found

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and self.get(iri) is not None


class _Edges:
    def __init__(self, parts: Partitioned, count: int) -> None:
        self._parts, self._count = parts, count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Edge]:
        return self._parts.edges()


class GraphView:
    """The graph of a :class:`Partitioned` folder as the writers read a :class:`kg.graph.Graph`:
    ``articles`` and ``nodes`` iterate in IRI order and ``edges`` in key order, each pass a fresh
    stream from disk; a node looked up by IRI gives only its type (the writers ask no more of a node
    they refer to). Its measures are already set (:func:`merge_partitioned`)."""

    def __init__(self, parts: Partitioned) -> None:
        c = parts.counts
        self.parts = parts
        self.base_iri = parts.base_iri
        self.articles = _Section(parts.articles, c.get("articles", 0))
        self.nodes = _Nodes(parts, c.get("nodes", 0))
        self.edges = _Edges(parts, c.get("edges", 0))

    def articles_with_mentions(self) -> Iterator[tuple[Article, tuple[str, ...]]]:
        return self.parts.articles_with_mentions()

    def object_count(self) -> int:
        """About how many RDF blocks the writers will make (kg.writers sizes the N-Quads parts by it)."""
        from kg.writers import CHUNK_MASK

        c = self.parts.counts
        return c["articles"] + c["nodes"] + c["statements"] // (CHUNK_MASK + 1) + c["post_blocks"]
