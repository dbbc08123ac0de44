"""A read-only SPARQL 1.1 Protocol endpoint over a build's Oxigraph store (ASGI: Starlette + uvicorn).

    app = create_app("out", timeout=30, max_results=10_000, workers=2)
    serve("out", host="127.0.0.1", port=7878)

``/sparql`` answers GET (``?query=``) and POST (form ``query=`` or a direct
``application/sparql-query`` body), with ``default-graph-uri``/``named-graph-uri``; results in
JSON/XML/CSV/TSV (SELECT, ASK) or Turtle/JSON-LD/N-Triples/RDF-XML (CONSTRUCT, DESCRIBE) by
``Accept`` (or ``?format=``). Updates get 403; a query that does not parse gets 400 with the parser's
message; one that runs past the timeout gets 503; at most ``max_results`` rows are returned
(``X-SPARQL-Truncated: true`` says more were found).

The analyst's workbench (kg/workbench.py, docs/workbench.md): ``/`` is YASGUI (vendored in
kg/static/yasgui, no CDN) with the cookbook as tabs; ``/entity?iri=…`` is an entity's page (labels,
posts, relations with evidence, articles) and ``/entity/ego?iri=…`` its ego network (the viz ego
view), both read through the query workers with capped queries; ``/static/`` the scripts and styles.
Pages carry a strict Content-Security-Policy. A rebuild (``kg build`` switching ``DIR/store``) is
picked up by the next query; queries running finish on the store they started on.

Hostile clients (docs/security.md): no SERVICE calls unless ``allow_service`` names the host; no
CORS headers unless ``cors`` names the origin; Host headers other than the loopback names, the bound
address and ``allow_hosts`` get 400 (DNS rebinding); each query gets ``timeout`` seconds from its
arrival (queueing included) and ``max_query_memory`` MB (503 past either); a query whose client
hangs up is stopped; brackets nested deeper than 200 get 400; bodies over ``max_body`` get 413, URLs
over ``max_url`` 414, text that is not UTF-8 400. All query text is read inside the workers.

Why not ``oxigraph serve-read-only``: it has no per-query timeout or result cap, its query page
loads YASGUI from a CDN (we must work offline), and its refusals are not ours to word. Queries run in
worker *processes*, each with the store opened read-only: a runaway query is stopped by ending its
process (a thread cannot be interrupted inside Oxigraph's evaluation), and a new worker takes its place.
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable, Sequence
from urllib.parse import unquote_to_bytes

from loaders.sparql_store import GRAPH_FORMATS, RESULT_FORMATS, split_authority, store_path

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESULTS = 10_000

_ACCEPT_RESULTS = {
    "application/sparql-results+json": "json", "application/json": "json", "text/javascript": "json",
    "application/javascript": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
_ACCEPT_GRAPHS = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld", "application/json": "jsonld", "application/n-triples": "ntriples",
    "text/plain": "ntriples", "application/rdf+xml": "rdfxml", "application/xml": "rdfxml",
}
_FORMAT_ALIASES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "turtle", "ttl": "turtle",
                   "jsonld": "jsonld", "json-ld": "jsonld", "nt": "ntriples", "ntriples": "ntriples",
                   "rdfxml": "rdfxml"}


def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> str:
    """The format to answer in: ``?format=`` first, then the best ``Accept`` entry; else the default."""
    table = _ACCEPT_GRAPHS if kind == "graph" else _ACCEPT_RESULTS
    default = "turtle" if kind == "graph" else "json"
    if format_param:
        fmt = _FORMAT_ALIASES.get(format_param.lower())
        valid = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
        if fmt in valid:
            return fmt
    best: tuple[float, int, str] | None = None
    for i, part in enumerate((accept or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        fmt = table.get(media)
        if fmt is None or q <= 0:
            continue
        if best is None or (q, -i) > (best[0], best[1]):
            best = (q, -i, fmt)
    return best[2] if best else default


def media_type(kind: str, fmt: str) -> str:
    if kind == "graph":
        media = GRAPH_FORMATS[fmt][0]
    else:
        media = RESULT_FORMATS[fmt]
    return media + "; charset=utf-8"


# ----------------------------------------------------------------------------------- worker pool

DEFAULT_MAX_QUERY_MEMORY = 1024  # MB per query worker
STORE_POLL = 1.0  # seconds between looks at the store pointer when no request comes (rebuilds)
POLL = 0.1  # seconds between looks at a waiting request's client and deadline
# What a worker that ran out of memory leaves on stderr: Rust's allocation-failure abort (Oxigraph),
# C++'s (RocksDB), or Python's own error.
_OUT_OF_MEMORY = (b"memory allocation of", b"std::bad_alloc", b"MemoryError")


def _limit_memory(megabytes: int) -> None:
    """Cap this process's memory so that a runaway query fails an allocation (Oxigraph then aborts
    the worker) instead of growing until the machine swaps. Linux's RLIMIT_DATA counts the heap and
    private mappings, not the store's memory-mapped files; RLIMIT_AS elsewhere."""
    if megabytes <= 0:
        return
    try:
        import resource
    except ImportError:  # not POSIX: unbounded, as documented
        return
    which = resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS
    _, hard = resource.getrlimit(which)
    want = megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(which, (want, hard))


def _worker_main(path: str, conn: Any, err: Any, settings: dict[str, Any]) -> None:
    """One query at a time against the store opened read-only; answers (status, ...) tuples.
    Its stderr goes to ``err`` so the parent can tell why it died, if it does."""
    os.dup2(err.fileno(), 2)
    err.close()
    _limit_memory(settings["memory_mb"])
    from loaders.sparql_store import (QueryError, QueryRefused, UpdateRefused, check_query, is_update, open_store,
                                      run_query, serialize)

    try:
        store = open_store(path)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which refuses to start
        conn.send(("dead", str(exc)))
        return
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            if is_update(job["query"]):
                raise UpdateRefused("SPARQL updates are refused: this endpoint is read-only")
            check_query(job["query"], allow_service=settings["allow_service"])  # before Oxigraph parses it
            result = run_query(store, job["query"], limit=job["limit"], default_graph_uris=job["default"],
                               named_graph_uris=job["named"])
            fmt = negotiate(result.kind, job["accept"], job["format"])
            conn.send(("ok", media_type(result.kind, fmt), serialize(result, fmt), result.truncated))
        except UpdateRefused as exc:
            conn.send(("update", str(exc)))
        except QueryRefused as exc:
            conn.send(("refused", str(exc)))
        except QueryError as exc:
            conn.send(("syntax", str(exc)))
        except MemoryError:
            conn.send(("memory",))
            return
        except Exception as exc:  # noqa: BLE001 - a query error the engine found while running
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    """A query process, its pipe, and the tail of its stderr (forwarded to ours as it comes)."""

    def __init__(self, ctx: Any, path: str, settings: dict[str, Any]) -> None:
        self.store = path  # the store folder it opened (a rebuild publishes a new one: QueryPool.check_store)
        self.conn, child = ctx.Pipe()
        err_read, err_write = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_worker_main, args=(path, child, err_write, settings), daemon=True)
        self.process.start()
        child.close()
        err_write.close()
        self._tail = bytearray()
        self._lock = threading.Lock()
        self._drain = threading.Thread(target=self._forward, args=(err_read,), daemon=True)
        self._drain.start()
        try:
            if not self.conn.poll(60):
                raise RuntimeError("a query worker did not start within 60 s")
            status = self.conn.recv()
        except EOFError:
            self.stop()
            raise RuntimeError("a query worker stopped while opening the store: "
                               + self.last_words().decode("utf-8", "replace")) from None
        except RuntimeError:
            self.stop()
            raise
        if status[0] != "ready":
            self.stop()
            raise RuntimeError(f"a query worker could not open the store: {status[1]}")

    def _forward(self, reader: Any) -> None:
        fd = reader.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            with self._lock:
                self._tail += chunk
                del self._tail[:-4096]
            try:
                sys.stderr.write(chunk.decode("utf-8", "replace"))
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
        reader.close()

    def begin(self) -> None:
        """A new job: what the worker said before is not about it."""
        with self._lock:
            self._tail.clear()

    def last_words(self) -> bytes:
        with self._lock:
            return bytes(self._tail)

    def out_of_memory(self) -> bool:
        """Whether the (stopped) worker died for want of memory, from what it last wrote."""
        tail = self.last_words()
        return any(mark in tail for mark in _OUT_OF_MEMORY)

    def close(self) -> None:
        """Let the worker close its store and exit (it is idle), then stop it."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(5)
        self.stop()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        self._drain.join(2)  # its stderr is read to the end once the process is gone


@dataclass
class Answer:
    status: int
    media: str
    body: bytes
    headers: dict[str, str]


def _text(status: int, message: str, **headers: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"), dict(headers))


_GONE = _text(499, "the client went away")  # never delivered; nginx's number for it


def live_store(pointer: str) -> str:
    """The store folder ``pointer`` leads to now: ``DIR/store`` is a symlink that ``kg build`` switches
    in one step (kg/publish.py), so resolving it names one complete build's store."""
    return os.path.realpath(pointer)


def _is_store(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "CURRENT"))


class QueryPool:
    """Worker processes running queries, each within a time budget that starts when the request
    arrives (waiting for a free worker counts) and a memory cap per worker. A worker whose query
    runs out of time or memory, or whose client leaves, is ended and a new one started.

    Rebuilds: every request first resolves the store pointer (:meth:`check_store`, a few syscalls).
    When ``kg build`` has switched it to a new store, idle workers of the old one are closed and
    replaced by workers on the new one; a worker busy on the old store finishes its query there
    (it keeps the store open, so the folder the build deletes stays readable to it) and is then
    closed instead of being handed the next query."""

    def __init__(self, path: str, *, workers: int = 2, timeout: float = DEFAULT_TIMEOUT,
                 max_results: int = DEFAULT_MAX_RESULTS, max_memory: int = DEFAULT_MAX_QUERY_MEMORY,
                 allow_service: Sequence[str] = ()) -> None:
        self.path = path
        self.current = live_store(path)  # the store new queries go to
        self.switches = 0  # how many rebuilds were picked up
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_results = max_results
        self.max_memory = max_memory
        self._settings = {"memory_mb": max_memory, "allow_service": list(allow_service)}
        self._ctx = mp.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._spawning: set[asyncio.Task[None]] = set()
        self._stopped = False

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        self.current = live_store(self.path)
        workers = await asyncio.gather(*[loop.run_in_executor(None, _Worker, self._ctx, self.current, self._settings)
                                         for _ in range(self.size)])
        for w in workers:
            self._all.add(w)
            self._idle.put_nowait(w)

    async def stop(self) -> None:
        self._stopped = True
        for task in list(self._spawning):
            task.cancel()
        for w in list(self._all):
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
            w.stop()
        self._all.clear()

    async def run(self, query: str, *, accept: str | None, fmt: str | None, default: list[str], named: list[str],
                  gone: Callable[[], Awaitable[bool]] | None = None) -> Answer:
        """Run ``query`` on a free worker within the time budget; ``gone()`` tells whether the client
        has left, in which case the query is abandoned (and its worker replaced)."""
        assert self._idle is not None, "pool not started"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        self.check_store()
        while True:
            worker, why = await self._acquire(deadline, gone)
            if worker is None or worker.store == self.current:
                break
            self._recycle(worker)  # it was idle on a store a rebuild replaced
        if worker is None:
            if why == "gone":
                return _GONE
            return _text(503, f"query timed out after {self.timeout:g} s waiting for a free query worker (the "
                              "server's per-query limit counts waiting and running); try again later",
                         **{"Retry-After": "1"})
        job = {"query": query, "accept": accept, "format": fmt, "default": default, "named": named,
               "limit": self.max_results}
        worker.begin()
        try:
            worker.conn.send(job)
            why = await self._wait(worker, deadline, gone)
            if why != "ready":
                await self._retire(worker)
                if why == "gone":
                    return _GONE
                return _text(503, f"query timed out after {self.timeout:g} s (the server's per-query limit)",
                             **{"Retry-After": "1"})
            reply = await loop.run_in_executor(None, worker.conn.recv)
        except (EOFError, OSError, ValueError):  # the worker died under the query
            if await self._retire(worker):
                return self._memory_answer()
            return _text(500, "the query worker stopped unexpectedly; try again")
        except BaseException:  # cancelled (shutting down): never hand back a worker that may be busy
            self._discard(worker)
            raise
        kind = reply[0]
        if kind == "memory":
            await self._retire(worker)
            return self._memory_answer()
        self._release(worker)
        if kind == "ok":
            headers = {"X-SPARQL-Truncated": "true", "X-SPARQL-Result-Cap": str(self.max_results)} if reply[3] else {}
            return Answer(200, reply[1], reply[2], headers)
        if kind == "update":
            return _text(403, reply[1])
        if kind in ("syntax", "refused"):
            return _text(400, reply[1])
        return _text(400, f"query failed: {reply[1]}")

    def check_store(self) -> bool:
        """Switch new queries to the store the pointer leads to now, if a rebuild changed it (and the
        new folder is a store); True if it switched. Idle workers of the old store are closed."""
        target = live_store(self.path)
        if target == self.current or not _is_store(target):
            return False
        self.current = target
        self.switches += 1
        if self._idle is not None:
            idle = []
            while not self._idle.empty():
                idle.append(self._idle.get_nowait())
            for w in idle:
                if w.store == self.current:
                    self._idle.put_nowait(w)
                else:
                    self._recycle(w)
        return True

    def _release(self, worker: _Worker) -> None:
        """A worker that answered goes back to the idle queue, unless its store was replaced meanwhile."""
        assert self._idle is not None
        if worker.store == self.current and worker in self._all:
            self._idle.put_nowait(worker)
        else:
            self._recycle(worker)

    def _recycle(self, worker: _Worker) -> None:
        """Close an idle worker of a replaced store (in the background) and start one on the current store."""
        if worker in self._all:
            self._all.discard(worker)
            self._replace_later()
        asyncio.get_running_loop().run_in_executor(None, worker.close)

    def _memory_answer(self) -> Answer:
        return _text(503, f"query exceeded the memory limit ({self.max_memory} MB per query; the server's "
                          "--max-query-memory): narrow it, or add LIMIT")

    async def _acquire(self, deadline: float, gone: Callable[[], Awaitable[bool]] | None
                       ) -> tuple[_Worker | None, str]:
        """The next free worker (first come, first served), or (None, "timeout" | "gone")."""
        assert self._idle is not None
        loop = asyncio.get_running_loop()
        getter = asyncio.ensure_future(self._idle.get())
        why = ""
        try:
            while True:
                if getter.done():
                    return getter.result(), ""
                remaining = deadline - loop.time()
                if remaining <= 0:
                    why = "timeout"
                    break
                await asyncio.wait({getter}, timeout=min(POLL, remaining))
                if not getter.done() and gone is not None and await gone():
                    why = "gone"
                    break
        except BaseException:
            why = "cancelled"
            raise
        finally:
            if why:  # not taking a worker: one that arrived meanwhile goes back
                if getter.done() and not getter.cancelled():
                    self._idle.put_nowait(getter.result())
                else:
                    getter.cancel()
        return None, why

    async def _wait(self, worker: _Worker, deadline: float, gone: Callable[[], Awaitable[bool]] | None) -> str:
        """Until the worker answers ("ready"), the deadline passes ("timeout") or the client leaves ("gone")."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        try:
            loop.add_reader(fd, wake)
            watching = True
        except NotImplementedError:  # an event loop without add_reader: poll the pipe instead
            watching = False
        try:
            while True:
                if ready.done() or (not watching and worker.conn.poll(0)):
                    return "ready"
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return "timeout"
                await asyncio.wait({ready}, timeout=min(POLL, remaining))
                if not ready.done() and gone is not None and await gone():
                    return "gone"
        finally:
            if watching:
                loop.remove_reader(fd)

    async def _retire(self, worker: _Worker) -> bool:
        """End ``worker`` and start a replacement in the background; True if it died of memory."""
        if worker in self._all:  # once only: each worker is replaced by exactly one
            self._all.discard(worker)
            self._replace_later()
        await asyncio.get_running_loop().run_in_executor(None, worker.stop)
        return worker.out_of_memory()

    def _discard(self, worker: _Worker) -> None:
        """:meth:`_retire` without waiting (the request is being cancelled)."""
        if worker in self._all:
            self._all.discard(worker)
            self._replace_later()
        worker.process.kill()
        asyncio.get_running_loop().run_in_executor(None, worker.stop)

    def _replace_later(self) -> None:
        if self._stopped:
            return
        task = asyncio.get_running_loop().create_task(self._spawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        delay = 0.5
        while not self._stopped:
            self.check_store()
            try:
                fresh = await loop.run_in_executor(None, _Worker, self._ctx, self.current, self._settings)
            except RuntimeError as exc:
                print(f"kg serve: could not start a query worker ({exc}); retrying in {delay:g} s",
                      file=sys.stderr, flush=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            if self._stopped:
                await loop.run_in_executor(None, fresh.stop)
                return
            assert self._idle is not None
            self._all.add(fresh)
            self._idle.put_nowait(fresh)
            return


# ------------------------------------------------------------------------------------------ app

QUERY_FORM = "application/x-www-form-urlencoded"
DEFAULT_MAX_BODY = 1 << 20  # bytes
DEFAULT_MAX_URL = 16 * 1024  # bytes of path and query string
_HEAD_ALLOWANCE = 32 * 1024  # bytes of headers on top of the URL before uvicorn stops buffering a request head
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def _unquote(data: bytes) -> str:
    return unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8")


def form_fields(data: bytes) -> dict[str, list[str]]:
    """``a=1&b=2`` (a query string or a form body) with escapes decoded as strict UTF-8: bytes that
    are not UTF-8 raise UnicodeDecodeError instead of reaching the query as U+FFFD."""
    out: dict[str, list[str]] = {}
    for part in data.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            out.setdefault(_unquote(name), []).append(_unquote(value))
    return out


class HostCheck:
    """The Host headers the endpoint answers: the loopback names and the address it is bound to, at
    its port, plus ``--allow-host`` names (``NAME`` at any port, or ``NAME:PORT``). A page on
    attacker.example whose DNS is re-pointed at 127.0.0.1 (DNS rebinding) still sends
    ``Host: attacker.example``, and is refused."""

    def __init__(self, host: str, port: int | None, allow_hosts: Iterable[str] = ()) -> None:
        self.names = set(LOOPBACK_NAMES)
        bound = split_authority(host)
        if bound:
            self.names.add(bound[0])
        self.port = port
        self.extra = []
        for entry in allow_hosts:
            hp = split_authority(entry)
            if hp is None:
                raise ValueError(f"--allow-host {entry!r}: expected NAME or NAME:PORT")
            self.extra.append(hp)

    def accepts(self, value: str | None) -> bool:
        if value is None:  # HTTP/1.0 without Host: not a browser
            return True
        hp = split_authority(value)
        if hp is None:
            return False
        host, port = hp
        if host in self.names and (self.port is None or port == self.port or (port is None and self.port == 80)):
            return True
        return any(host == h and p in (None, port) for h, p in self.extra)


class _Guard:
    """Before anything else: a Host header not ours gets 400, a URL over ``max_url`` bytes 414."""

    def __init__(self, app: Any, *, hosts: HostCheck, max_url: int) -> None:
        self.app = app
        self.hosts = hosts
        self.max_url = max_url

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            from starlette.responses import Response

            host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), None)
            problem = None
            if not self.hosts.accepts(host):
                problem = _text(400, f"Host header {host!r} is refused: this endpoint answers only to "
                                     f"{', '.join(sorted(self.hosts.names))} at its port and the names given with "
                                     "--allow-host (a guard against DNS rebinding); start kg serve with "
                                     "--allow-host NAME to serve it under another name")
            elif len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > self.max_url:
                problem = _url_too_long(self.max_url)
            if problem:
                await Response(problem.body, status_code=problem.status, media_type=problem.media)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _url_too_long(max_url: int) -> Answer:
    return _text(414, f"request URL longer than {max_url} bytes (the server's --max-url): POST the query "
                      "instead (form or application/sparql-query body)")


def create_app(location: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT,
               max_results: int = DEFAULT_MAX_RESULTS, workers: int = 2, host: str = "127.0.0.1",
               port: int | None = None, allow_hosts: Sequence[str] = (), cors: Sequence[str] = (),
               allow_service: Sequence[str] = (), max_query_memory: int = DEFAULT_MAX_QUERY_MEMORY,
               max_body: int = DEFAULT_MAX_BODY, max_url: int = DEFAULT_MAX_URL):
    """The ASGI app. ``host``/``port`` are where it is served (the Host check; ``port=None``
    accepts any port); ``cors`` the browser origins that may read answers (none by default,
    ``"*"`` for all); ``allow_service`` the hosts SERVICE may call (none by default)."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Mount, Route

    from kg import workbench as wb

    path = str(store_path(location))
    pool = QueryPool(path, workers=workers, timeout=timeout, max_results=max_results, max_memory=max_query_memory,
                     allow_service=allow_service)
    info = wb.BuildInfo(Path(location))
    title = f"zhengwu-kg SPARQL — {Path(location).resolve().name}"
    limits = {"max_results": max_results, "timeout": f"{timeout:g}"}
    examples = {"example": _EXAMPLE, **cookbook()}
    pages: dict[Any, str] = {}
    ego_cache: dict[tuple[str, str], tuple[str, str]] = {}
    ego_slots = asyncio.Semaphore(2)  # ego networks drawn at once (each is a layout and a ~0.7 MB page)
    has_viz = wb.ego_available()
    read_only = _text(403, "SPARQL updates are refused: this endpoint is read-only")

    def respond(a: Answer) -> Response:
        return Response(a.body, status_code=a.status, media_type=a.media, headers=a.headers)

    def html_page(text: str, csp: str, frame: str = "DENY") -> Response:
        return HTMLResponse(text, headers={"Content-Security-Policy": csp, "X-Frame-Options": frame, **wb.PAGE_HEADERS})

    def page() -> Response:
        """The workbench, rendered again when a rebuild changed the base IRI or prefixes."""
        info.refresh()
        key = (info.base_iri, tuple(sorted(info.prefixes.items())))
        if key not in pages:
            pages.clear()
            default = wb.prefix_declarations(info.prefixes) + "\nSELECT * WHERE {\n  ?s ?p ?o .\n} LIMIT 10\n"
            pages[key] = wb.workbench_page(info, title, examples, default, limits)
        return html_page(pages[key], wb.WORKBENCH_CSP)

    class _Failed(Exception):
        def __init__(self, answer: Answer) -> None:
            self.answer = answer

    def asker(request: Request) -> wb.Ask:
        async def ask(query: str) -> wb.Bindings:
            a = await pool.run(query, accept="application/sparql-results+json", fmt="json", default=[], named=[],
                               gone=request.is_disconnected)
            if a.status != 200:
                raise _Failed(a)
            return wb.Rows(json.loads(a.body)["results"]["bindings"], truncated="X-SPARQL-Truncated" in a.headers)
        return ask

    def entity_iri(request: Request) -> tuple[str | None, Response | None]:
        try:
            params = form_fields(request.scope.get("query_string", b""))
        except UnicodeDecodeError:
            return None, respond(_text(400, "the URL's query string is not valid UTF-8"))
        try:
            iri = wb.check_iri((params.get("iri") or [None])[0])
        except wb.NotAnIri as exc:
            return None, respond(_text(400, f"{exc}: give /entity?iri=IRI (percent-encoded)"))
        base = info.base_iri
        if base and not iri.startswith(base):
            return None, respond(_text(404, f"{iri} is not an entity of this graph (its IRIs start with {base})"))
        return iri, None

    def unknown(iri: str) -> Response:
        return respond(_text(404, f"no entity {iri} in this graph"))

    async def read_body(request: Request) -> bytes | None:
        """The body, or None past ``max_body`` bytes (refused on Content-Length, unread)."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_body:
            return None
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def sparql(request: Request) -> Response:
        try:
            params = form_fields(request.scope.get("query_string", b""))
        except UnicodeDecodeError:
            return respond(_text(400, "the URL's query string is not valid UTF-8 (percent-encode the UTF-8 bytes)"))
        query = (params.get("query") or [None])[0]
        default = params.get("default-graph-uri", [])
        named = params.get("named-graph-uri", [])
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return respond(read_only)
            if ctype not in (QUERY_FORM, "application/sparql-query"):
                return respond(_text(415, "POST a form (application/x-www-form-urlencoded) with query=…, "
                                          "or a query body as application/sparql-query"))
            body = await read_body(request)
            if body is None:
                return respond(_text(413, f"request body larger than {max_body} bytes (the server's --max-body)"))
            try:
                if ctype == QUERY_FORM:  # percent-encoded UTF-8, the protocol's form encoding
                    # a large form is decoded off the event loop, so that it cannot stall other clients
                    form = form_fields(body) if len(body) < 65536 else \
                        await asyncio.get_running_loop().run_in_executor(None, form_fields, body)
                    if "update" in form:
                        return respond(read_only)
                    query = (form.get("query") or [None])[0]
                    default = form.get("default-graph-uri") or default
                    named = form.get("named-graph-uri") or named
                else:
                    query = body.decode("utf-8")
            except UnicodeDecodeError:
                return respond(_text(400, "the request body is not valid UTF-8"))
        elif "update" in params:
            return respond(read_only)
        if not query or not query.strip():
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                return page()
            return respond(_text(400, "missing query: send ?query=… (GET) or a query form/body (POST)"))
        answer = await pool.run(query, accept=request.headers.get("accept"), fmt=(params.get("format") or [None])[0],
                                default=default, named=named, gone=request.is_disconnected)
        return respond(answer)

    async def index(request: Request) -> Response:
        return page()

    async def entity(request: Request) -> Response:
        iri, problem = entity_iri(request)
        if problem is not None:
            return problem
        try:
            ent = await wb.load_entity(asker(request), iri)
        except _Failed as f:
            return respond(f.answer)
        if ent is None:
            return unknown(iri)
        return html_page(wb.entity_page(ent, base=info.base_iri, prefixes=info.prefixes, ego_available=has_viz),
                         wb.ENTITY_CSP)

    async def ego(request: Request) -> Response:
        iri, problem = entity_iri(request)
        if problem is not None:
            return problem
        if not has_viz:
            return respond(_text(501, "the ego network needs the viz extra: pip install 'zhengwu-kg[viz]'"))
        pool.check_store()
        key = (pool.current, iri)
        if key not in ego_cache:
            try:
                ent = await wb.load_entity(asker(request), iri, ego=True)
            except _Failed as f:
                return respond(f.answer)
            if ent is None or not ent.is_entity:
                return unknown(iri)
            async with ego_slots:
                drawn = await asyncio.get_running_loop().run_in_executor(None, wb.ego_page, ent)
            while len(ego_cache) >= 16:
                ego_cache.pop(next(iter(ego_cache)))
            ego_cache[key] = drawn
        text, csp = ego_cache[key]
        return html_page(text, csp, frame="SAMEORIGIN")

    async def follow_rebuilds() -> None:
        """Between requests too, look at the store pointer once a second: after a rebuild the old
        store's workers are closed (freeing its deleted files) and new ones started before the next query."""
        while True:
            await asyncio.sleep(STORE_POLL)
            try:
                pool.check_store()
            except OSError as exc:  # a folder being replaced under us: the next look will do
                print(f"kg serve: could not look at the store pointer ({exc})", file=sys.stderr, flush=True)

    @asynccontextmanager
    async def lifespan(app):  # noqa: ANN001
        await pool.start()
        poller = asyncio.get_running_loop().create_task(follow_rebuilds())
        try:
            yield
        finally:
            poller.cancel()
            await pool.stop()

    middleware = [Middleware(_Guard, hosts=HostCheck(host, port, allow_hosts), max_url=max_url)]
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors), allow_methods=["GET", "POST", "OPTIONS"],
                                     allow_headers=["Accept", "Content-Type"],
                                     expose_headers=["X-SPARQL-Truncated", "X-SPARQL-Result-Cap"]))
    app = Starlette(routes=[Route("/sparql", sparql, methods=["GET", "POST"]), Route("/", index, methods=["GET"]),
                            Route("/entity", entity, methods=["GET"]), Route("/entity/ego", ego, methods=["GET"]),
                            Mount("/static", app=wb.static_files(), name="static")],
                    middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    return app


def h11_protocol(max_url: int = DEFAULT_MAX_URL) -> type:
    """uvicorn's h11 protocol, but a request head too big for its buffer gets 414 (a long URL) or
    431 (long headers) with a message, where uvicorn would say only "Invalid HTTP request"."""
    from http import HTTPStatus

    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            limit = self.config.h11_max_incomplete_event_size
            pending = self.conn.trailing_data[0]
            if limit is None or len(pending) <= limit:
                return super().send_400_response(msg)
            line_end = pending.find(b"\n")
            if line_end < 0 or line_end > limit:
                answer = _url_too_long(max_url)
            else:
                answer = _text(431, "request headers too large")
            for event in (h11.Response(status_code=answer.status, reason=HTTPStatus(answer.status).phrase.encode(),
                                       headers=[(b"content-type", answer.media.encode()), (b"connection", b"close")]),
                          h11.Data(data=answer.body), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event))
            self.transport.close()

    return Protocol


def serve(location: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 7878,
          timeout: float = DEFAULT_TIMEOUT, max_results: int = DEFAULT_MAX_RESULTS, workers: int = 2,
          log_level: str = "warning", allow_hosts: Sequence[str] = (), cors: Sequence[str] = (),
          allow_service: Sequence[str] = (), max_query_memory: int = DEFAULT_MAX_QUERY_MEMORY,
          max_body: int = DEFAULT_MAX_BODY, max_url: int = DEFAULT_MAX_URL) -> None:
    import uvicorn

    app = create_app(location, timeout=timeout, max_results=max_results, workers=workers, host=host, port=port,
                     allow_hosts=allow_hosts, cors=cors, allow_service=allow_service,
                     max_query_memory=max_query_memory, max_body=max_body, max_url=max_url)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False, http=h11_protocol(max_url),
                h11_max_incomplete_event_size=max_url + _HEAD_ALLOWANCE)


# ------------------------------------------------------------------------------------ query page

def cookbook(folder: Path | None = None) -> dict[str, str]:
    """The SPARQL cookbook (``loaders/queries/*.rq``, package data) as examples for the page."""
    if folder is not None:
        return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.rq"))}
    from loaders.neo4j_queries import cookbook_files

    return {name: p.read_text(encoding="utf-8") for name, p in cookbook_files(".rq").items()}


_EXAMPLE = """PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?official ?name ?meeting ?title WHERE {
  ?official a zw:Official ; skos:prefLabel ?name ; zw:attended ?meeting .
  ?meeting skos:prefLabel ?title .
  FILTER(lang(?name) = "zh" && lang(?title) = "zh")
} LIMIT 50
"""
