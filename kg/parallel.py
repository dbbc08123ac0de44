"""Extraction in worker processes: the segmenter loaded once per worker, results in input order.

    from kg.parallel import extract_parallel
    for item in extract_parallel(["data/samples"], workers=2):   # plain dicts, input order
        ...  # {"where", "line", "record": {...}, "text": "..."} or {"where", "line", "error": "..."}

The unit of work is one input file (a ``.jsonl`` file is one task with all its lines). Workers are
started with the ``spawn`` context (no fork of a parent that may hold threads or a loaded model),
each runs :func:`_init_worker` once — which loads the segmenter and the component pipeline — and
then extracts file after file. Results travel as plain data (record dicts and texts), never as
``Document`` objects, and nothing is kept in a worker between files.

Scripts that call this from their top level need the usual ``if __name__ == "__main__":`` guard
(``spawn`` imports the main module in each worker).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
import time
from typing import Any, Iterable, Iterator, Sequence

Item = dict[str, Any]
Task = tuple[int, str]            # (index, path)
Result = tuple[int, list[Item], int, int]  # (index, items, worker pid, worker peak RSS in bytes)

_extractor = None  # the worker's Extractor (one per process)
_segmenter_name = "pkuseg"


def peak_rss() -> int:
    """This process's peak resident set size in bytes: Linux's VmHWM. (``ru_maxrss`` of a spawned
    worker starts at its parent's size when it was forked, before its exec: a big parent made every
    worker look as big.)"""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # (KiB on Linux)


def get_extractor(segmenter: str = "pkuseg"):
    """The process-wide Extractor (segmenter + pipeline), built on first use."""
    global _extractor
    if _extractor is None or _extractor.segmenter.name != segmenter:
        from kg.pipeline import default_extractor

        _extractor = default_extractor(segmenter)
    return _extractor


def _line_of(where: str, path: str) -> int | None:
    if where.startswith(path + ":"):
        tail = where[len(path) + 1:]
        return int(tail) if tail.isdigit() else None
    return None


def extract_items(path: str, segmenter: str = "pkuseg", doc_timeout: float | None = None) -> list[Item]:
    """What one file gives, in file order: a record (with its article text) or an error per item.

    The segmenter is loaded only if the file has an article (unreadable files need none). Each
    article has ``doc_timeout`` seconds (default ``$ZHENGWU_KG_DOC_TIMEOUT``, which ``kg build
    --doc-timeout`` sets and worker processes inherit; kg.pipeline.time_budget); one over it is an error item marked
    ``"timeout": True``, which the build does not keep in its cache (a rerun with more time retries it).
    """
    from extract.read import ReadError, iter_path
    from kg.pipeline import ExtractError, doc_timeout_default, extract_document

    budget = doc_timeout_default() if doc_timeout is None else doc_timeout
    items: list[Item] = []
    for doc in iter_path(path):
        if isinstance(doc, ReadError):
            items.append({"line": _line_of(doc.path, path), "error": doc.reason})
            continue
        result = extract_document(get_extractor(segmenter), doc, budget)  # as kg.pipeline.iter_records
        if isinstance(result, ExtractError):
            item: Item = {"line": doc.line, "error": result.reason}
            if result.timed_out:
                item["timeout"] = True
            items.append(item)
            continue
        items.append({"line": doc.line, "record": result.to_dict(), "text": doc.text})
    return items


# ------------------------------------------------------------------------------------ the pool

_init_error: BaseException | None = None


def _exit_with_parent() -> None:
    """A worker whose parent was killed (kill -9) exits instead of waiting for tasks forever."""
    parent = mp.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _init_worker(segmenter: str, ready=None) -> None:
    """Once per worker: ignore Ctrl-C (the parent handles it and stops the pool), watch the parent,
    load the model, say so on ``ready``. A failure is kept and raised by the first task (a failing
    pool initializer would make the pool restart workers forever)."""
    global _segmenter_name, _init_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    _segmenter_name = segmenter
    try:
        get_extractor(segmenter)
    except BaseException as err:  # noqa: BLE001 - re-raised in the parent through _work
        _init_error = err
    if ready is not None:
        ready.put(os.getpid())


def _work(task: Task) -> Result:
    if _init_error is not None:
        raise _init_error
    index, path = task
    items = extract_items(path, _segmenter_name)
    return index, items, os.getpid(), peak_rss()


def ensure_model(segmenter: str = "pkuseg") -> None:
    """Fetch (with a message) or refuse (ModelMissing) before workers start, not in each worker."""
    if segmenter != "pkuseg":
        return
    from extract.model_store import ModelMissing, missing_message, spacy_pipeline_dir

    if not (spacy_pipeline_dir() / "config.cfg").exists():
        if os.environ.get("ZHENGWU_KG_NO_FETCH"):
            raise ModelMissing(missing_message())
        from extract.model_store import fetch_pkuseg_model

        print("kg: the pkuseg model is not cached yet; fetching it once (see `kg setup`)", file=sys.stderr)
        fetch_pkuseg_model()


class WorkerDied(RuntimeError):
    """A worker process died (killed, out of memory, crashed) while extracting."""


class ProcessPool:
    """N spawned worker processes; :meth:`run` yields results as they finish (any order).

    Built on ``concurrent.futures.ProcessPoolExecutor`` so that a worker that dies (OOM killer,
    segfault, kill) fails the build with :class:`WorkerDied` instead of hanging it; the files
    finished before are in the cache and the next run resumes from there.
    """

    READY_TIMEOUT = 900.0  # seconds for every worker to load the model (a very busy machine)
    WINDOW_PER_WORKER = 8  # tasks in flight per worker (the rest are submitted as these finish)

    def __init__(self, workers: int, segmenter: str = "pkuseg") -> None:
        self.workers = workers
        self.segmenter = segmenter
        self._pool = None

    def __enter__(self) -> "ProcessPool":
        """Start the workers and return once each has loaded the model (so timings and the
        progress bar measure extraction, not start-up)."""
        import queue
        from concurrent.futures import ProcessPoolExecutor

        ensure_model(self.segmenter)
        ctx = mp.get_context("spawn")
        ready = ctx.Queue()
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker,
                                         initargs=(self.segmenter, ready))
        try:
            starts = [self._pool.submit(os.getpid) for _ in range(self.workers)]  # one task starts one worker
            ready_count, deadline = 0, time.monotonic() + self.READY_TIMEOUT
            while ready_count < self.workers and time.monotonic() < deadline:
                try:
                    ready.get(timeout=0.5)
                    ready_count += 1
                except queue.Empty:
                    failed = [f.exception() for f in starts if f.done() and f.exception() is not None]
                    if failed:  # a worker died while starting (bad environment, no memory, …)
                        raise WorkerDied(f"a worker process could not start: {failed[0]}")
            # past the deadline a slow worker just joins later: tasks wait for it
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if exc_type is not None:  # Ctrl-C or a failure: stop now, finished files are cached
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            pool.shutdown(wait=True)

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        assert self._pool is not None, "use ProcessPool as a context manager"
        todo = iter(tasks)
        pending: set = set()

        def fill() -> None:
            while len(pending) < self.WINDOW_PER_WORKER * self.workers:
                task = next(todo, None)
                if task is None:
                    return
                pending.add(self._pool.submit(_work, task))

        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                pending.discard(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool as err:
                    raise WorkerDied(f"a worker process died while extracting ({err}); the files finished "
                                     f"so far are cached: run the build again to resume") from None
                yield result
            fill()


class InProcess:
    """The same interface in this process (``--workers 1``): no pool, no pickling."""

    workers = 1

    def __init__(self, segmenter: str = "pkuseg") -> None:
        self.segmenter = segmenter

    def __enter__(self) -> "InProcess":
        get_extractor(self.segmenter)  # load the model before the first file (and the progress bar)
        return self

    def __exit__(self, *exc) -> None:
        return None

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        for index, path in tasks:
            yield index, extract_items(path, self.segmenter), os.getpid(), peak_rss()


def executor(workers: int = 1, segmenter: str = "pkuseg"):
    """``InProcess`` for one worker, else a ``ProcessPool`` of ``workers`` processes."""
    return InProcess(segmenter) if workers <= 1 else ProcessPool(workers, segmenter)


def in_order(results: Iterable[tuple[int, Any]], start: int = 0) -> Iterator[tuple[int, Any]]:
    """Results that arrive in any order, given back by index (0, 1, 2 …) as soon as possible."""
    pending: dict[int, Any] = {}
    nxt = start
    for index, value in results:
        pending[index] = value
        while nxt in pending:
            yield nxt, pending.pop(nxt)
            nxt += 1
    for index in sorted(pending):  # indices that were skipped: give the rest in order
        yield index, pending[index]


def extract_parallel(paths: Sequence[str], workers: int = 2, segmenter: str = "pkuseg") -> Iterator[Item]:
    """Every article (or error) under ``paths`` as plain dicts, in input order, extracted by
    ``workers`` processes; the same items whatever ``workers`` is. Each dict has ``where`` (the
    file, or ``file:line`` for jsonl) and either ``record`` + ``text`` or ``error``."""
    from extract.read import ReadError, expand_paths

    tasks: list[Task] = []
    order: list[tuple[str, Any]] = []
    for p in expand_paths(paths):
        if isinstance(p, ReadError):
            order.append(("error", {"where": p.path, "line": None, "error": p.reason}))
        else:
            order.append(("task", len(tasks)))
            tasks.append((len(tasks), p))
    with executor(workers, segmenter) as ex:
        results = in_order(((i, items) for i, items, _pid, _rss in ex.run(tasks)))
        for kind, value in order:
            if kind == "error":
                yield value
                continue
            index, items = next(results)
            assert index == value
            path = tasks[index][1]
            for it in items:
                yield {"where": f"{path}:{it['line']}" if it.get("line") else path, **it}
