"""Interrupted builds (kill -9, Ctrl-C) resume from the cache, end identical to an uninterrupted
build, never leave an output half-written, and leave no worker process behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from scale_support import ROOT, assert_same_outputs, cache_entries, corpus, extraction_code_unchanged, kg_build

pytestmark = pytest.mark.slow

N = 60


@pytest.fixture(scope="module")
def code_before() -> str:
    from kg.cache import code_hash

    return code_hash()


@pytest.fixture(scope="module")
def src(tmp_path_factory, code_before) -> Path:
    return corpus(tmp_path_factory.mktemp("src"), N, seed=9, bad=False)


@pytest.fixture(scope="module")
def reference(src, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    proc = kg_build(str(src), "--out", str(out), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    return out


def _start(src: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(src), "--out", str(out), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_entries(proc: subprocess.Popen, cache: Path, at_least: int, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = len(cache_entries(cache)) if (cache / "records").exists() else 0
        if n >= at_least:
            return n
        assert proc.poll() is None, proc.communicate()[1]
        time.sleep(0.02)
    raise AssertionError("the build extracted nothing in time")


def _outputs_of(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in ("graph.json", "graph.nt", "records.jsonl") if (out / n).exists()}


def test_kill_9_mid_extraction_then_resume(src, reference, tmp_path, code_before):
    with extraction_code_unchanged(code_before):
        _kill_9_then_resume(src, reference, tmp_path)


def _kill_9_then_resume(src, reference, tmp_path):
    out = tmp_path / "out"
    # a complete earlier build in DIR: a killed build must leave it as it was
    small = corpus(tmp_path / "small", 2, seed=1, bad=False)
    assert kg_build(str(small), "--out", str(out), "--cache", str(tmp_path / "other-cache")).returncode == 0
    before = _outputs_of(out)

    proc = _start(src, out, "--workers", "2", "--no-progress")
    _wait_for_entries(proc, out / ".cache", 5)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert len(workers) >= 2
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    time.sleep(0.5)
    done = cache_entries(out / ".cache")
    assert 5 <= len(done) < N, "kill came too late to test a resume"
    assert _outputs_of(out) == before  # old outputs untouched, nothing half-written
    # the workers notice their parent died and exit (no 1 GB orphans)
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, [p.pid for p in alive]

    resumed = kg_build(str(src), "--out", str(out), "--workers", "2", "--no-progress")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{N - len(done)} extracted from {N - len(done)} files" in resumed.stderr, resumed.stderr
    assert f"{len(done)} files from the cache" in resumed.stderr
    assert_same_outputs(reference, out)
    assert not list(out.glob(".kg-build-*")) and not list(out.glob(".records.jsonl.*"))


def test_ctrl_c_stops_cleanly_and_resumes(src, reference, tmp_path, code_before):
    with extraction_code_unchanged(code_before):
        _ctrl_c_then_resume(src, reference, tmp_path)


def _ctrl_c_then_resume(src, reference, tmp_path):
    out = tmp_path / "out"
    proc = _start(src, out, "--no-progress")
    _wait_for_entries(proc, out / ".cache", 3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted" in err, err
    assert not (out / "graph.json").exists() and not list(out.glob(".*.tmp")) and not list(out.glob(".kg-build-*"))
    done = len(cache_entries(out / ".cache"))
    assert 3 <= done < N
    resumed = kg_build(str(src), "--out", str(out), "--no-progress")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{N - done} extracted" in resumed.stderr and f"{done} files from the cache" in resumed.stderr
    assert_same_outputs(reference, out)


def test_a_dead_worker_fails_the_build_clearly_and_it_resumes(src, reference, tmp_path, code_before):
    """A worker killed mid-build (as the OOM killer would) stops the build with one clear error,
    instead of hanging it; the next run resumes from the cache."""
    with extraction_code_unchanged(code_before):
        out = tmp_path / "out"
        proc = _start(src, out, "--workers", "2", "--no-progress")
        _wait_for_entries(proc, out / ".cache", 3)
        victim = [p for p in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(p.cmdline())
                  and "resource_tracker" not in " ".join(p.cmdline())][0]
        victim.kill()
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 1 and "a worker process died" in err and "Traceback" not in err, err
        assert not (out / "graph.json").exists()
        done = len(cache_entries(out / ".cache"))
        resumed = kg_build(str(src), "--out", str(out), "--workers", "2", "--no-progress")
        assert resumed.returncode == 0, resumed.stderr
        assert f"{done} files from the cache" in resumed.stderr
        assert_same_outputs(reference, out)
