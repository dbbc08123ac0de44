"""Read a build's ``graph.json`` back into a ``Graph``, with one clear error naming the file.

Why: ``kg load`` and ``kg export`` take a build directory; a missing or damaged file must say which
file and why, not end in a traceback.
"""
from __future__ import annotations

import json
from pathlib import Path

from kg.graph import Graph


class GraphFileError(Exception):
    """The build directory holds no readable graph.json."""


def graph_path(build_dir: str | Path) -> Path:
    p = Path(build_dir)
    return p if p.is_file() else p / "graph.json"


def read_graph(build_dir: str | Path) -> Graph:
    """The resolved graph of a build directory (or of a graph.json given directly)."""
    path = graph_path(build_dir)
    if not path.exists():
        raise GraphFileError(f"{path}: not found (run `kg build ... --out {Path(build_dir)}` first)")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise GraphFileError(f"{path}: cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise GraphFileError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    try:
        return Graph.from_dict(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise GraphFileError(f"{path}: not a zhengwu-kg graph ({type(exc).__name__}: {exc})") from exc
