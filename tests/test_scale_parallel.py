"""``kg build --workers N``: the same records, graph and N-Quads whatever N; progress and summary."""
from __future__ import annotations

import json
import re

import pytest

from scale_support import assert_same_outputs, corpus, extraction_code_unchanged, kg_build, nquads_parts

PARTS_ENV = {"ZHENGWU_KG_NQUADS_PART_OBJECTS": "100"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def code_before():
    from kg.cache import code_hash

    return code_hash()


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory, code_before):
    return corpus(tmp_path_factory.mktemp("corpus"), 24)


@pytest.fixture(scope="module")
def one_worker(corpus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("w1")
    proc = kg_build(str(corpus_dir), "--out", str(out), "--no-cache", "--progress", env=PARTS_ENV)
    return out, proc


@pytest.fixture(scope="module")
def two_workers(corpus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("w2")
    proc = kg_build(str(corpus_dir), "--out", str(out), "--workers", "2", "--no-progress", env=PARTS_ENV)
    return out, proc


def test_two_workers_give_identical_outputs(one_worker, two_workers, code_before):
    (out1, p1), (out2, p2) = one_worker, two_workers
    assert p1.returncode == 1 and p2.returncode == 1, p1.stderr + p2.stderr  # the bad files fail
    with extraction_code_unchanged(code_before):
        assert_same_outputs(out1, out2)
    records = [json.loads(line) for line in (out1 / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 25  # 24 articles + the good jsonl line
    assert len(nquads_parts(out1)) > 2  # several parts (manifest + part-0000 … )
    assert "by 2 process workers" in p2.stderr and "by 1 in-process worker" in p1.stderr


def test_records_come_in_input_order(one_worker, corpus_dir):
    out, _ = one_worker
    paths = [json.loads(line)["doc"]["path"] for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = sorted(str(p) for p in corpus_dir.rglob("*") if p.is_file() and p.suffix in (".txt", ".html")
                      and p.name not in ("empty.txt", "binary.txt"))
    assert paths == expected + [f"{corpus_dir / 'feed.jsonl'}:1"]  # sorted paths; feed.jsonl sorts last


def test_nquads_parts_match_the_trig_dataset(one_worker):
    import pyoxigraph as ox

    out, _ = one_worker
    manifest = json.loads((out / "nquads" / "manifest.json").read_text())
    parts, trig = ox.Store(), ox.Store()
    assert len(manifest["parts"]) > 1
    for p in manifest["parts"]:
        assert 0 < p["quads"] and p["bytes"] == (out / "nquads" / p["file"]).stat().st_size
        parts.load(path=str(out / "nquads" / p["file"]), format=ox.RdfFormat.N_QUADS)
    trig.load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    assert len(parts) == manifest["quads"] == len(trig) and set(parts) == set(trig)


def test_summary_and_progress_bar_appear(one_worker, corpus_dir):
    _, proc = one_worker
    err = proc.stderr
    assert re.search(r"kg build: extracting: 100%.*\d+/\d+ \[.*(article/s|s/article)", err), err
    assert "kg build: 25 articles (25 extracted from 26 files by 1 in-process worker, 0 files from the cache)" in err
    assert re.search(r"kg build: time: .*extraction [\d.]+ s .*articles/s.*resolution [\d.]+ s, outputs [\d.]+ s", err)
    assert re.search(r"kg build: entities: .*\d+ Meeting.*\d+ Official.*\d+ Organization", err)
    assert re.search(r"kg build: relations: .*\d+ attended.*", err)
    assert "kg build: skipped 3:" in err
    for name, reason in (("binary.txt", ""), ("empty.txt", "empty file"), ("feed.jsonl:2", "not valid JSON")):
        assert re.search(rf"  \S*{re.escape(name)}: .*{reason}", err), (name, err)
    assert re.search(r"peak memory: \d+ MB per worker", err)


def test_no_progress_bar_when_not_asked_off_a_terminal(two_workers):
    _, proc = two_workers
    assert "extracting:" not in proc.stderr and "kg build: entities:" in proc.stderr


def test_extract_parallel_api_gives_the_same_items(corpus_dir):
    from kg.parallel import extract_parallel

    paths = [str(corpus_dir)]
    with extraction_code_unchanged():
        one = list(extract_parallel(paths, workers=1))
        two = list(extract_parallel(paths, workers=2))
        assert one == two
    assert [it["where"] for it in one if "error" in it] == [str(corpus_dir / n) for n in ("binary.txt", "empty.txt")] + \
        [f"{corpus_dir / 'feed.jsonl'}:2"]
    assert all("text" in it and it["record"]["doc"]["path"] == it["where"] for it in one if "record" in it)
