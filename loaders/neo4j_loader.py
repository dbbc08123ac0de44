"""Load a resolved graph into a live Neo4j over Bolt: idempotent, batched, parameters only.

Why this shape: every row goes through ``UNWIND $rows AS row MERGE …`` keyed by IRI, so loading the
same build twice changes nothing and a build with new articles adds only what is new; each batch is
its own managed transaction (``execute_write``), which the driver retries on transient errors, so a
load that dies half-way is finished by running it again. Labels and relationship types are never
taken from data: they come from the whitelist in ``neo4j_model`` and are checked before use.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.graph import Graph
from loaders.neo4j_model import (
    ALL_LABELS, ALL_REL_TYPES, ARTICLE_LABEL, ENTITY_LABEL, NODE_LABELS, POST_LABEL, Model,
    NodeSet, RelSet, build_model,
)

DEFAULT_BATCH_SIZE = 1000


class Neo4jLoadError(Exception):
    """A load failed for a reason the user can act on (message is one line)."""


URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> None:
    """Refuse a URI the Bolt driver cannot use, before connecting: an ``http://`` URI (the browser's
    port) would otherwise end in the driver's ``ModuleNotFoundError: aiohttp``."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(uri)
        scheme, host, _ = parts.scheme.lower(), parts.hostname, parts.port  # .port checks the number
    except ValueError as exc:
        raise Neo4jLoadError(f"bad Neo4j URI {uri!r}: {exc}") from None
    if scheme not in URI_SCHEMES:
        hint = " (7474 is the HTTP port of the browser; Bolt listens on 7687)" if scheme in ("http", "https") else ""
        raise Neo4jLoadError(f"bad Neo4j URI {uri!r}: the scheme must be one of "
                             f"{', '.join(s + '://' for s in URI_SCHEMES)}{hint}")
    if not host:
        raise Neo4jLoadError(f"bad Neo4j URI {uri!r}: no host (e.g. bolt://127.0.0.1:7687)")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def add(self, other: "Counts") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class LoadSummary:
    """What a load did: per label / relationship type, rows created, updated or already there."""

    nodes: dict[str, Counts] = field(default_factory=dict)
    relationships: dict[str, Counts] = field(default_factory=dict)
    constraints_added: int = 0
    indexes_added: int = 0
    batches: int = 0
    seconds: float = 0.0

    def totals(self, which: str) -> Counts:
        out = Counts()
        for c in getattr(self, which).values():
            out.add(c)
        return out

    @property
    def changed(self) -> bool:
        n, r = self.totals("nodes"), self.totals("relationships")
        return bool(n.created or n.updated or r.created or r.updated)

    def lines(self) -> list[str]:
        """A human summary: one line per kind, then per label/type."""
        out = []
        for which in ("nodes", "relationships"):
            t = self.totals(which)
            out.append(f"{which}: {t.created} created, {t.updated} updated, "
                       f"{t.unchanged} unchanged (matched {t.updated + t.unchanged})")
            for name, c in sorted(getattr(self, which).items()):
                out.append(f"  {name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged")
        out.append(f"schema: {self.constraints_added} constraints and {self.indexes_added} indexes added; "
                   f"{self.batches} batches in {self.seconds:.1f}s")
        return out


# --- Cypher, built only from whitelisted names ------------------------------------------------

def _label(name: str) -> str:
    if name not in ALL_LABELS:
        raise ValueError(f"label {name!r} is not in the model's whitelist")
    return name


def _rel_type(name: str) -> str:
    if name not in ALL_REL_TYPES:
        raise ValueError(f"relationship type {name!r} is not in the model's whitelist")
    return name


def schema_statements() -> list[str]:
    """Uniqueness constraints on every node key and lookup indexes; all idempotent."""
    # Each statement names its own variable, so the list also works as one file (schema.cypher of a
    # CSV export): neo4j-admin's --schema (Enterprise) parses such a file whole and refuses a
    # variable declared twice.
    stmts = [
        f"CREATE CONSTRAINT {k.lower()}_iri IF NOT EXISTS FOR (c{i}:{_label(k)}) REQUIRE c{i}.iri IS UNIQUE"
        for i, k in enumerate((ENTITY_LABEL, ARTICLE_LABEL, POST_LABEL))
    ]
    stmts += [f"CREATE INDEX {lab.lower()}_name IF NOT EXISTS FOR (i{i}:{_label(lab)}) ON (i{i}.name)"
              for i, lab in enumerate(NODE_LABELS.values())]
    stmts += [
        "CREATE INDEX article_published IF NOT EXISTS FOR (ap:Article) ON (ap.published)",
        "CREATE INDEX post_title IF NOT EXISTS FOR (pt:Post) ON (pt.title)",
    ]
    return stmts


# Rows whose stored hash equals the new one are left alone; others are (re)written whole.
_WRITE_IF_STALE = (
    "WITH {var}, row, ({var}.kg_hash IS NULL OR {var}.kg_hash <> row.hash) AS stale "
    "FOREACH (_ IN CASE WHEN stale THEN [1] ELSE [] END | "
    "SET {var} = row.props{key}, {var}.kg_hash = row.hash{extra}) "
    "RETURN count(*) AS seen, sum(CASE WHEN stale THEN 1 ELSE 0 END) AS written"
)


def node_query(ns: NodeSet) -> str:
    """``UNWIND $rows … MERGE`` for one node set; type labels are swapped if an entity's type changed."""
    merge, label = _label(ns.merge_label), _label(ns.label)
    extra = ""
    if label != merge:
        others = sorted(set(NODE_LABELS.values()) - {label})
        extra = f" SET n:{label} REMOVE n:{':'.join(_label(o) for o in others)}"
    return (f"UNWIND $rows AS row MERGE (n:{merge} {{iri: row.key}}) "
            + _WRITE_IF_STALE.format(var="n", key=", n.iri = row.key", extra=extra))


def rel_query(rs: RelSet) -> str:
    """``UNWIND $rows … MATCH endpoints … MERGE`` for one relationship type."""
    return (f"UNWIND $rows AS row "
            f"MATCH (a:{_label(rs.source_label)} {{iri: row.source}}) "
            f"MATCH (b:{_label(rs.target_label)} {{iri: row.target}}) "
            f"MERGE (a)-[r:{_rel_type(rs.type)}]->(b) "
            + _WRITE_IF_STALE.format(var="r", key="", extra=""))


# --- running ------------------------------------------------------------------------------------

def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield list(rows[i:i + size])


def _write_batch(tx: Any, query: str, rows: list[dict[str, Any]], is_node: bool) -> tuple[int, int, int]:
    result = tx.run(query, rows=rows)
    record = result.single(strict=True)
    counters = result.consume().counters
    created = counters.nodes_created if is_node else counters.relationships_created
    return int(record["seen"]), int(record["written"] or 0), int(created)


def ensure_schema(driver: Any, database: str | None = None) -> tuple[int, int]:
    """Create constraints and indexes if missing and wait for them; returns (constraints, indexes) added."""
    added_c = added_i = 0
    with driver.session(database=database) as session:
        for stmt in schema_statements():
            counters = session.execute_write(lambda tx, q=stmt: tx.run(q).consume().counters)
            added_c += counters.constraints_added
            added_i += counters.indexes_added
        session.run("CALL db.awaitIndexes(300)").consume()
    return added_c, added_i


ProgressHook = Callable[[int, int], None]


def load_model(driver: Any, model: Model, *, database: str | None = None,
               batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = True,
               on_batch: ProgressHook | None = None, schema: bool = True) -> LoadSummary:
    """Write every node set then every relationship set in batches of ``batch_size`` rows.

    ``on_batch(done_rows, total_rows)`` is called after each committed batch.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    from tqdm import tqdm

    start = time.perf_counter()
    summary = LoadSummary()
    if schema:
        summary.constraints_added, summary.indexes_added = ensure_schema(driver, database)
    total = model.total_rows
    done = 0
    work: list[tuple[str, str, list[dict[str, Any]], bool, dict[str, Counts]]] = []
    for ns in model.nodes:
        work.append((ns.label, node_query(ns), ns.rows, True, summary.nodes))
    for rs in model.relationships:
        work.append((rs.type, rel_query(rs), rs.rows, False, summary.relationships))
    with driver.session(database=database) as session, \
            tqdm(total=total, unit="row", desc="neo4j load", disable=not progress, leave=False) as bar:
        for name, query, rows, is_node, bucket in work:
            counts = bucket.setdefault(name, Counts())
            for batch in _batches(rows, batch_size):
                seen, written, created = session.execute_write(_write_batch, query, batch, is_node)
                if seen != len(batch):
                    raise Neo4jLoadError(
                        f"{name}: {len(batch) - seen} of {len(batch)} rows found no endpoint nodes; "
                        "the database holds a different graph under these IRIs")
                counts.add(Counts(created=created, updated=written - created, unchanged=seen - written))
                summary.batches += 1
                done += len(batch)
                bar.update(len(batch))
                if on_batch is not None:
                    on_batch(done, total)
    summary.seconds = time.perf_counter() - start
    return summary


def load_graph(driver: Any, graph: Graph, **kwargs: Any) -> LoadSummary:
    """Load a resolved graph (see ``load_model`` for the options)."""
    return load_model(driver, build_model(graph), **kwargs)


def connect(uri: str, user: str, password: str, *, database: str | None = None,
            max_retry_time: float = 30.0, connection_timeout: float = 10.0) -> Any:
    """An open, verified driver; a clear ``Neo4jLoadError`` when the server or the credentials fail."""
    check_uri(uri)
    import neo4j
    from neo4j.exceptions import AuthError, ClientError, ServiceUnavailable

    try:
        driver = neo4j.GraphDatabase.driver(
            uri, auth=(user, password), max_transaction_retry_time=max_retry_time,
            connection_timeout=connection_timeout, connection_acquisition_timeout=connection_timeout)
    except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
        raise Neo4jLoadError(f"bad Neo4j URI {uri!r}: {exc}") from exc
    try:
        driver.verify_connectivity()
        with driver.session(database=database) as session:  # a missing database fails here
            session.run("RETURN 1").consume()
    except AuthError as exc:
        driver.close()
        raise Neo4jLoadError(f"authentication failed for user {user!r} at {uri} "
                             "(wrong user or password)") from exc
    except ServiceUnavailable as exc:
        driver.close()
        raise Neo4jLoadError(f"cannot reach Neo4j at {uri}: {_first_line(exc)}") from exc
    except ClientError as exc:
        driver.close()
        raise Neo4jLoadError(describe_failure(exc, uri)) from exc
    return driver


def describe_failure(exc: BaseException, uri: str) -> str:
    """One line for a driver error raised mid-load."""
    from neo4j.exceptions import (
        AuthError, ClientError, DriverError, IncompleteCommit, ServiceUnavailable, SessionExpired,
        TransientError,
    )

    if isinstance(exc, Neo4jLoadError):
        return str(exc)
    if isinstance(exc, AuthError):
        return f"authentication failed at {uri} (wrong user or password)"
    if isinstance(exc, (ServiceUnavailable, SessionExpired, IncompleteCommit, TransientError)):
        return (f"lost the Neo4j server at {uri} during the load ({_first_line(exc)}); "
                "committed batches are kept, run the same command again to finish")
    if isinstance(exc, ClientError):
        if getattr(exc, "code", "") == "Neo.ClientError.Database.DatabaseNotFound":
            return f"database not found at {uri}: {_first_line(exc)}"
        return f"Neo4j at {uri} refused the load: {_first_line(exc)}"
    if isinstance(exc, DriverError):
        return f"Neo4j driver error talking to {uri}: {_first_line(exc)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    msg = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(msg).split())[:300]
