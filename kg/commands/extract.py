"""``kg extract PATH... [-o FILE]``: one extraction record per article, one JSON object per line."""
from __future__ import annotations

import argparse
import math
import os
import sys

from extract.model_store import ModelMissing
from extract.ner import NER_CHOICES
from extract.segment import SEGMENTERS
from kg.io import OutputPathError, atomic_writer, check_output_file, dump_jsonl_line
from kg.pipeline import DEFAULT_DOC_TIMEOUT, DOC_TIMEOUT_ENV, ExtractError, doc_timeout_default, iter_records


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract", help="extract records (officials, bodies, meetings, policies, relations) from articles",
        description="Read .txt (any common Chinese encoding), .html/.htm and .jsonl articles (files or "
        "folders, recursively) and print one extraction record per article as JSON lines. A file "
        "that cannot be read, or whose extraction takes longer than --doc-timeout, is reported on "
        "stderr with the reason; the others are still extracted and the exit status is 1.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the records to FILE (whole or not at all) instead of stdout; an existing "
                        "FILE is kept when no record could be extracted")
    p.add_argument("--segmenter", choices=SEGMENTERS, default="pkuseg",
                   help="word segmenter: pkuseg (default; its model is for research use), jieba or char")
    add_ner_option(p)
    add_doc_timeout_option(p)
    p.set_defaults(func=run)


def add_ner_option(p: argparse.ArgumentParser) -> None:
    """``--ner lac|none``: the statistical NER component (also ``$ZHENGWU_KG_NER``; workers inherit it)."""
    p.add_argument("--ner", choices=NER_CHOICES, default=None,
                   help="statistical NER component: lac (default; Baidu LAC, Apache-2.0) or none")


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise argparse.ArgumentTypeError(f"not a number of seconds from 0 up: {value!r}")
    return seconds


def add_doc_timeout_option(p: argparse.ArgumentParser) -> None:
    """``--doc-timeout SECONDS``: the time budget of one article (also ``$ZHENGWU_KG_DOC_TIMEOUT``)."""
    p.add_argument("--doc-timeout", type=_seconds, default=None, metavar="SECONDS",
                   help=f"give up on an article whose extraction takes longer (reported as failed, the "
                        f"others go on); default {DEFAULT_DOC_TIMEOUT:g} or ${DOC_TIMEOUT_ENV}; 0: no limit")


def apply_doc_timeout_option(args: argparse.Namespace) -> float:
    """Set ``$ZHENGWU_KG_DOC_TIMEOUT`` so that worker processes see the budget; return it."""
    if getattr(args, "doc_timeout", None) is not None:
        os.environ[DOC_TIMEOUT_ENV] = repr(float(args.doc_timeout))
    return doc_timeout_default()


def apply_ner_option(args: argparse.Namespace) -> None:
    """Set ``$ZHENGWU_KG_NER`` so that worker processes and the cache fingerprint see the choice."""
    if getattr(args, "ner", None):
        os.environ["ZHENGWU_KG_NER"] = args.ner


class _NothingExtracted(Exception):
    """No record at all: an existing output file is kept rather than emptied."""


def run(args: argparse.Namespace) -> int:
    apply_ner_option(args)
    try:
        budget = apply_doc_timeout_option(args)
        if args.output:
            check_output_file(args.output)  # before the work, not after it
    except (OutputPathError, ValueError) as err:
        print(f"kg extract: {err}", file=sys.stderr)
        return 2
    failed = 0
    count = 0

    def lines():
        nonlocal failed, count
        for item in iter_records(args.paths, segmenter=args.segmenter, doc_timeout=budget):
            if isinstance(item, ExtractError):
                failed += 1
                print(f"kg extract: {item}", file=sys.stderr)
                continue
            count += 1
            yield dump_jsonl_line(item.to_dict())

    try:
        if args.output:
            keep = os.path.exists(args.output)
            with atomic_writer(args.output) as fh:
                for line in lines():
                    fh.write(line)
                if not count and keep:
                    raise _NothingExtracted
        else:
            for line in lines():
                sys.stdout.write(line)
    except _NothingExtracted:
        print(f"kg extract: no record extracted; {args.output} left as it was", file=sys.stderr)
    except ModelMissing as err:
        print(f"kg extract: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # the output could not be written (disk full, …): one line, no traceback
        print(f"kg extract: {args.output or 'stdout'}: cannot write: {err.strerror or err}", file=sys.stderr)
        return 1
    if failed:
        print(f"kg extract: {count} records, {failed} file(s) failed", file=sys.stderr)
        return 1
    return 0
