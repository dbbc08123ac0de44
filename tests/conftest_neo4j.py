"""Pytest fixtures for the real Neo4j 5.26 test server (imported by tests/conftest.py).

The server starts once per session, and only when a selected test asks for it (``pytest -k neo4j``
starts it; ``-m 'not slow'`` never does). In CI (``CI=true``) a server that cannot start fails the
tests: they are never skipped there.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import neo4j_server


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def start_or_fail(home: Path) -> neo4j_server.Neo4jServer:
    """Start a server; outside CI a machine without Java/Maven skips, in CI it fails."""
    try:
        return neo4j_server.start(home)
    except (neo4j_server.ServerStartError, OSError) as exc:
        if _in_ci() or os.environ.get("NEO4J_TESTS_REQUIRED"):
            pytest.fail(f"Neo4j test server did not start: {exc}", pytrace=False)
        pytest.skip(f"Neo4j test server did not start (outside CI): {exc}")


@pytest.fixture(scope="session")
def neo4j_server_proc() -> Iterator[neo4j_server.Neo4jServer]:
    """The session's Neo4j server (Bolt on 127.0.0.1, auth on, random password)."""
    with tempfile.TemporaryDirectory(prefix="kg-neo4j-test-") as tmp:
        server = start_or_fail(Path(tmp) / "home")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def neo4j_session_driver(neo4j_server_proc):
    import neo4j

    driver = neo4j.GraphDatabase.driver(neo4j_server_proc.uri,
                                        auth=(neo4j_server_proc.user, neo4j_server_proc.password))
    driver.verify_connectivity()
    yield driver
    driver.close()


def wipe(driver) -> None:
    """Empty the database: data, then every constraint and index (names quoted as identifiers)."""
    with driver.session() as session:  # CALL … IN TRANSACTIONS needs an auto-commit transaction
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
    for kind in ("CONSTRAINT", "INDEX"):
        records = driver.execute_query(f"SHOW {kind}ES YIELD name, type" if kind == "INDEX"
                                       else "SHOW CONSTRAINTS YIELD name, type").records
        for rec in records:
            if kind == "INDEX" and rec["type"] == "LOOKUP":
                continue  # the built-in token lookup indexes stay
            name = rec["name"].replace("`", "``")
            driver.execute_query(f"DROP {kind} `{name}` IF EXISTS")


@pytest.fixture
def neo4j_db(neo4j_session_driver):
    """A driver on an empty database (wiped before each test)."""
    wipe(neo4j_session_driver)
    return neo4j_session_driver
