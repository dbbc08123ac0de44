"""Run the Cypher cookbook (``loaders/queries/*.cypher``, package data) from Python with parameters.

Why: the cookbook queries take optional parameters (``$name``…); Neo4j refuses a query whose
parameter is missing, so a caller who wants "all officials" must pass null. This fills every
parameter the query names with ``None`` unless given, and never splices values into the text.
"""
from __future__ import annotations

import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

# the cookbook: SPARQL (*.rq) and Cypher (*.cypher) twins, shipped as package data
QUERY_DIR: Traversable = files("loaders") / "queries"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"//[^\n]*")


def cookbook_files(suffix: str) -> dict[str, Traversable]:
    """The cookbook's files ending in ``suffix`` (``.cypher``, ``.rq``) by name (file stem), sorted."""
    found = {p.name[:-len(suffix)]: p for p in QUERY_DIR.iterdir() if p.is_file() and p.name.endswith(suffix)}
    return dict(sorted(found.items()))


def cookbook() -> dict[str, Traversable]:
    """The Cypher cookbook's queries by name (file stem)."""
    return cookbook_files(".cypher")


def parameters(query: str) -> list[str]:
    """The parameter names a query uses (comments ignored)."""
    return sorted(set(_PARAM.findall(_COMMENT.sub("", query))))


def run_cypher(driver: Any, query: str, params: dict[str, Any] | None = None,
               database: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a read query; returns (column names, rows as dicts). Unnamed parameters are null."""
    given = dict(params or {})
    unknown = set(given) - set(parameters(query))
    if unknown:
        raise ValueError(f"the query takes no parameter {', '.join(sorted(unknown))}")
    values = {name: given.get(name) for name in parameters(query)}
    records, _summary, keys = driver.execute_query(query, values, database_=database,
                                                   routing_="r")
    return list(keys), [dict(r) for r in records]


def run_cookbook(driver: Any, query_name: str, params: dict[str, Any] | None = None,
                 database: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """Run ``loaders/queries/QUERY_NAME.cypher``, e.g. ``run_cookbook(d, "co-attendees", {"name": "韩立新"})``."""
    path = cookbook().get(query_name)
    if path is None:
        raise KeyError(f"no cookbook query {query_name!r} (have: {', '.join(cookbook())})")
    return run_cypher(driver, path.read_text(encoding="utf-8"), params, database)
