"""``kg viz DIR -o FILE.html``: an interactive, self-contained HTML view of a built graph
(thin layer over ``viz.page.write_page``)."""
from __future__ import annotations

import argparse
import sys

from viz.page import DEFAULT_MAX_NODES
from viz.style import COLORS, SIZES

PROG = "kg viz"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "viz", help="write an interactive HTML view of a built graph",
        description="Render DIR/graph.json (from `kg build --out DIR`) as one self-contained HTML "
                    "file (vis-network inlined; opens offline): the whole graph, the ego network "
                    "of one entity, or officials linked by the meetings they attended together.")
    p.add_argument("dir", metavar="DIR", help="a build directory (or a graph.json file)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.html", help="the page to write")
    p.add_argument("--view", choices=("whole", "ego", "coattendance"), default="whole",
                   help="whole graph (default), ego network of --focus, or officials' co-attendance")
    p.add_argument("--focus", metavar="NAME_OR_IRI",
                   help="ego view: the entity at the centre (name, alias, pinyin or IRI)")
    p.add_argument("--depth", type=int, default=1, metavar="N", help="ego view: hops from the focus (default 1)")
    p.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES, metavar="N",
                   help="keep at most N nodes, the most connected (the page says what was left out; "
                        f"0 = no limit; default {DEFAULT_MAX_NODES})")
    p.add_argument("--size", choices=SIZES, default="degree",
                   help="node size by degree in the view (default), or by an official's co-attendance "
                        "weighted degree (shared meetings) or betweenness (kg stats, docs/careers.md)")
    p.add_argument("--color", "--colour", dest="color", choices=COLORS, default="type",
                   help="node colour by entity type (default) or by co-attendance community")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from loaders.graphfile import GraphFileError, read_graph
    from viz.page import write_page
    from viz.views import ViewError

    if not args.output.lower().endswith((".html", ".htm")):
        print(f"{PROG}: {args.output}: the output must be an .html file", file=sys.stderr)
        return 2
    if args.focus and args.view != "ego":
        print(f"{PROG}: --focus needs --view ego", file=sys.stderr)
        return 2
    try:
        graph = read_graph(args.dir)
        path = write_page(graph, args.output, view=args.view, focus=args.focus, depth=args.depth,
                          max_nodes=args.max_nodes or None, size=args.size, color=args.color)
    except (GraphFileError, ViewError) as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"{PROG}: {args.output}: cannot write: {err.strerror or err}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0
