"""Extraction on a Dask distributed cluster (``kg build --dask ADDRESS|local``).

    with DaskExecutor("local") as ex:                 # LocalCluster: 2 worker processes, 1 thread each
        for index, items, pid, rss in ex.run(tasks):  # tasks: (index, path); results in any order
            ...

Each worker loads the segmenter once: :class:`ExtractorPlugin` (a ``WorkerPlugin``) builds the
worker's extractor when the worker joins, and tasks reuse it (:func:`kg.parallel.get_extractor`
is per process). The client reads each file and ships its *bytes* with the task (8 files per task,
so the scheduler is not the bottleneck on fast extraction), so workers need
the zhengwu-kg package and the pkuseg model (``kg setup``, or ``$ZHENGWU_KG_CACHE`` on shared
storage) but not the input files; a worker writes the bytes to a private temp file under the same
name and extracts it. Tasks are submitted through a bounded window (a few per worker), so neither
the client nor the scheduler holds the whole corpus. See docs/scale.md for real clusters.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from kg.parallel import Item, Result, Task, extract_items, get_extractor, peak_rss

WINDOW_PER_WORKER = 3  # batches in flight per worker
DEFAULT_BATCH = 8  # files per task


def _extract_bytes(name: str, data: bytes, segmenter: str, doc_timeout: float | None = None) -> tuple[list[Item], int, int]:
    """Runs on a worker: extract a file given as bytes (written to a temp file of the same name);
    ``doc_timeout`` is the client's per-document budget (remote workers do not share its environment)."""
    folder = tempfile.mkdtemp(prefix="kg-dask-")
    try:
        path = os.path.join(folder, os.path.basename(name) or "article.txt")
        with open(path, "wb") as fh:
            fh.write(data)
        items = extract_items(path, segmenter, doc_timeout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return items, os.getpid(), peak_rss()


def _extract_batch(files: list[tuple[int, str, bytes]], segmenter: str, doc_timeout: float | None = None) -> list[Result]:
    """Runs on a worker: several files in one task (fewer round trips through the scheduler)."""
    out = []
    for index, name, data in files:
        items, pid, rss = _extract_bytes(name, data, segmenter, doc_timeout)
        out.append((index, items, pid, rss))
    return out


def _plugin_class():
    from distributed import WorkerPlugin

    class ExtractorPlugin(WorkerPlugin):
        """Loads the worker's extractor once, when the worker starts (or when registered)."""

        name = "zhengwu-kg-extractor"

        def __init__(self, segmenter: str = "pkuseg") -> None:
            self.segmenter = segmenter

        def setup(self, worker) -> None:
            get_extractor(self.segmenter)

    return ExtractorPlugin


class DaskExecutor:
    """A dask.distributed client: ``address`` of a running scheduler, or ``"local"`` for a
    ``LocalCluster(n_workers, threads_per_worker=1, processes=True)`` on 127.0.0.1."""

    def __init__(self, address: str = "local", segmenter: str = "pkuseg", n_workers: int = 2,
                 batch: int = DEFAULT_BATCH) -> None:
        self.address = address
        self.segmenter = segmenter
        self.n_workers = n_workers
        self.batch = max(1, batch)
        self.client = None
        self.cluster = None

    @property
    def workers(self) -> int:
        if self.client is None:
            return self.n_workers
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def __enter__(self) -> "DaskExecutor":
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:  # pragma: no cover - the 'scale' extra
            raise RuntimeError("--dask needs dask.distributed: pip install 'zhengwu-kg[scale]'") from err
        if self.address == "local":
            from kg.parallel import ensure_model

            ensure_model(self.segmenter)
            self.cluster = LocalCluster(n_workers=self.n_workers, threads_per_worker=1, processes=True,
                                        host="127.0.0.1", dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            self.client = Client(self.address, timeout="30s")
        try:
            self.client.register_plugin(_plugin_class()(self.segmenter))
            self._check_workers()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _check_workers(self) -> None:
        """Refuse workers whose extractor differs from this client's (code, lexicons, libraries):
        their records would be cached under a fingerprint they were not made with."""
        from kg.cache import extractor_fingerprint

        mine = extractor_fingerprint(self.segmenter)
        theirs = self.client.run(extractor_fingerprint, self.segmenter)
        odd = sorted(w for w, fp in theirs.items() if fp != mine)
        if odd:
            raise ValueError(f"Dask workers {', '.join(odd)} run a different zhengwu-kg extractor (code, "
                             f"lexicons or library versions) than this client; install the same version "
                             f"and lexicons everywhere (see docs/scale.md)")

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        """Files go out in batches of ``batch`` (a few per worker in flight); results come back as
        batches finish. A batch is also the unit lost if the build is interrupted."""
        from distributed import as_completed

        from kg.pipeline import doc_timeout_default

        assert self.client is not None, "use DaskExecutor as a context manager"
        budget = doc_timeout_default()
        todo = iter(tasks)
        window = WINDOW_PER_WORKER * self.workers
        ac = as_completed()
        counter = 0

        def submit_one() -> bool:
            nonlocal counter
            batch = []
            for index, path in todo:
                batch.append((index, path, Path(path).read_bytes()))
                if len(batch) >= self.batch:
                    break
            if not batch:
                return False
            counter += 1
            ac.add(self.client.submit(_extract_batch, batch, self.segmenter, budget, pure=False,
                                      key=f"kg-extract-{os.getpid()}-{id(ac)}-{counter}"))
            return True

        for _ in range(window):
            if not submit_one():
                break
        for fut in ac:
            results = fut.result()
            fut.release()
            submit_one()
            yield from results
