"""Scale building blocks without the segmenter: cache keys and entries, ordering, N-Quads parts."""
from __future__ import annotations

import json
import os
import random

import pyoxigraph as ox
import pytest

from kg import cache as kc
from kg.cache import RecordCache, content_key, extractor_fingerprint
from kg.parallel import in_order


def _items():
    rec = {"doc": {"id": "abc", "path": "/x/a.jsonl:3", "title": "t", "published": None, "source": None,
                   "url": None, "authors": [], "editors": []},
           "entities": [{"id": "e1", "type": "Official", "name": "王明", "aliases": [], "titles": ["市长"],
                         "mentions": [[0, 2]]}], "relations": []}
    return [{"line": 3, "record": rec, "text": "王明……"}, {"line": 4, "error": "not valid JSON"}]


def test_cache_round_trip_puts_the_asked_path_back(tmp_path):
    c = RecordCache(tmp_path / "cache")
    key = content_key(b"bytes", "fp")
    assert c.get(key, "/x/a.jsonl") is None and not c.has(key)
    c.put(key, "/x/a.jsonl", _items())
    stored = json.loads(next((tmp_path / "cache" / "records").glob("*/*.json")).read_text())
    assert stored["items"][0]["record"]["doc"]["path"] == ""  # no path inside the entry
    back = c.get(key, "/y/renamed.jsonl")
    assert back[0]["record"]["doc"]["path"] == "/y/renamed.jsonl:3"
    assert back[0]["where"] == "/y/renamed.jsonl:3" and back[1]["where"] == "/y/renamed.jsonl:4"
    assert back[0]["text"] == "王明……" and back[1]["error"] == "not valid JSON"
    assert c.stats.writes == 1 and key in c.stats.used


def test_cache_ignores_broken_or_foreign_entries(tmp_path):
    c = RecordCache(tmp_path)
    key = content_key(b"x", "fp")
    f = tmp_path / "records" / key[:2] / f"{key}.json"
    f.parent.mkdir(parents=True)
    f.write_text('{"format": 1, "key": "', encoding="utf-8")  # a torn write (never produced by put)
    assert c.get(key, "a.txt") is None
    f.write_text(json.dumps({"format": 1, "key": "other", "items": []}), encoding="utf-8")
    assert c.get(key, "a.txt") is None


def test_cache_writes_leave_no_temp_files_and_prune_keeps_only_used(tmp_path):
    c = RecordCache(tmp_path)
    keys = [content_key(bytes([i]), "fp") for i in range(5)]
    for k in keys:
        c.put(k, "a.txt", [{"line": None, "error": "x"}])
    stale = tmp_path / "records" / keys[0][:2] / ".tmp-killed.json"
    stale.write_text("half", encoding="utf-8")
    assert set(c.keys()) == set(keys)
    assert c.prune(set(keys[:2])) == 3
    assert set(c.keys()) == set(keys[:2]) and not stale.exists()


def test_key_depends_on_bytes_and_fingerprint():
    assert content_key(b"a", "f1") != content_key(b"b", "f1")
    assert content_key(b"a", "f1") != content_key(b"a", "f2")
    assert content_key(b"a", "f1") == content_key(b"a", "f1")


def test_fingerprint_follows_lexicons_segmenter_and_code(tmp_path, monkeypatch):
    base = extractor_fingerprint("pkuseg")
    assert extractor_fingerprint("pkuseg") == base
    assert extractor_fingerprint("jieba") != base
    assert extractor_fingerprint("pkuseg", max_bytes=123) != base
    (tmp_path / "titles.txt").write_text("x", encoding="utf-8")  # not a lexicon name: ignored
    monkeypatch.setenv("ZHENGWU_KG_LEXICONS", str(tmp_path))
    assert extractor_fingerprint("pkuseg") == base
    (tmp_path / "officials.json").write_text('{"titles": ["巡视员"]}', encoding="utf-8")
    assert extractor_fingerprint("pkuseg") != base
    monkeypatch.delenv("ZHENGWU_KG_LEXICONS")
    monkeypatch.setattr(kc, "code_hash", lambda: "edited")
    kc._fingerprint.cache_clear()
    assert extractor_fingerprint("pkuseg") != base
    kc._fingerprint.cache_clear()


def test_in_order_restores_input_order():
    rng = random.Random(3)
    order = list(range(50))
    rng.shuffle(order)
    got = [i for i, _ in in_order((i, str(i)) for i in order)]
    assert got == list(range(50))


def test_chunks_end_where_their_items_say_so_an_insertion_changes_one_chunk():
    from kg.build import chunked

    items = [f"item-{i}" for i in range(2000)]
    before = list(chunked(items, str))
    assert [x for c in before for x in c] == items and 8 < len(before) < 400
    after = list(chunked(items[:1000] + ["new"] + items[1000:], str))
    assert len([c for c in after if c not in before]) == 1  # only the chunk that took it in differs


def test_gen_corpus_is_deterministic_and_of_the_genre():
    from scale_support import ROOT  # noqa: F401  (puts bench/ on sys.path)
    from gen_corpus import generate

    a = list(generate(40, seed=5))
    assert a == list(generate(40, seed=5))
    assert a != list(generate(40, seed=6))
    assert list(generate(50, seed=5))[:40] == a  # more articles extend the same corpus
    texts = [t for _, t in a]
    assert all("ICP备" in t and "来源：" in t and "相关新闻" in t for t in texts)
    assert sum(t.count("“") for t in texts) >= 40 and sum("要" in t for t in texts) == 40
    assert any(n.endswith(".html") for n, _ in a) and any(n.endswith(".txt") for n, _ in a)
    assert all(400 <= len(t) <= 3000 for t in texts)


def test_build_options_are_on_the_command():
    from kg.cli import build_parser

    args = build_parser().parse_args(["build", "x", "--out", "o", "--workers", "2", "--dask", "local",
                                      "--cache", "c", "--no-progress"])
    assert (args.workers, args.dask, args.cache, args.no_cache, args.progress) == (2, "local", "c", False, False)


def test_zero_workers_is_refused(tmp_path, capsys):
    from kg.cli import main

    assert main(["build", str(tmp_path), "--out", str(tmp_path / "o"), "--workers", "0"]) == 1
    assert "--workers must be at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["kg.parallel", "kg.scale", "kg.cache", "kg.blocks", "kg.progress"])
def test_scale_modules_do_not_load_spacy(name):
    import subprocess
    import sys

    code = f"import sys, {name}; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_worker_that_cannot_start_fails_fast_instead_of_hanging(tmp_path):
    """``spawn`` cannot re-import a main module read from stdin: the pool must say so at once,
    not wait for workers that will never be ready."""
    import subprocess
    import sys
    import time

    from scale_support import ROOT

    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from kg.parallel import ProcessPool, WorkerDied\n"
            "try:\n    with ProcessPool(2):\n        print('started')\n"
            "except WorkerDied as err:\n    print('refused:', err)\n")
    t = time.monotonic()
    out = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True, cwd=tmp_path,
                         timeout=120)
    assert "refused: a worker process could not start" in out.stdout, out.stdout + out.stderr
    assert time.monotonic() - t < 60


def test_a_small_rerun_starts_fewer_workers(monkeypatch):
    from kg.parallel import ProcessPool
    from kg.scale import make_executor

    monkeypatch.delenv("ZHENGWU_KG_ARTICLES_PER_WORKER", raising=False)
    small = make_executor(4, articles=150)
    assert isinstance(small, ProcessPool) and small.workers == 3  # still processes: the model stays out
    assert make_executor(4, articles=700).workers == 4
    assert make_executor(2).workers == 2


def test_fragment_store_appends_deltas_and_compacts(tmp_path):
    from kg.fragment_store import COMPACT_SHARE, FragmentStore

    folder = tmp_path / "fragments"
    units = {f"k{i}": ((), ((None, ("frag", i)),)) for i in range(40)}
    first = FragmentStore(folder, "fp")
    first.load()
    first.save(units, set(units))  # nothing before: a base
    assert [p.name for p in folder.iterdir()] == ["base.marshal"]

    second = FragmentStore(folder, "fp")
    assert second.load() == units
    more = {**units, "new": ((), ((None, ("frag", "new")),))}
    second.save(more, {"new"})  # one new unit: a small delta, the base stays
    assert sorted(p.name for p in folder.iterdir()) == ["base.marshal", "delta-0001.marshal"]
    assert FragmentStore(folder, "fp").load() == more
    assert FragmentStore(folder, "other code").load() == {}  # another fingerprint: nothing reused

    third = FragmentStore(folder, "fp")
    third.load()
    kept = {k: v for k, v in list(more.items())[: int(40 * (1 - COMPACT_SHARE)) - 1]}
    third.save(kept, set())  # many units gone: a new base, the deltas dropped
    assert [p.name for p in folder.iterdir()] == ["base.marshal"]
    assert FragmentStore(folder, "fp").load() == kept


def test_resolver_fingerprint_follows_the_title_rules(tmp_path, monkeypatch):
    """Fragments hold parsed titles: a user's titles.json (or a change to the parser's rules)
    must not reuse fragments parsed with the old rules."""
    from extract.lexicons import load_json
    from kg.scale import resolver_fingerprint
    from kg.titles import rules

    base = resolver_fingerprint("https://example.org/")
    (tmp_path / "titles.json").write_text('{"positions": ["馆员"]}', encoding="utf-8")
    monkeypatch.setenv("ZHENGWU_KG_LEXICONS", str(tmp_path))
    load_json.cache_clear()
    rules.cache_clear()
    try:
        assert resolver_fingerprint("https://example.org/") != base
    finally:
        monkeypatch.delenv("ZHENGWU_KG_LEXICONS")
        load_json.cache_clear()
        rules.cache_clear()
    assert resolver_fingerprint("https://example.org/") == base


def test_fragment_store_holds_keys_not_units(tmp_path, monkeypatch):
    """Opening the store indexes where each unit is; units are read when asked for, in records of
    CHUNK_UNITS; this build's units are readable at once and leave memory when their record is written."""
    import kg.fragment_store as fs

    monkeypatch.setattr(fs, "CHUNK_UNITS", 3)
    folder = tmp_path / "fragments"
    store = fs.FragmentStore(folder, "fp")
    store.open()
    store.begin()
    units = {f"k{i}": ((), ((None, ("frag", i)),)) for i in range(8)}
    for k, u in units.items():
        store.put(k, u)
        assert store.get(k) == u and k in store
    assert len(store._pending) == 2  # 8 = two records of 3 written + 2 pending
    store.commit(units)
    assert [p.name for p in folder.iterdir()] == ["base.marshal"] and not store._pending

    again = fs.FragmentStore(folder, "fp")
    assert again.open() == 8 and not again._pending and again._decoded is None
    assert [again.get(k) for k in units] == list(units.values())
    assert again.get("missing") is None
    again.begin()
    again.put("new", ((), ()))
    again.commit([*units, "new"])  # one new unit: a delta beside the base
    assert sorted(p.name for p in folder.iterdir()) == ["base.marshal", "delta-0001.marshal"]
    assert fs.FragmentStore(folder, "fp").load() == {**units, "new": ((), ())}
    aborted = fs.FragmentStore(folder, "fp")
    aborted.open()
    aborted.begin()
    aborted.put("gone", ((), ()))
    aborted.abort()  # an interrupted build leaves the store as it was
    assert sorted(p.name for p in folder.iterdir()) == ["base.marshal", "delta-0001.marshal"]
