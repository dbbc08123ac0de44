"""Helpers for extraction tests: one loaded extractor per session, and record look-ups."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.record import Record

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def extractor():
    from kg.pipeline import default_extractor

    return default_extractor()


def need_shared() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


def names(record: Record, typ: str) -> set[str]:
    return {e.name for e in record.entities if e.type == typ}


def entity(record: Record, name: str, typ: str | None = None):
    for e in record.entities:
        if (e.name == name or name in e.aliases) and (typ is None or e.type == typ):
            return e
    raise AssertionError(f"no entity {name!r} ({typ}) in {[x.name for x in record.entities]}")


def rels(record: Record, kind: str | None = None) -> set[tuple[str, str, str]]:
    by_id = {e.id: e.name for e in record.entities}
    return {(r.type, by_id[r.source], by_id[r.target]) for r in record.relations
            if kind is None or r.type == kind}
