"""``kg extract PATH... [-o FILE]``: one extraction record per article, one JSON object per line."""
from __future__ import annotations

import argparse
import os
import sys

from extract.model_store import ModelMissing
from extract.ner import NER_CHOICES
from extract.segment import SEGMENTERS
from kg.io import atomic_writer, dump_jsonl_line
from kg.pipeline import ExtractError, iter_records


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract", help="extract records (officials, bodies, meetings, policies, relations) from articles",
        description="Read .txt (any common Chinese encoding), .html/.htm and .jsonl articles (files or "
        "folders, recursively) and print one extraction record per article as JSON lines. A file "
        "that cannot be read is reported on stderr with the reason; the others are still "
        "extracted and the exit status is 1.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the records to FILE (whole or not at all) instead of stdout")
    p.add_argument("--segmenter", choices=SEGMENTERS, default="pkuseg",
                   help="word segmenter: pkuseg (default; its model is for research use), jieba or char")
    add_ner_option(p)
    p.set_defaults(func=run)


def add_ner_option(p: argparse.ArgumentParser) -> None:
    """``--ner lac|none``: the statistical NER component (also ``$ZHENGWU_KG_NER``; workers inherit it)."""
    p.add_argument("--ner", choices=NER_CHOICES, default=None,
                   help="statistical NER component: lac (default; Baidu LAC, Apache-2.0) or none")


def apply_ner_option(args: argparse.Namespace) -> None:
    """Set ``$ZHENGWU_KG_NER`` so that worker processes and the cache fingerprint see the choice."""
    if getattr(args, "ner", None):
        os.environ["ZHENGWU_KG_NER"] = args.ner


def run(args: argparse.Namespace) -> int:
    apply_ner_option(args)
    failed = 0
    count = 0

    def lines():
        nonlocal failed, count
        for item in iter_records(args.paths, segmenter=args.segmenter):
            if isinstance(item, ExtractError):
                failed += 1
                print(f"kg extract: {item}", file=sys.stderr)
                continue
            count += 1
            yield dump_jsonl_line(item.to_dict())

    try:
        if args.output:
            with atomic_writer(args.output) as fh:
                for line in lines():
                    fh.write(line)
        else:
            for line in lines():
                sys.stdout.write(line)
    except ModelMissing as err:
        print(f"kg extract: {err}", file=sys.stderr)
        return 2
    if failed:
        print(f"kg extract: {count} records, {failed} file(s) failed", file=sys.stderr)
        return 1
    return 0
