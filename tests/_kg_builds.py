"""Builds shared by the RDF/SPARQL tests (made once per test session), and the Jena tools."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
QUERIES = ROOT / "loaders" / "queries"  # the cookbook (package data)
JENA_VERSION = "5.6.0"
JENA_JAR = Path.home() / ".m2/repository/org/apache/jena/jena-fuseki-server" / JENA_VERSION / \
    f"jena-fuseki-server-{JENA_VERSION}.jar"

_TMP = Path(tempfile.mkdtemp(prefix="kg-test-builds-"))
atexit.register(shutil.rmtree, _TMP, True)


@lru_cache(maxsize=None)
def fixture_build() -> Path:
    """The hand-made test articles (tests/_kg_articles.py) built into a folder."""
    from _kg_articles import TEXTS, all_records
    from kg.build import build_from_records

    out = _TMP / "fixture"
    build_from_records(all_records(), out, texts=TEXTS)
    return out


@lru_cache(maxsize=None)
def samples_build() -> Path:
    """``kg build data/samples`` through the real CLI (extraction included)."""
    out = _TMP / "samples"
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(SAMPLES), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return out


def jena_jar() -> Path:
    """The Jena jar (scripts/setup.d/30-jena.sh); in CI a missing jar fails instead of skipping."""
    if JENA_JAR.is_file() and shutil.which("java"):
        return JENA_JAR
    if os.environ.get("CI"):
        pytest.fail(f"Jena missing ({JENA_JAR}): scripts/setup.d/30-jena.sh should have fetched it")
    pytest.skip("Jena command-line tools not installed (run scripts/setup.d/30-jena.sh)")


def jena(tool: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["java", "-cp", str(jena_jar()), tool, *args], capture_output=True, text=True,
                          timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``kg serve DIR`` as a real subprocess on 127.0.0.1 and a free port."""

    def __init__(self, build_dir: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.endpoint = self.url + "/sparql"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(build_dir), "--host", "127.0.0.1",
                                      "--port", str(self.port), *extra], cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kg serve exited: {self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"kg serve did not answer within 60 s: {self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def normalise_bindings(doc: dict) -> list[tuple]:
    """SPARQL JSON results → sorted comparable rows (language tags compared case-insensitively)."""
    if "boolean" in doc:
        return [("boolean", doc["boolean"])]
    rows = []
    for b in doc["results"]["bindings"]:
        row = []
        for var in sorted(b):
            t = b[var]
            kind = "literal" if t["type"] == "typed-literal" else t["type"]
            row.append((var, kind, t["value"], (t.get("xml:lang") or "").lower(), t.get("datatype", "")))
        rows.append(tuple(row))
    return sorted(rows)


def local_json(build_dir: Path, query: str, params: dict | None = None) -> dict:
    from loaders.sparql_store import open_store, run_query, serialize

    return json.loads(serialize(run_query(open_store(build_dir), query, params=params), "json"))
