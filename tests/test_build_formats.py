"""`kg build --formats`: only the chosen outputs are written, each identical to a full build's, and
outputs of other formats a previous build left are removed (they would describe an older graph)."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from _kg_builds import ROOT, SAMPLES
from kg.scale import build_scaled
from kg.writers import OUTPUT_NAMES, parse_formats

FILES = ("yunlan-2023-03-14-changweihui.txt", "zechuan-2024-12-20-changweihui.txt")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    src = tmp_path_factory.mktemp("formats-in")
    for name in FILES:
        shutil.copy(SAMPLES / name, src)
    cache = tmp_path_factory.mktemp("formats-cache")
    full = tmp_path_factory.mktemp("formats-full")
    build_scaled([str(src)], full, cache_dir=cache, progress=False)
    return src, cache, full


def _outputs(folder) -> set[str]:
    return {n for n in OUTPUT_NAMES if (folder / n).exists()}


def test_only_the_chosen_outputs_are_written_and_equal_a_full_builds(corpus, tmp_path):
    src, cache, full = corpus
    out = tmp_path / "out"
    build_scaled([str(src)], out, cache_dir=cache, progress=False, formats=parse_formats("json,ttl,store"))
    assert _outputs(out) == {"graph.json", "graph.ttl", "store"}
    for name in ("graph.json", "graph.ttl"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    import pyoxigraph as ox

    def quads(folder):
        store = ox.Store.read_only(str(folder / "store"))
        return set(store.quads_for_pattern(None, None, None, None))
    assert quads(out) == quads(full)


def test_other_formats_left_by_a_previous_build_are_removed(corpus, tmp_path):
    src, cache, full = corpus
    out = tmp_path / "out"
    build_scaled([str(src)], out, cache_dir=cache, progress=False)
    assert _outputs(out) == set(OUTPUT_NAMES)
    build_scaled([str(src)], out, cache_dir=cache, progress=False, formats=parse_formats("nt,records"))
    assert _outputs(out) == {"graph.nt", "records.jsonl"}
    assert (out / "graph.nt").read_bytes() == (full / "graph.nt").read_bytes()
    assert (out / "records.jsonl").read_bytes() == (full / "records.jsonl").read_bytes()
    build_scaled([str(src)], out, cache_dir=cache, progress=False)  # and back to every output
    for name in ("graph.json", "graph.trig", "graph.jsonld", "records.jsonl"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name


def test_an_unknown_format_is_a_clear_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(SAMPLES / FILES[0]), "--out",
                           str(tmp_path / "out"), "--formats", "json,xlsx"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    assert "unknown output format xlsx" in proc.stderr
    assert not (tmp_path / "out" / "graph.json").exists()
