"""``kg serve DIR``: a read-only SPARQL 1.1 Protocol endpoint over a build (thin layer over ``kg.serve``)."""
from __future__ import annotations

import argparse
import sys

PROG = "kg serve"


def _positive(kind: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{kind}: expected a whole number, got {text!r}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"{kind}: must not be negative")
        return value
    return parse


def register(subparsers: argparse._SubParsersAction) -> None:
    from kg.serve import (DEFAULT_MAX_BODY, DEFAULT_MAX_QUERY_MEMORY, DEFAULT_MAX_RESULTS, DEFAULT_MAX_URL,
                          DEFAULT_TIMEOUT)

    p = subparsers.add_parser(
        "serve", help="serve a built graph as a read-only SPARQL endpoint",
        description="Serve DIR/store at http://HOST:PORT/sparql (SPARQL 1.1 Protocol: GET and POST, form "
                    "and direct bodies; JSON/XML/CSV/TSV results and Turtle/JSON-LD graphs by Accept) with "
                    "an analyst's workbench at / (YASGUI with the query cookbook as tabs, and a page per entity at "
                    "/entity?iri=…: posts, relations with evidence, ego network; docs/workbench.md). A rebuild of "
                    "DIR is picked up without a restart. Read-only: updates get 403. A query that does not parse gets 400, "
                    "one that runs longer than --timeout (waiting included) gets 503, one that needs more "
                    "than --max-query-memory gets 503; at most --max-results rows are returned. The server "
                    "makes no outbound requests (SERVICE is refused unless --allow-service names the host), "
                    "answers only to loopback names and --allow-host names, and sends no CORS headers "
                    "unless --cors names an origin. See docs/security.md.")
    p.add_argument("dir", metavar="DIR", help="a build folder from `kg build --out DIR`")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds a query may take from its arrival, waiting for a worker included "
                        f"(default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-results", type=int, default=DEFAULT_MAX_RESULTS,
                   help=f"rows (or triples) returned at most (default {DEFAULT_MAX_RESULTS})")
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default 2)")
    p.add_argument("--max-query-memory", metavar="MB", type=_positive("--max-query-memory"),
                   default=DEFAULT_MAX_QUERY_MEMORY,
                   help=f"memory a query worker may use, in MB (default {DEFAULT_MAX_QUERY_MEMORY}; 0: no limit)")
    p.add_argument("--max-body", metavar="BYTES", type=_positive("--max-body"), default=DEFAULT_MAX_BODY,
                   help=f"largest POST body accepted; larger gets 413 (default {DEFAULT_MAX_BODY})")
    p.add_argument("--max-url", metavar="BYTES", type=_positive("--max-url"), default=DEFAULT_MAX_URL,
                   help=f"longest request URL accepted; longer gets 414 (default {DEFAULT_MAX_URL})")
    p.add_argument("--allow-service", metavar="HOST", action="append", default=[],
                   help="let SERVICE call http(s) endpoints on HOST (or HOST:PORT); repeatable. "
                        "Default: federated queries are refused")
    p.add_argument("--cors", metavar="ORIGIN", action="append", default=[],
                   help="let web pages from ORIGIN (e.g. https://example.org, or * for any) read answers; "
                        "repeatable. Default: no CORS headers")
    p.add_argument("--allow-host", metavar="NAME", action="append", default=[],
                   help="also answer requests whose Host header is NAME (any port) or NAME:PORT; repeatable. "
                        "Default: only 127.0.0.1, localhost, [::1] and --host, at --port")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.serve import serve
    from loaders.sparql_store import StoreError, split_authority, store_path

    try:
        store_path(args.dir)
    except StoreError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    for option, values in (("--allow-host", args.allow_host), ("--allow-service", args.allow_service)):
        for value in values:
            if split_authority(value) is None:
                print(f"{PROG}: {option} {value!r}: expected NAME or NAME:PORT", file=sys.stderr)
                return 2
    if 0 < args.max_query_memory < 128:
        print(f"{PROG}: --max-query-memory {args.max_query_memory}: a worker needs about 100 MB before any "
              "query; give at least 128 (or 0 for no limit)", file=sys.stderr)
        return 2
    print(f"{PROG}: {args.dir} at http://{args.host}:{args.port}/sparql (workbench at /)", file=sys.stderr, flush=True)
    try:
        serve(args.dir, host=args.host, port=args.port, timeout=args.timeout, max_results=args.max_results,
              workers=args.workers, allow_hosts=args.allow_host, cors=args.cors, allow_service=args.allow_service,
              max_query_memory=args.max_query_memory, max_body=args.max_body, max_url=args.max_url)
    except (OSError, RuntimeError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    return 0
