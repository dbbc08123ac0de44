"""``kg build PATH... --out DIR``: extract, resolve and write the graph (thin layer over ``kg.build``)."""
from __future__ import annotations

import argparse
import json
import sys

from kg.record import Record
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
                    "holds half-written outputs. Files that cannot be read, or whose extraction takes "
                    "longer than --doc-timeout, are reported and skipped; the exit status is 1 when any failed.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders (.txt .html .htm .jsonl)")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--base-iri", default=DEFAULT_BASE_IRI, metavar="IRI",
                   help=f"prefix of every entity IRI (default {DEFAULT_BASE_IRI})")
    p.add_argument("--records", metavar="FILE",
                   help="build from a records file written by `kg extract -o FILE` instead of extracting PATHs")
    __import__("kg.scale").scale.add_arguments(p)  # --workers, --dask, --cache, --no-cache, --progress
    add_ner_option(p)
    add_doc_timeout_option(p)
    p.set_defaults(func=run)


from kg.commands.extract import (  # noqa: E402
    add_doc_timeout_option, add_ner_option, apply_doc_timeout_option, apply_ner_option,
)


def _err(line: str) -> None:
    print(f"{PROG}: {line}", file=sys.stderr)


def read_records(path: str) -> tuple[list[Record], dict[str, str]]:
    """The records of a ``kg extract -o`` file, each checked (kg.record.parse_record): a bad line is a
    ValueError naming ``PATH:LINE`` and what is wrong; offsets are checked against the article texts
    that can be read back, so the build never sees a relation to a missing entity or a span past
    the end of its article. Returns the records and the texts read (doc.id → text)."""
    from kg.build import article_texts
    from kg.record import RecordError, check_offsets, parse_record

    records: list[Record] = []
    lines: list[int] = []
    unknown: set[str] = set()
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record, odd = parse_record(json.loads(raw.decode("utf-8")))
            except UnicodeDecodeError:
                raise ValueError(f"{path}:{number}: not UTF-8 text") from None
            except (ValueError, RecordError) as exc:  # JSONDecodeError is a ValueError
                raise ValueError(f"{path}:{number}: not an extraction record: {exc}") from None
            records.append(record)
            lines.append(number)
            unknown.update(odd)
    if not records:
        raise ValueError(f"{path}: no records")
    if unknown:
        _err(f"{path}: left out entities and relations of types this version does not know: {', '.join(sorted(unknown))}")
    texts = article_texts(records)
    for number, record in zip(lines, records):
        text = texts.get(record.doc.id)
        if text is not None:
            try:
                check_offsets(record, len(text))
            except RecordError as exc:
                raise ValueError(f"{path}:{number}: not an extraction record of {record.doc.path}: {exc}") from None
    return records, texts


def run(args: argparse.Namespace) -> int:
    from kg.build import build_from_records
    from kg.io import check_output_dir

    apply_ner_option(args)
    try:
        apply_doc_timeout_option(args)
        check_output_dir(args.out)  # before the work, not after it
        if args.records:
            records, texts = read_records(args.records)
            result = build_from_records(records, args.out, base_iri=args.base_iri, texts=texts)
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
