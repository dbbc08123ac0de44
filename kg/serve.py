"""A read-only SPARQL 1.1 Protocol endpoint over a build's Oxigraph store (ASGI: Starlette + uvicorn).

    app = create_app("out", timeout=30, max_results=10_000, workers=2)
    serve("out", host="127.0.0.1", port=7878)

``/sparql`` answers GET (``?query=``) and POST (form ``query=`` or a direct
``application/sparql-query`` body), with ``default-graph-uri``/``named-graph-uri``; results in
JSON/XML/CSV/TSV (SELECT, ASK) or Turtle/JSON-LD/N-Triples/RDF-XML (CONSTRUCT, DESCRIBE) by
``Accept`` (or ``?format=``). Updates get 403; a query that does not parse gets 400 with the parser's
message; one that runs past the timeout gets 503; at most ``max_results`` rows are returned
(``X-SPARQL-Truncated: true`` says more were found). CORS is open, so browser clients can query.
``/`` is a small query page (no external scripts).

Why not ``oxigraph serve-read-only``: it has no per-query timeout or result cap, its query page
loads YASGUI from a CDN (we must work offline), and its refusals are not ours to word. Queries run in
worker *processes*, each with the store opened read-only: a runaway query is stopped by ending its
process (a thread cannot be interrupted inside Oxigraph's evaluation), and a new worker takes its place.
"""
from __future__ import annotations

import asyncio
import html
import json
import multiprocessing as mp
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from loaders.sparql_store import GRAPH_FORMATS, RESULT_FORMATS, is_update, store_path

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

def _worker_main(path: str, conn: Any) -> None:
    """One query at a time against the store opened read-only; answers (status, ...) tuples."""
    from loaders.sparql_store import QueryError, UpdateRefused, open_store, run_query, serialize

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
            result = run_query(store, job["query"], limit=job["limit"], default_graph_uris=job["default"],
                               named_graph_uris=job["named"])
            fmt = negotiate(result.kind, job["accept"], job["format"])
            conn.send(("ok", media_type(result.kind, fmt), serialize(result, fmt), result.truncated))
        except UpdateRefused as exc:
            conn.send(("update", str(exc)))
        except QueryError as exc:
            conn.send(("syntax", str(exc)))
        except Exception as exc:  # noqa: BLE001 - a query error the engine found while running
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx: Any, path: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(path, child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(60):
            self.stop()
            raise RuntimeError("a query worker did not start within 60 s")
        status = self.conn.recv()
        if status[0] != "ready":
            self.stop()
            raise RuntimeError(f"a query worker could not open the store: {status[1]}")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass
class Answer:
    status: int
    media: str
    body: bytes
    headers: dict[str, str]


def _text(status: int, message: str, **headers: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"), dict(headers))


class QueryPool:
    """Worker processes running queries with a timeout; a timed-out worker is replaced."""

    def __init__(self, path: str, *, workers: int = 2, timeout: float = DEFAULT_TIMEOUT,
                 max_results: int = DEFAULT_MAX_RESULTS) -> None:
        self.path = path
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_results = max_results
        self._ctx = mp.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*[loop.run_in_executor(None, _Worker, self._ctx, self.path)
                                         for _ in range(self.size)])
        for w in workers:
            self._all.add(w)
            self._idle.put_nowait(w)

    async def stop(self) -> None:
        for w in list(self._all):
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
            w.stop()
        self._all.clear()

    async def run(self, query: str, *, accept: str | None, fmt: str | None,
                  default: list[str], named: list[str]) -> Answer:
        assert self._idle is not None, "pool not started"
        loop = asyncio.get_running_loop()
        worker = await self._idle.get()
        job = {"query": query, "accept": accept, "format": fmt, "default": default, "named": named,
               "limit": self.max_results}
        try:
            worker.conn.send(job)
            ready = await loop.run_in_executor(None, worker.conn.poll, self.timeout)
            if not ready:
                await self._replace(worker)
                worker = None
                return _text(503, f"query timed out after {self.timeout:g} s (the server's per-query limit)",
                             **{"Retry-After": "1"})
            reply = await loop.run_in_executor(None, worker.conn.recv)
        except (EOFError, OSError, BrokenPipeError):
            await self._replace(worker)
            worker = None
            return _text(500, "the query worker stopped unexpectedly; try again")
        finally:
            if worker is not None:
                self._idle.put_nowait(worker)
        kind = reply[0]
        if kind == "ok":
            headers = {"X-SPARQL-Truncated": "true", "X-SPARQL-Result-Cap": str(self.max_results)} if reply[3] else {}
            return Answer(200, reply[1], reply[2], headers)
        if kind == "update":
            return _text(403, reply[1])
        if kind == "syntax":
            return _text(400, reply[1])
        return _text(400, f"query failed: {reply[1]}")

    async def _replace(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(worker)
        await loop.run_in_executor(None, worker.stop)
        fresh = await loop.run_in_executor(None, _Worker, self._ctx, self.path)
        self._all.add(fresh)
        assert self._idle is not None
        self._idle.put_nowait(fresh)


# ------------------------------------------------------------------------------------------ app

QUERY_FORM = "application/x-www-form-urlencoded"


def create_app(location: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT,
               max_results: int = DEFAULT_MAX_RESULTS, workers: int = 2):
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route

    path = str(store_path(location))
    pool = QueryPool(path, workers=workers, timeout=timeout, max_results=max_results)
    page = query_page(location)

    def respond(a: Answer) -> Response:
        return Response(a.body, status_code=a.status, media_type=a.media, headers=a.headers)

    async def sparql(request: Request) -> Response:
        params = request.query_params
        query = params.get("query")
        default = params.getlist("default-graph-uri")
        named = params.getlist("named-graph-uri")
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == QUERY_FORM:
                # percent-encoded UTF-8 (the protocol's form encoding); no multipart library needed
                form = parse_qs((await request.body()).decode("latin-1"), keep_blank_values=True,
                                encoding="utf-8", errors="replace")
                if "update" in form:
                    return respond(_text(403, "SPARQL updates are refused: this endpoint is read-only"))
                query = (form.get("query") or [None])[0]
                default = form.get("default-graph-uri") or default
                named = form.get("named-graph-uri") or named
            elif ctype == "application/sparql-query":
                query = (await request.body()).decode("utf-8", errors="replace")
            elif ctype == "application/sparql-update":
                return respond(_text(403, "SPARQL updates are refused: this endpoint is read-only"))
            else:
                return respond(_text(415, "POST a form (application/x-www-form-urlencoded) with query=…, "
                                          "or a query body as application/sparql-query"))
        elif params.get("update") is not None:
            return respond(_text(403, "SPARQL updates are refused: this endpoint is read-only"))
        if not query or not str(query).strip():
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                return HTMLResponse(page)
            return respond(_text(400, "missing query: send ?query=… (GET) or a query form/body (POST)"))
        query = str(query)
        if is_update(query):
            return respond(_text(403, "SPARQL updates are refused: this endpoint is read-only"))
        answer = await pool.run(query, accept=request.headers.get("accept"), fmt=params.get("format"),
                                default=default, named=named)
        return respond(answer)

    async def index(request: Request) -> Response:
        return HTMLResponse(page)

    @asynccontextmanager
    async def lifespan(app):  # noqa: ANN001
        await pool.start()
        try:
            yield
        finally:
            await pool.stop()

    app = Starlette(
        routes=[Route("/sparql", sparql, methods=["GET", "POST"]), Route("/", index, methods=["GET"])],
        middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                               allow_headers=["Accept", "Content-Type"],
                               expose_headers=["X-SPARQL-Truncated", "X-SPARQL-Result-Cap"])],
        lifespan=lifespan)
    app.state.pool = pool
    return app


def serve(location: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 7878,
          timeout: float = DEFAULT_TIMEOUT, max_results: int = DEFAULT_MAX_RESULTS, workers: int = 2,
          log_level: str = "warning") -> None:
    import uvicorn

    app = create_app(location, timeout=timeout, max_results=max_results, workers=workers)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


# ------------------------------------------------------------------------------------ query page

def cookbook(folder: Path | None = None) -> dict[str, str]:
    """docs/queries/*.rq of the source tree, if it is there, as examples for the page."""
    folder = folder or Path(__file__).resolve().parents[1] / "docs" / "queries"
    if not folder.is_dir():
        return {}
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.rq"))}


_EXAMPLE = """PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?official ?name ?meeting ?title WHERE {
  ?official a zw:Official ; skos:prefLabel ?name ; zw:attended ?meeting .
  ?meeting skos:prefLabel ?title .
  FILTER(lang(?name) = "zh" && lang(?title) = "zh")
} LIMIT 50
"""


def query_page(location: str | os.PathLike[str]) -> str:
    examples = {"example": _EXAMPLE, **cookbook()}
    data = json.dumps(examples, ensure_ascii=False).replace("</", "<\\/")
    options = "".join(f"<option>{html.escape(name)}</option>" for name in examples)
    title = html.escape(f"zhengwu-kg SPARQL — {Path(location).resolve().name}")
    return _PAGE.replace("@TITLE@", title).replace("@OPTIONS@", options).replace("@DATA@", data).replace(
        "@EXAMPLE@", html.escape(_EXAMPLE))


_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>@TITLE@</title>
<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei",sans-serif;margin:1.5em;}
textarea{width:100%;height:16em;font-family:monospace;font-size:13px}
table{border-collapse:collapse;margin-top:1em;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
#status{margin-left:1em;color:#555}.error{color:#b00;white-space:pre-wrap}
</style></head><body>
<h1>@TITLE@</h1>
<p>SPARQL 1.1 endpoint: <code>/sparql</code> (GET/POST, read-only). Examples: <select id="examples">@OPTIONS@</select></p>
<textarea id="query">@EXAMPLE@</textarea><br>
<button id="run">Run</button><span id="status"></span>
<div id="out"></div>
<script type="application/json" id="data">@DATA@</script>
<script>
const examples = JSON.parse(document.getElementById('data').textContent);
const q = document.getElementById('query'), out = document.getElementById('out'), status = document.getElementById('status');
document.getElementById('examples').addEventListener('change', e => { q.value = examples[e.target.value]; });
document.getElementById('run').addEventListener('click', async () => {
  out.replaceChildren(); status.textContent = 'running…';
  const t0 = performance.now();
  const r = await fetch('sparql', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded',
    'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}, body: new URLSearchParams({query: q.value})});
  const text = await r.text();
  status.textContent = r.status + ' in ' + Math.round(performance.now() - t0) + ' ms' +
    (r.headers.get('X-SPARQL-Truncated') ? ' (truncated)' : '');
  if (!r.ok) { const p = document.createElement('p'); p.className = 'error'; p.textContent = text; out.append(p); return; }
  if (!(r.headers.get('Content-Type') || '').includes('json')) { const p = document.createElement('pre'); p.textContent = text; out.append(p); return; }
  const data = JSON.parse(text);
  if ('boolean' in data) { out.textContent = String(data.boolean); return; }
  const table = document.createElement('table'), head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement('th'); th.textContent = v; head.append(th); }
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    for (const v of data.head.vars) { row.insertCell().textContent = b[v] ? b[v].value : ''; }
  }
  out.append(table);
});
</script></body></html>
"""
