"""``kg build`` for large corpora: parallel or distributed extraction, a record cache, flat memory.

    result = build_scaled(["corpus/"], "out", workers=2)          # processes on this machine
    result = build_scaled(["corpus/"], "out", dask="local")       # a Dask cluster ("tcp://…:8786")

The build runs in four steps:

1. **Plan** — every input file (folders expanded in sorted order, as ``kg extract`` does) is read
   once and hashed; its cache key is the hash plus the extractor fingerprint (:mod:`kg.cache`).
2. **Extract** — files whose key is not in the cache are extracted by the chosen executor
   (in-process, :class:`kg.parallel.ProcessPool` or :class:`kg.distributed.DaskExecutor`); each
   result is written to the cache as soon as it arrives, so an interrupted build (Ctrl-C, kill)
   loses at most the files in flight and the next run resumes from the cache.
3. **Resolve** — records are streamed *from the cache in input order* into
   :func:`kg.resolve.resolve` (with each article's text, for evidence sentences) and into
   ``records.jsonl``; nothing is held per article outside what resolution keeps. Input order
   (never completion order) decides everything, so the records, IRIs and triples are the same
   whatever the number or kind of workers.
4. **Write** — every output of ``kg.build.WRITERS`` (N-Quads shards included), staged and moved
   into place by :func:`kg.build.write_outputs`; then ``records.jsonl``.

A re-run extracts only new or changed files and rewrites every output from all records: a changed
article's old record is simply no longer used (its key is gone), a deleted input drops out. The
default cache is ``DIR/.cache`` and entries no input uses any more are pruned after a successful
build; a cache given with ``--cache`` may be shared by several builds and is never pruned.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.build import BuildResult, write_outputs
from kg.cache import RecordCache, content_key, extractor_fingerprint, with_path
from kg.parallel import Item, extract_items, peak_rss
from kg.progress import progress_bar
from kg.record import Record
from kg.resolve import DEFAULT_BASE_IRI, resolve

RECORDS_FILE = "records.jsonl"
CACHE_DIRNAME = ".cache"


@dataclass
class Unit:
    """One input file: where it is in input order and how its items are found."""

    index: int
    path: str
    key: str | None  # cache key; None when the file gave its errors without extraction
    articles: int = 1  # items expected (a jsonl file: its non-blank lines)
    items: list[Item] | None = None  # the errors of a file that needs no extraction


@dataclass
class ScaleStats:
    files: int = 0
    extracted_files: int = 0
    extracted_articles: int = 0
    cached_files: int = 0
    backend: str = "in-process"
    workers: int = 1
    worker_peak_rss: dict[int, int] = field(default_factory=dict)  # pid → bytes
    main_peak_rss: int = 0
    seconds_plan: float = 0.0
    seconds_extract: float = 0.0
    seconds_startup: float = 0.0  # until the workers had loaded the model (or the cluster started)
    seconds_resolve: float = 0.0
    seconds_write: float = 0.0
    cache_dir: str = ""
    pruned: int = 0


@dataclass
class ScaleResult(BuildResult):
    stats: ScaleStats = field(default_factory=ScaleStats)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file or file:line, reason)


# ------------------------------------------------------------------------------------------ plan

def _needs_no_extraction(path: str, max_bytes: int) -> bool:
    """Files extract.read refuses before decoding (their error needs no segmenter)."""
    from extract.read import SUFFIXES

    if not path.lower().endswith(SUFFIXES):
        return True
    try:
        size = os.stat(path).st_size
    except OSError:
        return True
    return size == 0 or size > max_bytes or os.path.isdir(path)


def plan(paths: Iterable[str], fingerprint: str, max_bytes: int | None = None) -> Iterator[Unit]:
    """One :class:`Unit` per input file, in input order (reads and hashes each file once)."""
    from extract.read import ReadError, expand_paths, max_bytes_default

    limit = max_bytes_default() if max_bytes is None else max_bytes
    for index, p in enumerate(expand_paths(paths)):
        if isinstance(p, ReadError):
            yield Unit(index, p.path, None, 1, [{"line": None, "error": p.reason}])
            continue
        if _needs_no_extraction(p, limit):
            yield Unit(index, p, None, 1, extract_items(p))
            continue
        try:
            data = Path(p).read_bytes()
        except OSError:
            yield Unit(index, p, None, 1, extract_items(p))
            continue
        articles = sum(1 for line in data.splitlines() if line.strip()) if p.lower().endswith(".jsonl") else 1
        yield Unit(index, p, content_key(data, fingerprint), max(1, articles))


# -------------------------------------------------------------------------------------- executors

def make_executor(workers: int = 1, dask: str | None = None, segmenter: str = "pkuseg"):
    """In-process (1 worker), a process pool (N), or a Dask client (``dask`` = address or "local")."""
    if dask:
        from kg.distributed import DaskExecutor

        return DaskExecutor(dask, segmenter, n_workers=workers if workers > 1 else 2)
    from kg.parallel import executor

    return executor(workers, segmenter)


def extract_missing(units: list[Unit], cache: RecordCache, executor_factory: Callable[[], object],
                    stats: ScaleStats, progress: bool | None = None) -> None:
    """Extract every unit whose key is not cached (each key once) and cache each result on arrival."""
    todo: dict[str, Unit] = {}
    for u in units:
        if u.key is None:
            continue
        if u.key in todo or cache.has(u.key):
            if u.key not in todo:
                stats.cached_files += 1
            continue
        todo[u.key] = u
    if not todo:
        return
    bar = progress_bar(sum(u.articles for u in todo.values()), progress)
    started = time.perf_counter()
    try:
        with executor_factory() as ex:  # returns once the workers have loaded the model
            stats.seconds_startup = time.perf_counter() - started
            bar.reset(total=bar.total)  # rate and ETA from here on
            stats.backend = {"InProcess": "in-process", "ProcessPool": "process",
                             "DaskExecutor": "dask"}.get(type(ex).__name__, type(ex).__name__)
            stats.workers = ex.workers
            by_index = {u.index: u for u in todo.values()}
            for index, items, pid, rss in ex.run((u.index, u.path) for u in todo.values()):
                unit = by_index[index]
                cache.put(unit.key, unit.path, items)
                stats.extracted_files += 1
                stats.extracted_articles += sum(1 for it in items if "record" in it)
                stats.worker_peak_rss[pid] = max(stats.worker_peak_rss.get(pid, 0), rss)
                bar.update(len(items))
                if len(items) != unit.articles:  # the estimate was off (e.g. a UTF-16 jsonl file)
                    bar.total += len(items) - unit.articles
    finally:
        bar.close()


# ------------------------------------------------------------------------------------ the build

class _RecordStream:
    """Records from the cache in input order, with each article's text for resolution, and every
    record copied to ``records.jsonl`` as it passes; errors reported in the same order."""

    def __init__(self, units: list[Unit], cache: RecordCache, records_fh, on_error: Callable[[str], None] | None):
        self.units = units
        self.cache = cache
        self.fh = records_fh
        self.on_error = on_error
        self.skipped: list[tuple[str, str]] = []
        self.count = 0
        self._current: tuple[str, str] | None = None  # (doc id, text) of the record resolution has

    def text(self, doc) -> str | None:
        """For :func:`kg.resolve.resolve`: the text of the record it was just given."""
        cur = self._current
        return cur[1] if cur is not None and cur[0] == doc.id else None

    def __iter__(self) -> Iterator[Record]:
        from kg.io import dump_jsonl_line

        for u in self.units:
            items = with_path(u.items, u.path) if u.key is None else self.cache.get(u.key, u.path)
            if items is None:
                raise RuntimeError(f"{u.path}: its cache entry disappeared during the build ({self.cache.root})")
            for it in items:
                if "error" in it:
                    self.skipped.append((it["where"], it["error"]))
                    if self.on_error:
                        self.on_error(f"{it['where']}: {it['error']}")
                    continue
                rec = Record.from_dict(it["record"])
                self.fh.write(dump_jsonl_line(it["record"]))
                self.count += 1
                self._current = (rec.doc.id, it["text"])
                yield rec
            del items
        self._current = None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _clean_stale(out_dir: Path) -> None:
    """Temp records files a killed build left behind (never a finished output)."""
    for f in out_dir.glob(f".{RECORDS_FILE}.*.tmp"):
        try:
            f.unlink()
        except OSError:
            pass


def build_scaled(paths: Iterable[str], out_dir: str | os.PathLike[str], *, workers: int = 1,
                 dask: str | None = None, cache_dir: str | os.PathLike[str] | None = None,
                 use_cache: bool = True, base_iri: str = DEFAULT_BASE_IRI, segmenter: str = "pkuseg",
                 progress: bool | None = None, on_error: Callable[[str], None] | None = None) -> ScaleResult:
    """Extract (in parallel, from the cache where possible), resolve and write every output.

    ``on_error`` gets one line per skipped file (or jsonl line), naming it and the reason. With no
    article at all nothing is written and ``ValueError`` is raised. See the module docstring.
    """
    from kg.io import atomic_writer

    started = time.perf_counter()
    paths = [str(p) for p in paths]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clean_stale(out)
    stats = ScaleStats()
    own_cache = cache_dir is None and use_cache
    tmp_cache = None
    if not use_cache:
        tmp_cache = tempfile.mkdtemp(prefix="kg-build-cache-")
        root = Path(tmp_cache)
    else:
        root = Path(cache_dir) if cache_dir is not None else out / CACHE_DIRNAME
    cache = RecordCache(root)
    stats.cache_dir = str(root)
    try:
        t = time.perf_counter()
        fingerprint = extractor_fingerprint(segmenter)
        units = list(plan(paths, fingerprint))
        stats.files = len(units)
        stats.seconds_plan = time.perf_counter() - t

        t = time.perf_counter()
        extract_missing(units, cache, lambda: make_executor(workers, dask, segmenter), stats, progress)
        stats.seconds_extract = time.perf_counter() - t

        t = time.perf_counter()
        with atomic_writer(out / RECORDS_FILE) as fh:
            stream = _RecordStream(units, cache, fh, on_error)
            graph = resolve(stream, texts=stream.text, base_iri=base_iri)
            if not stream.count:
                raise ValueError("no article could be read from " + ", ".join(paths))
            stats.seconds_resolve = time.perf_counter() - t
            t = time.perf_counter()
            written = write_outputs(graph, out)
        os.chmod(out / RECORDS_FILE, 0o666 & ~_umask())
        written.append(out / RECORDS_FILE)
        stats.seconds_write = time.perf_counter() - t

        if own_cache:
            stats.pruned = cache.prune({u.key for u in units if u.key})
    finally:
        if tmp_cache:
            shutil.rmtree(tmp_cache, ignore_errors=True)
    stats.main_peak_rss = peak_rss()
    result = ScaleResult(graph, written, len(graph.articles), errors=[f"{w}: {r}" for w, r in stream.skipped],
                         seconds=time.perf_counter() - started, stats=stats, skipped=stream.skipped)
    return result


def build_from_args(args, on_error: Callable[[str], None] | None = None) -> ScaleResult:
    """``kg build`` PATH mode with the options :func:`add_arguments` defines (a missing model or an
    unreachable cluster becomes a ValueError: one line on stderr, exit status 1)."""
    from extract.model_store import ModelMissing
    from kg.parallel import WorkerDied

    if args.workers < 1:
        raise ValueError(f"--workers must be at least 1, not {args.workers}")
    try:
        return build_scaled(args.paths, args.out, workers=args.workers, dask=args.dask, cache_dir=args.cache,
                            use_cache=not args.no_cache, base_iri=args.base_iri, progress=args.progress,
                            on_error=on_error)
    except (ModelMissing, WorkerDied) as err:
        raise ValueError(str(err)) from None


def add_arguments(p) -> None:
    """The scale options of ``kg build`` (kept here so the command module stays a thin layer)."""
    p.add_argument("--workers", "-j", type=int, default=1, metavar="N",
                   help="extract in N worker processes (each loads the segmenter once); the output is "
                        "the same for any N (default 1: in this process)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="extract on a Dask distributed cluster: a scheduler address (tcp://host:8786) or "
                        "'local' for a LocalCluster of 2 worker processes (or --workers N); see docs/scale.md")
    p.add_argument("--cache", metavar="DIR",
                   help="record cache for incremental builds (default DIR/.cache of --out, pruned after "
                        "each build; a --cache folder may be shared by builds and is never pruned)")
    p.add_argument("--no-cache", action="store_true", help="extract everything again and keep no cache")
    p.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="always show the progress bar (default: on a terminal, for builds over 2 s)")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="never show the progress bar")


def print_error(line: str, prog: str = "kg build") -> None:
    """An error line that does not break a progress bar."""
    from tqdm import tqdm

    tqdm.write(f"{prog}: {line}", file=sys.stderr)
