"""``kg query DIR 'SPARQL…'``: run a SPARQL query on a build's store (thin layer over
``loaders.sparql_store``)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROG = "kg query"
FORMATS = ("table", "csv", "json", "tsv", "xml")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "query", help="run a SPARQL query on a built graph",
        description="Run a SPARQL 1.1 query on DIR/store (written by `kg build --out DIR`). QUERY is the "
                    "query text, a .rq file, or - for standard input. The default graph is the merged "
                    "graph; each article's statements and evidence are in the named graph of the article's "
                    "IRI. --param NAME=VALUE binds ?NAME to an RDF term (never pasted into the query): "
                    "<iri> or http(s)://… is an IRI, 2024-01-31 an xsd:date, digits an xsd:integer, "
                    "anything else a Chinese literal (\"…\"@zh, as labels are).")
    p.add_argument("dir", metavar="DIR", help="a build folder (or its store/ folder)")
    p.add_argument("query", metavar="QUERY", help="SPARQL text, a .rq/.sparql file, or -")
    p.add_argument("--format", "-f", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a query variable (repeatable)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="keep at most N rows")
    p.set_defaults(func=run)


def _query_text(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    path = Path(arg)
    if path.suffix.lower() in (".rq", ".sparql") and path.is_file():
        return path.read_text(encoding="utf-8")
    return arg


def run(args: argparse.Namespace) -> int:
    from loaders.sparql_store import QueryError, StoreError, graph_prefixes, open_store, run_query, serialize, to_table

    params = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            print(f"{PROG}: --param wants NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2
        params[name.strip()] = value
    try:
        text = _query_text(args.query)
        store = open_store(args.dir)
        result = run_query(store, text, params=params, limit=args.limit)
    except (QueryError, StoreError, OSError, ValueError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    try:
        if args.format == "table":
            print(to_table(result, graph_prefixes(args.dir)))
        else:
            fmt = args.format if result.kind != "graph" else {"json": "jsonld"}.get(args.format, "turtle")
            sys.stdout.buffer.write(serialize(result, fmt))
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `kg query … | head`: the reader has seen enough
        sys.stderr.close()
    return 0
