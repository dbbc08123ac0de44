"""Run the Cypher cookbook (``docs/queries/*.cypher``) from Python with parameters.

Why: the cookbook queries take optional parameters (``$name``…); Neo4j refuses a query whose
parameter is missing, so a caller who wants "all officials" must pass null. This fills every
parameter the query names with ``None`` unless given, and never splices values into the text.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

QUERY_DIR = Path(__file__).resolve().parents[1] / "docs" / "queries"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"//[^\n]*")


def cookbook() -> dict[str, Path]:
    """The cookbook's queries by name (file stem)."""
    return {p.stem: p for p in sorted(QUERY_DIR.glob("*.cypher"))}


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
    """Run ``docs/queries/QUERY_NAME.cypher``, e.g. ``run_cookbook(d, "co-attendees", {"name": "韩立新"})``."""
    path = cookbook().get(query_name)
    if path is None:
        raise KeyError(f"no cookbook query {query_name!r} (have: {', '.join(cookbook())})")
    return run_cypher(driver, path.read_text(encoding="utf-8"), params, database)
