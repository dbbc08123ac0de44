"""``kg setup``: fetch and cache the segmentation model (the only download zhengwu-kg makes)."""
from __future__ import annotations

import argparse
import sys

from extract.model_store import fetch_pkuseg_model


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("setup", help="fetch and cache pkuseg's default segmentation model",
                       description="Fetch pkuseg's trained 'default' model from the pkuseg==0.0.25 "
                       "source distribution on PyPI and cache it with a saved spaCy pipeline. The "
                       "model was trained on research-use data; see the README.")
    p.add_argument("--sdist", help="use an already downloaded pkuseg-0.0.25.tar.gz")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        path = fetch_pkuseg_model(args.sdist)
    except Exception as err:  # network, checksum, disk: one clear line
        print(f"kg setup: could not fetch the pkuseg model: {err}", file=sys.stderr)
        return 1
    print(f"segmentation pipeline ready: {path}")
    return 0
