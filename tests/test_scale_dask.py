"""``kg build --dask local``: extraction on a dask.distributed LocalCluster (2 worker processes)
gives the same records, graph and N-Quads as the single-process build."""
from __future__ import annotations

import pytest

from scale_support import assert_same_outputs, corpus, extraction_code_unchanged, kg_build

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


def test_dask_local_cluster_output_is_identical(tmp_path):
    with extraction_code_unchanged():
        _dask_vs_single(tmp_path)


def _dask_vs_single(tmp_path):
    src = corpus(tmp_path / "src", 16, seed=5)
    single, dask = tmp_path / "single", tmp_path / "dask"
    p1 = kg_build(str(src), "--out", str(single), "--no-cache")
    p2 = kg_build(str(src), "--out", str(dask), "--dask", "local", "--no-progress")
    assert p1.returncode == p2.returncode == 1, p1.stderr + p2.stderr  # the bad files are reported, not fatal
    assert "by 2 dask workers" in p2.stderr, p2.stderr
    assert "skipped 3:" in p2.stderr and "feed.jsonl:2: not valid JSON" in p2.stderr
    assert_same_outputs(single, dask)
    # a second run on the cluster takes everything from the cache and starts no cluster at all
    p3 = kg_build(str(src), "--out", str(dask), "--dask", "local", "--no-progress")
    assert "0 extracted from 0 files" in p3.stderr and "18 files from the cache" in p3.stderr, p3.stderr
    assert_same_outputs(single, dask)


def test_unreachable_scheduler_is_one_clear_error(tmp_path):
    import socket

    src = corpus(tmp_path / "src", 1, seed=5, bad=False)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = kg_build(str(src), "--out", str(tmp_path / "o"), "--dask", f"tcp://127.0.0.1:{port}",
                    env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}, timeout=120)
    assert proc.returncode == 1
    assert f"127.0.0.1:{port}" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "o" / "graph.json").exists()


def test_running_cluster_by_address_and_mismatched_workers_refused(tmp_path):
    """``--dask tcp://…`` on a cluster started elsewhere; workers whose lexicons differ from the
    client's are refused before anything is extracted (their records would be cached wrongly)."""
    from distributed import LocalCluster

    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "policies.json").write_text("{}", encoding="utf-8")  # same rules, different lexicon files
    src = corpus(tmp_path / "src", 3, seed=2, bad=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, env={"ZHENGWU_KG_LEXICONS": str(lex)}) as cluster:
        address = cluster.scheduler_address
        refused = kg_build(str(src), "--out", str(tmp_path / "o1"), "--dask", address)
        assert refused.returncode == 1 and "run a different zhengwu-kg extractor" in refused.stderr, refused.stderr
        assert not (tmp_path / "o1" / "graph.json").exists()
        ok = kg_build(str(src), "--out", str(tmp_path / "o2"), "--dask", address,
                      env={"ZHENGWU_KG_LEXICONS": str(lex)})
        assert ok.returncode == 0, ok.stderr
        assert "3 extracted from 3 files by 1 dask worker," in ok.stderr
