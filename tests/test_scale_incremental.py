"""Incremental builds: only new or changed files are extracted; a changed article's old facts go,
a deleted input drops out, every output follows; the cache is keyed by content, not by path."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.scale import build_scaled
from scale_support import ROOT, cache_entries, corpus, nquads_parts, write_corpus

SEED_ARTICLE = ROOT / "data" / "samples" / "yunlan-2023-03-14-changweihui.txt"
OLD_POLICY, NEW_POLICY = "甲辰清风", "乙巳清风"


def _nq_text(out: Path) -> str:
    return "".join(b.decode("utf-8") for name, b in nquads_parts(out).items() if name.endswith(".nq"))


def _policies(out: Path) -> set[str]:
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    return {n["label"] for n in graph["nodes"].values() if n["type"] == "Policy"} if isinstance(graph["nodes"], dict) \
        else {n["label"] for n in graph["nodes"] if n["type"] == "Policy"}


def _article_paths(out: Path) -> list[str]:
    return [json.loads(line)["doc"]["path"] for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("incremental")


def _write_own(path: Path, policy: str) -> None:
    text = SEED_ARTICLE.read_text(encoding="utf-8").replace("项目攻坚年", policy)
    assert policy in text
    path.write_text(text, encoding="utf-8")


def test_rerun_new_changed_deleted(folder):
    src, out = folder / "src", folder / "out"
    corpus(src, 8, seed=3, bad=False)
    own = src / "zz-own.txt"
    _write_own(own, OLD_POLICY)

    first = build_scaled([str(src)], out, progress=False)
    assert (first.stats.extracted_files, first.stats.cached_files) == (9, 0)
    assert any(OLD_POLICY in p for p in _policies(out))
    graph1 = (out / "graph.json").read_bytes()
    nq1 = nquads_parts(out)

    # the same inputs again: nothing extracted, the same outputs
    again = build_scaled([str(src)], out, progress=False)
    assert (again.stats.extracted_files, again.stats.cached_files) == (0, 9)
    assert (out / "graph.json").read_bytes() == graph1 and nquads_parts(out) == nq1

    # two new articles, one changed, one deleted
    write_corpus(src, 10, seed=3, html_share=0.2, start=8)
    _write_own(own, NEW_POLICY)
    deleted = sorted(src.rglob("article-000001.*"))[0]
    deleted.unlink()
    third = build_scaled([str(src)], out, progress=False)
    assert (third.stats.extracted_files, third.stats.cached_files) == (3, 7)
    assert third.articles == 10 and third.stats.extracted_articles == 3

    policies = _policies(out)
    assert any(NEW_POLICY in p for p in policies) and not any(OLD_POLICY in p for p in policies)
    nq = _nq_text(out)
    assert NEW_POLICY in nq and OLD_POLICY not in nq
    for name in ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "graph.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert OLD_POLICY not in text and (name == "graph.html" or NEW_POLICY in text), name
    paths = _article_paths(out)
    assert str(deleted) not in paths and paths.count(str(own)) == 1
    assert str(deleted) not in (out / "graph.json").read_text(encoding="utf-8")
    # the default cache keeps only what the inputs use now
    assert len(cache_entries(out / ".cache")) == 10 and third.stats.pruned == 2

    # the SPARQL store follows too
    import pyoxigraph as ox

    store = ox.Store.read_only(str(out / "store"))
    labels = {str(s["l"].value) for s in store.query(
        "SELECT ?l WHERE { ?p a <https://w3id.org/zhengwu-kg/ontology#Policy> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }", use_default_graph_as_union=True)}
    assert any(NEW_POLICY in x for x in labels) and not any(OLD_POLICY in x for x in labels)
    del store


def test_a_renamed_file_is_a_cache_hit_with_its_new_path(folder, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    _write_own(src / "a.txt", OLD_POLICY)
    cache = tmp_path / "shared-cache"
    r1 = build_scaled([str(src)], tmp_path / "o1", cache_dir=cache, progress=False)
    (src / "a.txt").rename(src / "renamed.txt")
    r2 = build_scaled([str(src)], tmp_path / "o2", cache_dir=cache, progress=False)
    assert (r1.stats.extracted_files, r2.stats.extracted_files, r2.stats.cached_files) == (1, 0, 1)
    assert _article_paths(tmp_path / "o2") == [str(src / "renamed.txt")]
    # a --cache folder is shared, never pruned; nothing is cached inside the outputs then
    assert r2.stats.pruned == 0 and not (tmp_path / "o2" / ".cache").exists()
    assert len(cache_entries(cache)) == 1


def test_no_cache_keeps_nothing(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_ARTICLE, src / "a.txt")
    r = build_scaled([str(src)], tmp_path / "o", use_cache=False, progress=False)
    assert r.stats.extracted_files == 1 and not (tmp_path / "o" / ".cache").exists()
    assert not Path(r.stats.cache_dir).exists()


def test_a_lexicon_change_extracts_again(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_ARTICLE, src / "a.txt")
    build_scaled([str(src)], tmp_path / "o", progress=False)
    extra = tmp_path / "lex"
    extra.mkdir()
    (extra / "policies.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("ZHENGWU_KG_LEXICONS", str(extra))
    r = build_scaled([str(src)], tmp_path / "o", progress=False)
    assert r.stats.extracted_files == 1 and r.stats.pruned == 1


def test_no_article_at_all_writes_nothing(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    with pytest.raises(ValueError, match="no article could be read"):
        build_scaled([str(src)], tmp_path / "o", progress=False)
    assert not [p for p in (tmp_path / "o").iterdir() if p.name != ".cache"]


def _quads(folder: Path) -> set[str]:
    return {line for p in sorted(folder.glob("part-*.nq")) for line in p.read_text(encoding="utf-8").splitlines()}


def _store_quads(out: Path) -> set[str]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(out / "store"))
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


def test_an_updated_build_equals_a_fresh_build_byte_for_byte(tmp_path, monkeypatch):
    """Blocks copied from the previous build and blocks made now give exactly the files a build from
    scratch writes; the patched store holds exactly the quads a freshly loaded one does."""
    monkeypatch.setenv("ZHENGWU_KG_NQUADS_PART_OBJECTS", "150")
    src, out, fresh = tmp_path / "src", tmp_path / "out", tmp_path / "fresh"
    corpus(src, 16, seed=5, bad=False)
    own = src / "zz-own.txt"
    _write_own(own, OLD_POLICY)
    build_scaled([str(src)], out, progress=False)
    assert len(list((out / "nquads").glob("part-*.nq"))) > 1

    write_corpus(src, 19, seed=5, html_share=0.2, start=16)  # three new articles
    _write_own(own, NEW_POLICY)  # one changed
    sorted(src.rglob("article-000002.*"))[0].unlink()  # one deleted
    again = build_scaled([str(src)], out, progress=False)
    made, copied = again.stats.outputs["rdf objects made"], again.stats.outputs["rdf objects copied"]
    assert 0 < made < copied, again.stats.outputs  # most blocks were copied, not made again
    assert again.stats.outputs.get("store quads changed", 0) > 0  # the store was patched, not reloaded
    assert again.stats.reused_fragments == 15  # resolution reused every unchanged file's fragments

    build_scaled([str(src)], fresh, cache_dir=out / ".cache", progress=False)
    for name in ("graph.json", "graph.nt", "graph.ttl", "graph.trig", "graph.jsonld", "records.jsonl"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    assert _quads(out / "nquads") == _quads(fresh / "nquads")
    assert _store_quads(out) == _store_quads(fresh)
    assert NEW_POLICY in (out / "graph.ttl").read_text(encoding="utf-8")
    assert not any(OLD_POLICY in q for q in _store_quads(out))


def test_a_hand_edited_output_is_written_whole_again(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    corpus(src, 4, seed=6, bad=False)
    build_scaled([str(src)], out, progress=False)
    good = (out / "graph.nt").read_bytes()
    (out / "graph.nt").write_bytes(good.replace(b"zhengwu", b"ZHENGWU", 1))  # the index no longer matches it
    build_scaled([str(src)], out, progress=False)
    assert (out / "graph.nt").read_bytes() == good


@pytest.mark.slow
def test_writers_in_a_forked_child_write_what_they_write_here(tmp_path):
    """graph.json and graph.html are written in a forked child when possible: same bytes either way.
    (Through the CLI: a fresh process has no other threads, which rule the fork out.)"""
    from scale_support import kg_build

    src = tmp_path / "src"
    corpus(src, 5, seed=8, bad=False)
    forked = kg_build(str(src), "--out", str(tmp_path / "a"), "--no-progress")
    assert forked.returncode == 0 and "graph.json (alongside)" in forked.stderr, forked.stderr
    here = kg_build(str(src), "--out", str(tmp_path / "b"), "--cache", str(tmp_path / "a" / ".cache"),
                    "--no-progress", env={"ZHENGWU_KG_NO_FORK": "1"})
    assert here.returncode == 0 and "alongside" not in here.stderr, here.stderr
    for name in ("graph.json", "graph.html", "graph.nt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_small_build_run_again_copies_every_block(tmp_path):
    """A graph far smaller than one N-Quads part still reuses its blocks and patches its store."""
    src = tmp_path / "src"
    corpus(src, 3, seed=9, bad=False)
    build_scaled([str(src)], tmp_path / "out", progress=False)
    again = build_scaled([str(src)], tmp_path / "out", progress=False)
    assert again.stats.outputs["rdf objects made"] == 0 and again.stats.outputs["rdf objects copied"] > 0
    assert again.stats.outputs["store quads changed"] == 0
