"""``kg stats DIR [--json]``: a short summary of a built graph for a researcher (thin layer over
``kg.exports.stats``)."""
from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats", help="summarise a built graph: counts, dates, careers, co-attendance network",
        description="Summarise DIR/graph.json: entities and relations by type, articles and their date "
                    "range, officials with posts, spells and changes of post (kg export careers), the "
                    "officials' co-attendance network (size, density, communities), the 10 most central "
                    "officials by degree and by betweenness and the 5 most attended meetings.")
    p.add_argument("dir", metavar="DIR", help="a build directory from `kg build --out DIR` (or a graph.json)")
    p.add_argument("--json", action="store_true", help="one JSON object instead of text (for scripts)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="officials listed per measure (default 10)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.exports import stats, stats_text
    from loaders.graphfile import GraphFileError, read_graph

    if args.top < 0:
        print(f"kg stats: --top must be 0 or more, not {args.top}", file=sys.stderr)
        return 2
    try:
        summary = stats(read_graph(args.dir), top=args.top)
    except GraphFileError as exc:
        print(f"kg stats: {exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"kg stats: {exc.name or exc} is not installed: pip install 'zhengwu-kg[viz]'", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(stats_text(summary))
    return 0
