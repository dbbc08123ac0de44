"""The SPARQL cookbook on the store `kg build` writes (Oxigraph) side by side with Apache Jena Fuseki
(TDB2) on the same quads and the same queries, one query at a time.

    .venv/bin/python bench/bench_fuseki.py                    # the bench's synthetic graph (≈ 2 M quads)
    .venv/bin/python bench/bench_fuseki.py --articles 500     # a quick small run
    .venv/bin/python bench/bench_fuseki.py --http             # Oxigraph through `kg serve` (HTTP) too

The graph is bench/bench_sparql.py's synthetic one; its N-Quads go into an Oxigraph store (the
bulk loader, as `kg build` does) and into a TDB2 database (Jena's ``tdb2.tdbloader``), which
``jena-fuseki-server`` (the jar the tests fetch, scripts/setup.d/30-jena.sh) serves read-only on
127.0.0.1. Each query runs once to warm up, then ``--repeat`` times (the median is reported), with
a per-query budget; both sides must return the same number of rows. Oxigraph is timed in-process
(how `kg query` runs) and, with ``--http``, through the SPARQL endpoint of `kg serve`; Fuseki
over HTTP (its only way), the JSON results read whole.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

JENA_VERSION = "5.6.0"
JENA_JAR = Path.home() / ".m2/repository/org/apache/jena/jena-fuseki-server" / JENA_VERSION / \
    f"jena-fuseki-server-{JENA_VERSION}.jar"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_query(endpoint: str, query: str, timeout: float) -> int:
    """Rows of a SELECT (or 1 for ASK) through the SPARQL 1.1 protocol, results read whole."""
    req = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": query}).encode(),
                                 headers={"Accept": "application/sparql-results+json",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        doc = json.loads(r.read())
    return len(doc["results"]["bindings"]) if "results" in doc else 1


def timed(fn, repeat: int, budget: float):
    """(median seconds or None past the budget, result); one warm-up run first."""
    t0 = time.perf_counter()
    try:
        result = fn()
    except (TimeoutError, urllib.error.URLError, OSError):
        return None, None
    if time.perf_counter() - t0 > budget:
        return None, result
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def wait_http(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=6000, help="synthetic articles (6,000 ≈ 2 M quads)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per query before it counts as past")
    ap.add_argument("--http", action="store_true", help="also time Oxigraph through kg serve's endpoint")
    args = ap.parse_args()
    if not JENA_JAR.is_file() or not shutil.which("java"):
        print(f"skipped: {JENA_JAR} or java missing (scripts/setup.d/30-jena.sh fetches the jar)")
        return 0

    import pyoxigraph as ox

    from bench_sparql import ORDER, cookbook, oxigraph_store, synthetic_graph

    graph = synthetic_graph(args.articles)
    tmp = Path(tempfile.mkdtemp(prefix="bench-fuseki-"))
    fuseki = None
    try:
        store = oxigraph_store(graph, str(tmp / "store"))
        nq = tmp / "data.nq"
        store.dump(str(nq), format=ox.RdfFormat.N_QUADS)
        quads = len(store)
        t0 = time.perf_counter()
        load = subprocess.run(["java", "-Xmx4g", "-cp", str(JENA_JAR), "tdb2.tdbloader", "--loc", str(tmp / "tdb2"),
                               str(nq)], capture_output=True, text=True)
        if load.returncode != 0:
            print(load.stderr[-2000:], file=sys.stderr)
            return 1
        t_load = time.perf_counter() - t0
        port = free_port()
        fuseki = subprocess.Popen(["java", "-Xmx4g", "-jar", str(JENA_JAR), "--loc", str(tmp / "tdb2"), "--port",
                                   str(port), "--localhost", "/ds"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, cwd=tmp,
                                  env={**os.environ, "FUSEKI_BASE": str(tmp / "run")})  # (its run/ folder: not here)
        endpoint = f"http://127.0.0.1:{port}/ds/sparql"
        wait_http(f"http://127.0.0.1:{port}/$/ping", fuseki)
        serve = None
        if args.http:
            build = tmp / "build"
            build.mkdir()
            os.symlink(tmp / "store", build / "store")
            serve_port = free_port()
            serve = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(build), "--host", "127.0.0.1",
                                      "--port", str(serve_port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            wait_http(f"http://127.0.0.1:{serve_port}/", serve)
        print(f"graph: {args.articles} articles, {quads:,} quads; TDB2 loaded in {t_load:.0f} s", file=sys.stderr)
        queries = dict(cookbook(graph))
        rows = []
        for name in [q for q in ORDER if q in queries] + [q for q in queries if q not in ORDER]:
            text = queries[name]
            t_ox, res = timed(lambda: list(store.query(text)), args.repeat, args.budget)
            n_ox = len(res) if isinstance(res, list) else None
            t_http = None
            if serve is not None:
                t_http, _ = timed(lambda: http_query(f"http://127.0.0.1:{serve_port}/sparql", text, args.budget),
                                  args.repeat, args.budget)
            t_fu, n_fu = timed(lambda: http_query(endpoint, text, args.budget), args.repeat, args.budget)
            same = n_fu is None or n_ox is None or n_ox == n_fu
            rows.append((name, t_ox, t_http, t_fu, n_ox, n_fu, same))
            print(f"  {name}: oxigraph {t_ox}, http {t_http}, fuseki {t_fu}, rows {n_ox}/{n_fu}", file=sys.stderr)
        if serve is not None:
            serve.terminate()
            serve.wait(10)
    finally:
        if fuseki is not None:
            fuseki.terminate()
            try:
                fuseki.wait(15)
            except subprocess.TimeoutExpired:
                fuseki.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    def fmt(t):
        return f"> {args.budget:.0f}" if t is None else f"{t:.3f}"

    print(f"\n{quads:,} quads ({args.articles:,} synthetic articles); median of {args.repeat} after a warm-up; "
          f"Jena Fuseki {JENA_VERSION} (TDB2, HTTP) vs Oxigraph {ox.__version__} (in-process"
          f"{', and kg serve over HTTP' if args.http else ''})\n")
    head = "| query | Oxigraph s |" + (" kg serve s |" if args.http else "") + " Fuseki s | Oxigraph ÷ Fuseki | rows |"
    print(head)
    print("|---|" + "---:|" * (head.count("|") - 2))
    worst = 0.0
    for name, t_ox, t_http, t_fu, n_ox, n_fu, same in rows:
        t_mine = t_http if args.http else t_ox
        ratio = (t_mine / t_fu) if (t_mine is not None and t_fu) else (0.0 if t_fu is None and t_mine is not None
                                                                        else float("inf"))
        worst = max(worst, ratio)
        cells = [name, fmt(t_ox)] + ([fmt(t_http)] if args.http else []) + \
            [fmt(t_fu), f"{ratio:.2f}" if t_fu is not None else "< (Fuseki past the budget)",
             f"{n_ox}" + ("" if same else f" ≠ {n_fu}")]
        print("| " + " | ".join(cells) + " |")
    total_ox = sum(r[1] or args.budget for r in rows)
    total_fu = sum(r[3] or args.budget for r in rows)
    print(f"\ntotal: Oxigraph {total_ox:.2f} s, Fuseki {total_fu:.2f} s (a query past the budget counted at the budget); "
          f"worst ratio {worst:.2f} (target ≤ 1.5)")
    return 0 if all(r[6] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
