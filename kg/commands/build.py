"""``kg build PATH... --out DIR``: extract, resolve and write the graph (thin layer over ``kg.build``)."""
from __future__ import annotations

import argparse
import json
import sys

from kg.resolve import DEFAULT_BASE_IRI

PROG = "kg build"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "build", help="extract articles, resolve them into one graph, write RDF and a SPARQL store",
        description="Extract every article under PATH (files or folders, recursive), resolve entities "
                    "across articles, and write into DIR: graph.json (the resolved graph), graph.ttl, "
                    "graph.nt, graph.jsonld (all graphs' triples), graph.trig (one named graph per "
                    "article) and store/ (an on-disk Oxigraph store for `kg query` and `kg serve`). "
                    "Every output is written to a temporary file and moved into place, so DIR never "
                    "holds half-written outputs. Files that cannot be read are reported and skipped; "
                    "the exit status is 1 when any failed.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders (.txt .html .htm .jsonl)")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--base-iri", default=DEFAULT_BASE_IRI, metavar="IRI",
                   help=f"prefix of every entity IRI (default {DEFAULT_BASE_IRI})")
    p.add_argument("--records", metavar="FILE",
                   help="build from a records file written by `kg extract -o FILE` instead of extracting PATHs")
    __import__("kg.scale").scale.add_arguments(p)  # --workers, --dask, --cache, --no-cache, --progress
    add_ner_option(p)
    p.set_defaults(func=run)


from kg.commands.extract import add_ner_option, apply_ner_option  # noqa: E402


def _err(line: str) -> None:
    print(f"{PROG}: {line}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from kg.build import build, build_from_records, summary

    apply_ner_option(args)
    from kg.record import Record

    try:
        if args.records:
            records = []
            with open(args.records, encoding="utf-8") as fh:
                for number, line in enumerate(fh, start=1):
                    if line.strip():
                        try:
                            records.append(Record.from_dict(json.loads(line)))
                        except (ValueError, KeyError, TypeError) as exc:
                            _err(f"{args.records}:{number}: not an extraction record ({exc})")
                            return 1
            if not records:
                _err(f"{args.records}: no records")
                return 1
            result = build_from_records(records, args.out, base_iri=args.base_iri)
        else:
            if not args.paths:
                _err("give article files or folders (or --records FILE)")
                return 2
            from kg.scale import build_from_args, print_error  # parallel, incremental (kg/scale.py)

            result = build_from_args(args, on_error=print_error)
    except (OSError, ValueError) as exc:
        _err(str(exc))
        return 1
    print(__import__("kg.progress").progress.summary_text(result, PROG, args.out), file=sys.stderr)
    return 1 if result.errors else 0
