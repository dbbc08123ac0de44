"""``kg load neo4j DIR``: put a build's resolved graph into a live Neo4j (thin layer over
``loaders.neo4j_loader``).

The password never appears on the command line (it would show in process listings and shell
history): it comes from ``NEO4J_PASSWORD`` or a terminal prompt, and it is never printed.
"""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys

PROG = "kg load neo4j"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("load", help="load a built graph into a database (neo4j)",
                              description="Load a build directory's graph into a database.")
    targets = p.add_subparsers(dest="target", metavar="TARGET")
    targets.required = True
    n = targets.add_parser(
        "neo4j", help="load DIR/graph.json into Neo4j over Bolt",
        description="Load DIR/graph.json into Neo4j over Bolt: constraints and indexes first, then "
                    "batched MERGE of nodes and relationships. Loading the same build again changes "
                    "nothing; a build with new articles adds only what is new. The password comes "
                    "from NEO4J_PASSWORD or a prompt (there is no password flag).")
    n.add_argument("dir", metavar="DIR", help="a build directory from `kg build --out DIR` (or a graph.json)")
    n.add_argument("--uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
                   help="Bolt or neo4j:// URI (default: $NEO4J_URI or bolt://127.0.0.1:7687)")
    n.add_argument("--user", default=os.environ.get("NEO4J_USER", "neo4j"),
                   help="user name (default: $NEO4J_USER or neo4j)")
    n.add_argument("--database", default=os.environ.get("NEO4J_DATABASE") or None,
                   help="database name (default: $NEO4J_DATABASE or the server's default)")
    n.add_argument("--batch-size", type=int, default=1000, help="rows per transaction (default 1000)")
    n.add_argument("--max-retry-time", type=float, default=30.0,
                   help="seconds to keep retrying a batch after a transient error (default 30)")
    n.add_argument("--no-progress", action="store_true", help="no progress bar")
    n.set_defaults(func=run_neo4j)


def _password() -> str | None:
    pw = os.environ.get("NEO4J_PASSWORD")
    if pw is not None:
        return pw
    if not sys.stdin.isatty():
        return None
    return getpass.getpass("Neo4j password: ")


def _fail(message: str) -> int:
    print(f"{PROG}: {' '.join(message.split())}", file=sys.stderr)
    return 1


def run_neo4j(args: argparse.Namespace) -> int:
    from loaders.graphfile import GraphFileError, read_graph
    from loaders.neo4j_loader import Neo4jLoadError, check_uri, connect, describe_failure, load_model
    from loaders.neo4j_model import GraphModelError, build_model

    if args.batch_size < 1:
        return _fail("--batch-size must be at least 1")
    try:
        check_uri(args.uri)  # before reading the graph or asking for a password
    except Neo4jLoadError as exc:
        return _fail(str(exc))
    # The driver logs each retry as a warning on stderr; the command reports one line instead.
    driver_log = logging.getLogger("neo4j")
    driver_log.addHandler(logging.NullHandler())
    driver_log.propagate = False
    try:
        model = build_model(read_graph(args.dir))
    except (GraphFileError, GraphModelError) as exc:
        return _fail(str(exc))
    password = _password()
    if password is None:
        return _fail("set NEO4J_PASSWORD (no terminal to prompt for the password)")
    try:
        driver = connect(args.uri, args.user, password, database=args.database,
                         max_retry_time=args.max_retry_time)
    except Neo4jLoadError as exc:
        return _fail(str(exc))
    try:
        summary = load_model(driver, model, database=args.database, batch_size=args.batch_size,
                             progress=not args.no_progress and sys.stderr.isatty())
    except Exception as exc:  # every driver failure becomes one line and a non-zero exit
        return _fail(describe_failure(exc, args.uri))
    finally:
        try:
            driver.close()
        except Exception:
            pass
    print(f"loaded {args.dir} into {args.uri}" + (f" (database {args.database})" if args.database else ""))
    for line in summary.lines():
        print(line)
    return 0

