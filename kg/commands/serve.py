"""``kg serve DIR``: a read-only SPARQL 1.1 Protocol endpoint over a build (thin layer over ``kg.serve``)."""
from __future__ import annotations

import argparse
import sys

PROG = "kg serve"


def register(subparsers: argparse._SubParsersAction) -> None:
    from kg.serve import DEFAULT_MAX_RESULTS, DEFAULT_TIMEOUT

    p = subparsers.add_parser(
        "serve", help="serve a built graph as a read-only SPARQL endpoint",
        description="Serve DIR/store at http://HOST:PORT/sparql (SPARQL 1.1 Protocol: GET and POST, form "
                    "and direct bodies; JSON/XML/CSV/TSV results and Turtle/JSON-LD graphs by Accept) with "
                    "a query page at /. Read-only: updates get 403. A query that does not parse gets 400, "
                    "one that runs longer than --timeout gets 503; at most --max-results rows are returned.")
    p.add_argument("dir", metavar="DIR", help="a build folder from `kg build --out DIR`")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds a query may run (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-results", type=int, default=DEFAULT_MAX_RESULTS,
                   help=f"rows (or triples) returned at most (default {DEFAULT_MAX_RESULTS})")
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default 2)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.serve import serve
    from loaders.sparql_store import StoreError, store_path

    try:
        store_path(args.dir)
    except StoreError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    print(f"{PROG}: {args.dir} at http://{args.host}:{args.port}/sparql (query page at /)", file=sys.stderr, flush=True)
    try:
        serve(args.dir, host=args.host, port=args.port, timeout=args.timeout, max_results=args.max_results,
              workers=args.workers)
    except (OSError, RuntimeError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    return 0
