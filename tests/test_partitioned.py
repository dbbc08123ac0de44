"""The partitioned resolution (kg/partitioned.py) makes merge()'s graph, and ``kg build --partitions``
writes the bytes the in-memory build writes — fresh and incremental."""
from __future__ import annotations

import shutil
import sys

import pytest

from _kg_builds import ROOT, SAMPLES
from kg import measures
from kg import partitioned as P
from kg.record import Doc, Entity, Record, Relation
from kg.resolve import DEFAULT_BASE_IRI, article_fragment, divisions, merge
from kg.scale import build_scaled
from kg.writers import OUTPUT_NAMES

sys.path.insert(0, str(ROOT / "bench"))
from scale_records import records as synthetic_records  # noqa: E402


def _record(i: int, date: str, ents: list[tuple], rels: list[tuple] = (), doc_id: str | None = None) -> Record:
    """A record from (type, name, aliases, titles) entities and (type, source index, target index) relations."""
    entities, pos = [], 0
    for k, (etype, name, aliases, titles) in enumerate(ents):
        entities.append(Entity(f"e{k}", etype, name, list(aliases), list(titles), [[pos, pos + len(name)]]))
        pos += len(name) + 3
    relations = [Relation(t, f"e{s}", f"e{o}", [0, pos]) for t, s, o in rels]
    doc = Doc(id=doc_id or f"own{i:03d}", path=f"own/{i:03d}.txt", title=f"第{i}篇", published=date, source="云岚日报")
    return Record(doc, entities, relations)


def _own_records() -> list[Record]:
    """Aliases that chain across articles into one node, an organisation a title names, duplicates."""
    meet, org = "Meeting", "Organization"
    return [
        _record(1, "2024-03-02", [(meet, "云岚市委常委会会议", ["市委常委会"], []),
                                  ("Official", "周启明", [], ["市委书记"]), (org, "市发改委", ["市发展和改革委员会"], []),
                                  ("Official", "韩立新", [], ["市发改委主任"]), ("Policy", "“一网通办”", ["一网通办改革"], [])],
                [("presided", 1, 0), ("attended", 3, 0), ("emphasised", 1, 4), ("directed", 0, 2)]),
        _record(2, "2024-03-02", [(meet, "市委常委会", ["常委会会议"], []), ("Official", "韩立新", [], ["市发改委主任"]),
                                  (org, "市发展和改革委员会", [], [])], [("attended", 1, 0)]),
        _record(3, "2024-04-09", [("Policy", "一网通办改革", ["“放管服”改革"], []), (org, "市发展和改革委员会", [], []),
                                  ("Official", "周启明", [], ["市委书记"]), ("Place", "云岚市", [], [])],
                [("emphasised", 2, 0)]),
        _record(1, "2024-03-02", [(meet, "云岚市委常委会会议", [], [])], doc_id="own001"),  # the same article again
    ]


def _fragments(n_synthetic: int) -> list:
    table = divisions()
    recs = _own_records() + list(synthetic_records(n_synthetic)) + _own_records()[:2]
    return [article_fragment(r, None, table=table) for r in recs]


@pytest.fixture(scope="module")
def fragments():
    return _fragments(400)


@pytest.fixture(scope="module")
def expected(fragments):
    g = merge(fragments, DEFAULT_BASE_IRI)
    measures.annotate(g)
    return g.to_dict()


@pytest.mark.parametrize("parts", [1, 4])
def test_partitioned_merge_is_merge(fragments, expected, parts, tmp_path, monkeypatch):
    monkeypatch.setattr(P, "CHUNK", 97)  # several chunks, batches and partitions, whatever their sizes
    monkeypatch.setattr(P, "BATCH", 13)
    resolved = P.merge_partitioned(iter(fragments), tmp_path / "parts", DEFAULT_BASE_IRI, partitions=parts)
    assert resolved.counts["duplicates"] == 3 and resolved.counts["merged_keys"] >= 3
    assert resolved.counts["chunks"] == -(-len(fragments) // 97)
    got = resolved.graph().to_dict()
    assert got["articles"] == expected["articles"]
    assert got["nodes"] == expected["nodes"]
    assert got["edges"] == expected["edges"]
    # the chained aliases are one meeting, one organisation, one policy; the title found its body
    meeting = [n for n in got["nodes"] if n["type"] == "Meeting" and n["label"] == "云岚市委常委会会议"]
    assert len(meeting) == 1 and {"市委常委会", "常委会会议"} <= set(meeting[0]["aliases"])
    han = next(n for n in got["nodes"] if n["label"] == "韩立新")
    fagai = next(n for n in got["nodes"] if n["label"] == "云岚市发展和改革委员会")
    assert {"市发改委", "市发展和改革委员会"} <= set(fagai["aliases"])
    assert {p["org"] for p in han["posts"]} == {fagai["iri"]}


def test_worker_processes_give_the_same_graph(expected, tmp_path):
    runner = P.Processes(2)
    try:
        resolved = P.merge_partitioned(iter(_fragments(400)), tmp_path / "parts", DEFAULT_BASE_IRI,
                                       partitions=3, runner=runner)
    finally:
        runner.close()
    assert resolved.graph().to_dict() == expected
    assert resolved.worker_peak_rss > 0


def test_the_view_reads_like_the_graph(fragments, expected, tmp_path):
    resolved = P.merge_partitioned(iter(fragments), tmp_path / "parts", DEFAULT_BASE_IRI, partitions=2)
    view = P.GraphView(resolved)
    assert len(view.nodes) == len(expected["nodes"]) and len(view.edges) == len(expected["edges"])
    assert [n.iri for n in view.nodes.values()] == [n["iri"] for n in expected["nodes"]]
    official = next(n["iri"] for n in expected["nodes"] if n["type"] == "Official")
    assert official in view.nodes and view.nodes[official].type == "Official"
    assert DEFAULT_BASE_IRI + "official/nothing" in view.nodes  # (every IRI merge mints is a node's)
    assert "https://elsewhere.example/x" not in view.nodes and view.nodes.get("x") is None


# ------------------------------------------------------------------------------ kg build --partitions

FILES = sorted(p.name for p in SAMPLES.iterdir() if p.is_file())


def _files(folder) -> dict[str, bytes]:
    out = {}
    for name in OUTPUT_NAMES:
        p = folder / name
        if p.is_file():
            out[name] = p.read_bytes()
        elif p.is_dir() and name != "store":
            out.update({f"{name}/{f.name}": f.read_bytes() for f in sorted(p.iterdir())})
    return out


def _store_quads(folder) -> int:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(folder / "store"))
    return len(store)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    src = tmp_path_factory.mktemp("part-in")
    for name in FILES[:-1]:
        shutil.copy(SAMPLES / name, src)
    cache = tmp_path_factory.mktemp("part-cache")
    plain = tmp_path_factory.mktemp("part-plain")
    build_scaled([str(src)], plain, cache_dir=cache, progress=False)
    return src, cache, plain


def test_partitioned_build_writes_the_same_bytes(builds, tmp_path):
    src, cache, plain = builds
    out = tmp_path / "parted"
    result = build_scaled([str(src)], out, cache_dir=cache, progress=False, partitions=3, workers=2)
    assert result.stats.partitions == 3 and result.stats.resolve_peak_rss > 0
    want, got = _files(plain), _files(out)
    assert set(want) == set(got) and {"graph.json", "graph.html", "records.jsonl", "graph.ttl"} <= set(got)
    for name in want:
        assert got[name] == want[name], f"{name} differs"
    assert _store_quads(out) == _store_quads(plain) > 0


def test_partitioned_incremental_rerun_matches_a_fresh_build(builds, tmp_path):
    src, cache, _ = builds
    own = tmp_path / "src"
    shutil.copytree(src, own)
    out = tmp_path / "parted"
    build_scaled([str(own)], out, cache_dir=cache, progress=False, partitions="auto")
    shutil.copy(SAMPLES / FILES[-1], own)  # one more article
    again = build_scaled([str(own)], out, cache_dir=cache, progress=False, partitions=2)
    assert again.stats.extracted_files == 1 and again.stats.outputs.get("rdf objects copied", 0) > 0
    fresh = tmp_path / "fresh"
    build_scaled([str(own)], fresh, cache_dir=cache, progress=False)
    assert _files(out) == _files(fresh)
    assert _store_quads(out) == _store_quads(fresh)


def test_bad_partitions_is_a_clear_error():
    from kg.scale import _partitions_arg

    assert _partitions_arg("auto") == "auto" and _partitions_arg("4") == 4 and _partitions_arg(None) is None
    for bad in ("0", "-2", "many"):
        with pytest.raises(ValueError, match="--partitions must be a positive number or auto"):
            _partitions_arg(bad)


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_graph(expected, tmp_path):
    """The tasks on a dask.distributed LocalCluster (kg build --dask local --partitions N)."""
    pytest.importorskip("distributed")
    with P.runner_for(2, "local") as runner:
        assert isinstance(runner, P.DaskTasks) and runner.workers == 2
        resolved = P.merge_partitioned(iter(_fragments(400)), tmp_path / "parts", DEFAULT_BASE_IRI,
                                       partitions=3, runner=runner)
    assert resolved.graph().to_dict() == expected


def test_the_cli_option_builds_partitioned_and_says_so(builds, tmp_path):
    """kg build --partitions N: the option reaches build_scaled, the summary names the partitions,
    and graph.json is the in-memory build's."""
    from scale_support import kg_build

    src, cache, plain = builds
    out = tmp_path / "cli"
    done = kg_build(str(src), "--out", str(out), "--cache", str(cache), "--partitions", "2", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "resolution: 2 partitions" in done.stdout + done.stderr
    assert (out / "graph.json").read_bytes() == (plain / "graph.json").read_bytes()
    bad = kg_build(str(src), "--out", str(tmp_path / "bad"), "--partitions", "none")
    assert bad.returncode != 0 and "--partitions must be a positive number or auto" in bad.stderr
