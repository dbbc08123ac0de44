"""``kg export FORMAT DIR …``: a built graph for other tools.

- ``neo4j-csv DIR --out CSVDIR``: import files for ``neo4j-admin database import full``
  (thin layer over ``loaders.neo4j_csv``);
- ``careers DIR -o FILE.csv|FILE.parquet``, ``tables DIR -o FOLDER`` (Parquet for pandas/R),
  ``graphml DIR -o FILE.graphml``, ``gexf DIR -o FILE.gexf`` (Gephi): thin layers over ``kg.exports``.
"""
from __future__ import annotations

import argparse
import sys

DIR_HELP = "a build directory from `kg build --out DIR` (or a graph.json)"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="export a built graph for other tools (neo4j-csv, careers, "
                                             "tables, graphml, gexf)",
                              description="Export a build directory's graph for other tools.")
    targets = p.add_subparsers(dest="target", metavar="FORMAT")
    targets.required = True
    n = targets.add_parser(
        "neo4j-csv", help="CSV files for neo4j-admin database import full",
        description="Write DIR/graph.json as CSV files with headers for `neo4j-admin database import "
                    "full` (offline import of millions of rows), a schema.cypher with the constraints "
                    "and indexes, and a README.txt with the exact import command. CSVDIR is replaced "
                    "atomically.")
    n.add_argument("dir", metavar="DIR", help=DIR_HELP)
    n.add_argument("--out", required=True, metavar="CSVDIR", help="folder to write (replaced whole)")
    n.set_defaults(func=run_neo4j_csv)

    c = targets.add_parser(
        "careers", help="the careers table (one row per spell of a post) as CSV or Parquet",
        description="Write the careers table of DIR/graph.json — one row per spell of a post, CPED-like "
                    "(columns: docs/careers.md) — as UTF-8 CSV with a header or as Parquet, by the "
                    "extension of FILE. Written to a temporary file, then renamed.")
    c.add_argument("dir", metavar="DIR", help=DIR_HELP)
    c.add_argument("-o", "--output", "--out", dest="output", required=True, metavar="FILE",
                   help="FILE.csv or FILE.parquet")
    c.set_defaults(func=run_careers)

    t = targets.add_parser(
        "tables", help="Parquet tables for pandas/R (entities, relations, posts, careers, …)",
        description="Write FOLDER/entities.parquet, relations.parquet, posts.parquet, careers.parquet, "
                    "protocol_order.parquet and articles.parquet (explicit schemas; columns: "
                    "docs/careers.md). Each file is written to a temporary file, then renamed.")
    t.add_argument("dir", metavar="DIR", help=DIR_HELP)
    t.add_argument("-o", "--output", "--out", dest="output", required=True, metavar="FOLDER",
                   help="folder for the .parquet files (created if missing)")
    t.set_defaults(func=run_tables)

    for fmt, tool in (("graphml", "yEd, Cytoscape, igraph, Gephi"), ("gexf", "Gephi")):
        g = targets.add_parser(
            fmt, help=f"the entity graph as {fmt.upper()} ({tool})",
            description=f"Write the entity graph of DIR/graph.json as {fmt.upper()} (networkx): one node "
                        "per entity with its label, type, pinyin, aliases, titles, first and last dates "
                        "and, for officials, the co-attendance measures; one edge per relation type "
                        "and pair, weighted by its statements.")
        g.add_argument("dir", metavar="DIR", help=DIR_HELP)
        g.add_argument("-o", "--output", "--out", dest="output", required=True, metavar=f"FILE.{fmt}",
                       help=f"the .{fmt} file to write")
        g.set_defaults(func=run_network, format=fmt)


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


def _export(prog: str, output: str, make) -> int:
    """Run ``make()`` (read the graph, write the output); one line on stderr when it cannot."""
    from kg.exports import ExportError
    from kg.io import OutputPathError
    from loaders.graphfile import GraphFileError

    try:
        message = make()
    except (GraphFileError, ExportError, OutputPathError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"{prog}: {exc.name or exc} is not installed: pip install 'zhengwu-kg[research]'", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{prog}: {exc.filename or output}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(message)
    return 0


def run_careers(args: argparse.Namespace) -> int:
    from kg.exports import ExportError, table_format, write_careers
    from loaders.graphfile import read_graph

    try:
        table_format(args.output)
    except ExportError as exc:
        print(f"kg export careers: {exc}", file=sys.stderr)
        return 2

    def make() -> str:
        path, rows = write_careers(read_graph(args.dir), args.output)
        return f"wrote {rows} spells to {path}"

    return _export("kg export careers", args.output, make)


def run_tables(args: argparse.Namespace) -> int:
    from kg.exports import write_tables
    from loaders.graphfile import read_graph

    def make() -> str:
        counts = write_tables(read_graph(args.dir), args.output)
        return f"wrote {len(counts)} tables to {args.output}: " + \
            ", ".join(f"{name}.parquet ({n} rows)" for name, n in counts.items())

    return _export("kg export tables", args.output, make)


def run_network(args: argparse.Namespace) -> int:
    from kg.exports import write_gexf, write_graphml
    from loaders.graphfile import read_graph

    prog = f"kg export {args.format}"
    if not args.output.lower().endswith(f".{args.format}"):
        print(f"{prog}: {args.output}: the output must be a .{args.format} file", file=sys.stderr)
        return 2
    writer = write_graphml if args.format == "graphml" else write_gexf

    def make() -> str:
        path, nodes, edges = writer(read_graph(args.dir), args.output)
        return f"wrote {nodes} nodes and {edges} edges to {path}"

    return _export(prog, args.output, make)
