"""Shared pytest fixtures. Each part keeps its fixtures in its own module, imported here."""
from conftest_neo4j import neo4j_db, neo4j_server_proc, neo4j_session_driver  # noqa: F401
