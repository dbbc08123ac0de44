"""Helpers for the scale tests: synthetic corpora, CLI builds, output comparison."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import write_corpus  # noqa: E402

COMPARED = ("records.jsonl", "graph.json", "graph.nt", "graph.trig")
# the scale tests' corpora are small: let --workers N start N workers all the same
os.environ.setdefault("ZHENGWU_KG_ARTICLES_PER_WORKER", "1")


def corpus(folder: Path, n: int, seed: int = 11, *, bad: bool = True) -> Path:
    """``n`` synthetic articles (txt and html), plus a jsonl file and, with ``bad``, files that fail."""
    write_corpus(folder, n, seed=seed, html_share=0.2)
    if bad:
        (folder / "empty.txt").write_bytes(b"")
        (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
        lines = [json.dumps({"text": "本报讯 3月2日，市委书记周启明主持召开市委常委会会议。会议强调，要深入推进“一网通办”改革。",
                             "title": "市委常委会召开会议", "source": "云岚日报", "published": "2024-03-02"},
                            ensure_ascii=False), "{not json", ""]
        (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def kg_build(*args: str, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    """``kg build ARGS`` in a subprocess (the real CLI)."""
    return subprocess.run([sys.executable, "-m", "kg.cli", "build", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, **(env or {})})


def nquads_parts(out: Path) -> dict[str, bytes]:
    folder = out / "nquads"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def assert_same_outputs(a: Path, b: Path) -> None:
    """Byte-identical records, graph files and N-Quads parts."""
    for name in COMPARED:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs between {a} and {b}"
    assert nquads_parts(a) == nquads_parts(b), "N-Quads parts differ"


def cache_entries(cache: Path) -> set[str]:
    return {f.stem for f in (cache / "records").glob("*/*.json")}


@contextlib.contextmanager
def extraction_code_unchanged(before: str | None = None):
    """Counting extractions across CLI runs assumes the extraction code stays the same: when another
    developer edits extract/*.py during the test, the cache rightly misses, so a failed count is
    turned into a skip that says why (in CI the code never changes under a test)."""
    from kg.cache import code_hash

    before = before or code_hash()
    try:
        yield
    except AssertionError:
        if code_hash() != before:
            pytest.skip("the extraction code changed while the test ran, so the cache rightly missed")
        raise
