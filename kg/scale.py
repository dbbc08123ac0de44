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
3. **Resolve** — every file's resolution fragments (:func:`kg.resolve.article_fragment`), in
   input order: kept from the previous build (``DIR/.kg-state/fragments``) or made from the cached
   records and texts; ``records.jsonl`` is written alongside (a block file: unchanged lines copied).
   :func:`kg.resolve.merge` joins them. Input order (never completion order) decides everything,
   so the records, IRIs and triples are the same whatever the number or kind of workers.
4. **Write** — every output of ``kg.build.WRITERS`` (N-Quads parts included), updated block by
   block from the previous build's files, staged and moved into place by :func:`kg.build.write_outputs`.

A re-run extracts only new or changed files; a changed article's old record is simply no longer
used (its key is gone), a deleted input drops out, and every output follows (docs/scale.md). The
default cache is ``DIR/.cache`` and entries no input uses any more are pruned after a successful
build; a cache given with ``--cache`` may be shared by several builds and is never pruned.
"""
from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from extract.lexicons import load_json
from kg.build import STATE_DIR, BuildResult, write_outputs
from kg.writers import FORMATS, parse_formats
from kg.cache import RecordCache, content_key, extractor_fingerprint, with_path
from kg.parallel import Item, extract_items, peak_rss
from kg.fragment_store import FragmentStore
from kg.progress import progress_bar
from kg.record import Record
from kg.resolve import DEFAULT_BASE_IRI, base_of, merge

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
    reused_fragments: int = 0  # input files whose resolution fragments came from the previous build
    outputs: dict = field(default_factory=dict)  # blocks made / copied, store quads changed (kg.build)
    timed_out: set[str] = field(default_factory=set)  # keys of files with an article over --doc-timeout
    partitions: int = 0  # partitioned resolution (kg/partitioned.py): how many; 0 = in this process
    resolve_peak_rss: int = 0  # the partitioned resolution's largest worker peak RSS, bytes


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

ARTICLES_PER_WORKER_START = 50  # a worker costs seconds to start: tiny re-runs start fewer


def make_executor(workers: int = 1, dask: str | None = None, segmenter: str = "pkuseg", articles: int | None = None):
    """In-process (1 worker), a process pool (N), or a Dask client (``dask`` = address or "local").

    With ``articles`` (how many are to be extracted) a process pool starts no more workers than one
    per ``ARTICLES_PER_WORKER_START`` articles: loading the model takes a worker seconds (and, on a
    small machine, the cores the other workers load on), more than 100 articles take to extract."""
    if dask:
        from kg.distributed import DaskExecutor

        return DaskExecutor(dask, segmenter, n_workers=workers if workers > 1 else 2)
    from kg.parallel import ProcessPool, executor

    if workers > 1 and articles is not None:
        per = int(os.environ.get("ZHENGWU_KG_ARTICLES_PER_WORKER", ARTICLES_PER_WORKER_START))
        needed = max(1, -(-articles // max(1, per)))
        if needed < workers:
            return ProcessPool(needed, segmenter)  # processes still: the model stays out of this one
    return executor(workers, segmenter)


def extract_missing(units: list[Unit], cache: RecordCache, executor_factory: Callable[[int], object],
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
        with executor_factory(bar.total) as ex:  # returns once the workers have loaded the model
            stats.seconds_startup = time.perf_counter() - started
            bar.reset(total=bar.total)  # rate and ETA from here on
            stats.backend = {"InProcess": "in-process", "ProcessPool": "process",
                             "DaskExecutor": "dask"}.get(type(ex).__name__, type(ex).__name__)
            stats.workers = ex.workers
            by_index = {u.index: u for u in todo.values()}
            for index, items, pid, rss in ex.run((u.index, u.path) for u in todo.values()):
                unit = by_index[index]
                cache.put(unit.key, unit.path, items)
                if any(it.get("timeout") for it in items):  # the budget, not the file, decided: retry next time
                    stats.timed_out.add(unit.key)
                stats.extracted_files += 1
                stats.extracted_articles += sum(1 for it in items if "record" in it)
                stats.worker_peak_rss[pid] = max(stats.worker_peak_rss.get(pid, 0), rss)
                bar.update(len(items))
                if len(items) != unit.articles:  # the estimate was off (e.g. a UTF-16 jsonl file)
                    bar.total += len(items) - unit.articles
    finally:
        bar.close()


# ------------------------------------------------------------------------------------ the build

FRAGMENTS_DIR = "fragments"  # in DIR/.kg-state: each input file's resolution fragments (kg/fragment_store.py)
_RESOLVER_CODE = ("kg/resolve.py", "kg/places.py", "kg/pinyin.py", "kg/graph.py", "kg/fragment_store.py",
                  "kg/titles.py", "extract/rules/titles.json")


def resolver_fingerprint(base_iri: str) -> str:
    """What a fragment depends on besides the record: the resolution code, its tables, the base IRI."""
    import hashlib
    from importlib import metadata
    from importlib.resources import files

    h = hashlib.sha256(base_iri.encode() + b"\0")
    for name in _RESOLVER_CODE:  # read as package resources: the same in a clone and in a wheel
        package, _, module = name.partition("/")
        h.update(name.encode() + b"\0" + files(package).joinpath(module).read_bytes() + b"\0")
    h.update(json.dumps(load_json("titles.json"), sort_keys=True, ensure_ascii=False).encode())  # (+ a user's)
    for dist in ("cpca", "pypinyin", "zhconv"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(dist.encode())
    return h.hexdigest()


class Resolution:
    """Step 3: every input's fragments in input order (from the previous build's state, or made from
    the cached records), with ``records.jsonl`` written alongside as a block file (kg/blocks.py):
    lines of unchanged files are copied from the previous one. Nothing per article is kept but the
    fragments, which :func:`kg.resolve.merge` needs anyway."""

    def __init__(self, out: Path, units: list[Unit], cache: RecordCache, base_iri: str,
                 on_error: Callable[[str], None] | None, reuse: bool = True, records: bool = True,
                 forget: set[str] = frozenset()) -> None:
        from kg.blocks import Index

        self.out, self.units, self.cache = out, units, cache
        self.base_iri = base_of(base_iri)
        self.on_error = on_error
        self.fingerprint = resolver_fingerprint(self.base_iri)
        self.store = FragmentStore(out / STATE_DIR / FRAGMENTS_DIR, self.fingerprint)
        self.reuse = reuse
        if reuse:  # the previous builds' fragments, found by key (only the keys are held)
            self.store.open()
            self.store.begin()
        self.forget = forget  # keys of files to extract again next time: their fragments are not kept
        self.mine: dict[str, tuple] = {}  # without reuse: this build's units (a file given twice)
        self.used: list[str] = []  # every input's key, in input order
        self.skipped: list[tuple[str, str]] = []
        self.count = 0
        self.reused = 0
        self.records_tmp = out / f".{RECORDS_FILE}.{os.getpid()}.tmp"
        self.records_old = Index.load(out / STATE_DIR / f"{RECORDS_FILE}.idx", out) if reuse and records else None
        self.records_index = None
        self.write_records = records  # records.jsonl (kg build --formats may leave it out)

    def fragments(self) -> Iterator:
        """Fragments in input order; ``records.jsonl`` is complete once this is exhausted."""
        import hashlib

        from kg.blocks import BlockSet, Stream
        from kg.resolve import Fragment, article_fragment, divisions

        table = divisions()
        writer = BlockSet([Stream(RECORDS_FILE, [self.records_tmp], [RECORDS_FILE])], self.records_old, self.out) \
            if self.write_records else _NoRecords()
        try:
            for u in self.units:
                if u.key is None:
                    errors, plain, items = [(it["where"], it["error"]) for it in with_path(u.items, u.path)], (), None
                elif u.key in self.mine or u.key in self.store:
                    errors, plain = self.mine.get(u.key) or self.store.get(u.key)
                    items = None
                    self.reused += 1
                else:
                    items = self.cache.get(u.key, "")
                    if items is None:
                        raise RuntimeError(f"{u.path}: its cache entry disappeared during the build ({self.cache.root})")
                    errs, made = [], []
                    for it in items:
                        if "error" in it:
                            errs.append((it.get("line"), it["error"]))
                        else:
                            made.append((it.get("line"), article_fragment(
                                Record.from_dict(it["record"]), it["text"], self.base_iri, table).to_plain()))
                    errors, plain = tuple(errs), tuple(made)
                    if not self.reuse:
                        self.mine[u.key] = (errors, plain)
                    elif u.key not in self.forget:
                        self.store.put(u.key, (errors, plain))
                if u.key is not None:
                    self.used.append(u.key)
                    errors = [(f"{u.path}:{line}" if line else u.path, reason) for line, reason in errors]
                for where, reason in errors:
                    self.skipped.append((where, reason))
                    if self.on_error:
                        self.on_error(f"{where}: {reason}")
                cached = [with_path(items, u.path)] if items is not None else []
                for n, (line, frag) in enumerate(plain):
                    where = f"{u.path}:{line}" if line else u.path
                    tag = hashlib.blake2b(f"{u.key}\0{n}\0{where}".encode(), digest_size=16).digest()
                    writer.add(where, tag, lambda _, n=n, u=u, cached=cached: self._record_line(cached, n, u))
                    self.count += 1
                    yield Fragment.from_plain(frag, path=where)
            writer.close()
        except BaseException:
            writer.abort()
            self.store.abort()
            self.records_tmp.unlink(missing_ok=True)
            raise
        self.records_index = writer

    def _record_line(self, cached: list, n: int, u: Unit) -> bytes:
        """Line ``n`` of ``u``'s records; ``cached`` holds the unit's items once read (fragments that
        came from the state read the record back from the cache, once per file)."""
        from kg.io import dump_jsonl_line

        if not cached:
            cached.append(self.cache.get(u.key, u.path) or [])
        records = [it for it in cached[0] if "record" in it]
        return dump_jsonl_line(records[n]["record"]).encode("utf-8")

    def publish_into(self, outputs, staging: Path) -> list[str]:
        """``kg.build.write_outputs`` extra: records.jsonl into the staging folder (and its index)."""
        os.chmod(self.records_tmp, 0o666 & ~_umask())
        os.replace(self.records_tmp, staging / RECORDS_FILE)
        w = self.records_index
        outputs.new_index(RECORDS_FILE, w.index(), [staging / RECORDS_FILE])
        outputs.stats[RECORDS_FILE] = w.made
        return [RECORDS_FILE]

    def save_fragments(self) -> None:
        """Keep this build's fragments for the next one (after the outputs are in place), except
        those of files to extract again next time."""
        self.store.commit(k for k in self.used if k not in self.forget)


class _NoRecords:
    """The records.jsonl writer when it is not wanted (``--formats`` without records)."""

    def add(self, *args) -> None:
        pass

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


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
                 progress: bool | None = None, on_error: Callable[[str], None] | None = None,
                 formats: frozenset[str] | None = None, partitions: int | str | None = None) -> ScaleResult:
    """Extract (in parallel, from the cache where possible), resolve and write every output.

    ``on_error`` gets one line per skipped file (or jsonl line), naming it and the reason. With no
    article at all nothing is written and ``ValueError`` is raised. ``formats``: the output names to
    write (:func:`kg.writers.parse_formats`; None: every one). ``partitions`` (a number, or "auto":
    one per 10,000 articles): resolve in that many partitions as tasks on the workers or the Dask
    cluster and write the outputs from them (kg/partitioned.py) — the same bytes, without the graph
    held in this process. See the module docstring.
    """
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
        extract_missing(units, cache, lambda n: make_executor(workers, dask, segmenter, n), stats, progress)
        stats.seconds_extract = time.perf_counter() - t

        t = time.perf_counter()
        records = formats is None or RECORDS_FILE in formats
        resolution = Resolution(out, units, cache, base_iri, on_error, reuse=use_cache, records=records,
                                forget=stats.timed_out)
        gc_was_on = gc.isenabled()
        gc.disable()  # millions of small acyclic objects: the cycle collector would only rescan them
        try:
            if partitions:
                graph = _resolve_partitioned(resolution, out, base_iri, partitions, workers, dask, stats)
            else:
                graph = merge(resolution.fragments(), base_iri)
            if not resolution.count:
                raise ValueError("no article could be read from " + ", ".join(paths))
            stats.seconds_resolve = time.perf_counter() - t
            stats.reused_fragments = resolution.reused
            t = time.perf_counter()
            written = write_outputs(graph, out, extra=resolution.publish_into if records else None,
                                    stats=stats.outputs, formats=formats)
            if use_cache:
                resolution.save_fragments()
        finally:
            if gc_was_on:
                gc.enable()
            resolution.store.abort()  # (nothing once saved)
            resolution.records_tmp.unlink(missing_ok=True)
        stats.seconds_write = time.perf_counter() - t

        if own_cache:
            stats.pruned = cache.prune({u.key for u in units if u.key})
    finally:
        for key in stats.timed_out:  # an article over the time budget is extracted again next build
            cache._file(key).unlink(missing_ok=True)
        if tmp_cache:
            shutil.rmtree(tmp_cache, ignore_errors=True)
    stats.main_peak_rss = peak_rss()
    result = ScaleResult(graph, written, len(graph.articles), errors=[f"{w}: {r}" for w, r in resolution.skipped],
                         seconds=time.perf_counter() - started, stats=stats, skipped=resolution.skipped)
    return result


PARTITIONS_DIR = "partitions"  # in DIR/.kg-state: the last partitioned build's resolved graph


def _resolve_partitioned(resolution: Resolution, out: Path, base_iri: str, partitions: int | str,
                         workers: int, dask: str | None, stats: ScaleStats):
    """Step 3 in partitions (kg/partitioned.py): a view of the graph the writers read from disk."""
    from kg.partitioned import GraphView, merge_partitioned, partitions_for, runner_for

    n = sum(u.articles for u in resolution.units)
    parts = partitions_for(n) if partitions == "auto" else int(partitions)
    with runner_for(workers, dask) as runner:
        resolved = merge_partitioned(resolution.fragments(), out / STATE_DIR / PARTITIONS_DIR, base_iri,
                                     partitions=parts, runner=runner)
    stats.partitions = parts
    stats.resolve_peak_rss = resolved.worker_peak_rss
    return GraphView(resolved)


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
                            on_error=on_error, formats=parse_formats(getattr(args, "formats", None)),
                            partitions=_partitions_arg(getattr(args, "partitions", None)))
    except (ModelMissing, WorkerDied) as err:
        raise ValueError(str(err)) from None


def _partitions_arg(value: str | None) -> int | str | None:
    if value is None or value == "auto":
        return value
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"--partitions must be a positive number or auto, not {value!r}")
    return n


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
    p.add_argument("--partitions", metavar="N|auto",
                   help="resolve in N partitions (auto: one per 10,000 articles) as tasks on the --workers "
                        "processes or the --dask cluster, and write the outputs from them without holding "
                        "the graph in this process: the same outputs, for corpora too big for one process's "
                        "memory (docs/scale.md)")
    p.add_argument("--formats", metavar="LIST",
                   help="outputs to write, comma-separated: " + ",".join(FORMATS) + " (default all); outputs "
                        "of other formats a previous build left in --out are removed")


def print_error(line: str, prog: str = "kg build") -> None:
    """An error line that does not break a progress bar."""
    from tqdm import tqdm

    tqdm.write(f"{prog}: {line}", file=sys.stderr)
