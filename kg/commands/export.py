"""``kg export neo4j-csv DIR --out CSVDIR``: import files for ``neo4j-admin database import full``
(thin layer over ``loaders.neo4j_csv``)."""
from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="export a built graph for other tools (neo4j-csv)",
                              description="Export a build directory's graph for other tools.")
    targets = p.add_subparsers(dest="target", metavar="FORMAT")
    targets.required = True
    n = targets.add_parser(
        "neo4j-csv", help="CSV files for neo4j-admin database import full",
        description="Write DIR/graph.json as CSV files with headers for `neo4j-admin database import "
                    "full` (offline import of millions of rows), a schema.cypher with the constraints "
                    "and indexes, and a README.txt with the exact import command. CSVDIR is replaced "
                    "atomically.")
    n.add_argument("dir", metavar="DIR", help="a build directory from `kg build --out DIR` (or a graph.json)")
    n.add_argument("--out", required=True, metavar="CSVDIR", help="folder to write (replaced whole)")
    n.set_defaults(func=run_neo4j_csv)


def run_neo4j_csv(args: argparse.Namespace) -> int:
    from loaders.graphfile import GraphFileError, read_graph
    from loaders.neo4j_csv import CsvExportError, export_csv
    from loaders.neo4j_model import GraphModelError, build_model

    try:
        result = export_csv(build_model(read_graph(args.dir)), args.out)
    except (GraphFileError, GraphModelError, CsvExportError) as exc:
        print(f"kg export neo4j-csv: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kg export neo4j-csv: {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(result.files)} files to {result.out_dir}")
    print(f"import with (from inside {result.out_dir}): {result.command}")
    return 0
