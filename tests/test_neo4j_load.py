"""``kg load neo4j`` against a real Neo4j 5.26 server (tests/neo4j-server, started once per session)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import neo4j_server
from conftest_neo4j import start_or_fail
from kg.graph import Graph
from loaders.neo4j_csv import export_csv
from loaders.neo4j_loader import connect, load_graph
from loaders.neo4j_model import build_model
from neo4j_graphs import (
    HOSTILE_NAMES, add_article, expected_counts, sample_graph, synthetic_graph, write_build,
)

pytestmark = [pytest.mark.slow, pytest.mark.neo4j]
ROOT = Path(__file__).resolve().parents[1]


# --- helpers ----------------------------------------------------------------------------------

def db_counts(driver) -> dict[str, int]:
    """Nodes per label and relationships per type, as the database reports them."""
    out: dict[str, int] = {}
    for rec in driver.execute_query("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c").records:
        out[rec["l"]] = rec["c"]
    for rec in driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c").records:
        out[rec["t"]] = rec["c"]
    return out


def fingerprint(driver) -> tuple[list[str], list[str]]:
    """Every node (labels + properties) and relationship (type, endpoints, properties), sorted."""
    nodes = sorted(json.dumps([sorted(r["l"]), r["p"]], ensure_ascii=False, sort_keys=True)
                   for r in driver.execute_query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p").records)
    rels = sorted(json.dumps([r["t"], r["a"], r["b"], r["p"]], ensure_ascii=False, sort_keys=True)
                  for r in driver.execute_query(
                      "MATCH (a)-[r]->(b) RETURN type(r) AS t, a.iri AS a, b.iri AS b, properties(r) AS p").records)
    return nodes, rels


def assert_complete(driver, graph: Graph) -> None:
    """The database holds exactly the graph: counts per label/type, no duplicate keys."""
    assert db_counts(driver) == expected_counts(graph)
    dup = driver.execute_query(
        "MATCH (n) WITH n.iri AS iri, count(*) AS c WHERE c > 1 RETURN count(*) AS d").records[0]["d"]
    assert dup == 0
    dup_rel = driver.execute_query(
        "MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, count(*) AS c WHERE c > 1 RETURN count(*) AS d"
    ).records[0]["d"]
    assert dup_rel == 0


def run_kg(args: list[str], password: str | None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    if password is not None:
        env["NEO4J_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=str(ROOT), env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


def loader_driver(server):
    return connect(server.uri, server.user, server.password)


# --- loading ----------------------------------------------------------------------------------

def test_neo4j_load_counts_equal_the_graph(neo4j_db, neo4j_server_proc):
    g = sample_graph()
    with loader_driver(neo4j_server_proc) as driver:
        summary = load_graph(driver, g, progress=False)
    assert_complete(neo4j_db, g)
    n, r = summary.totals("nodes"), summary.totals("relationships")
    assert n.created == len(g.nodes) + len(g.articles) + expected_counts(g)["Post"]
    assert r.created == sum(v for k, v in expected_counts(g).items() if k.isupper())
    assert n.updated == n.unchanged == r.updated == r.unchanged == 0
    assert summary.constraints_added == 3
    # every entity has Entity plus exactly one type label; keys are the IRIs
    bad = neo4j_db.execute_query(
        "MATCH (n:Entity) WHERE size(labels(n)) <> 2 RETURN count(n) AS c").records[0]["c"]
    assert bad == 0
    keys = {r["iri"] for r in neo4j_db.execute_query("MATCH (n:Entity) RETURN n.iri AS iri").records}
    assert keys == set(g.nodes)


def test_neo4j_provenance_on_relationships(neo4j_db, neo4j_server_proc):
    g = sample_graph()
    with loader_driver(neo4j_server_proc) as driver:
        load_graph(driver, g, progress=False)
    for e in g.edges:
        rec = neo4j_db.execute_query(
            f"MATCH (a:Entity {{iri: $s}})-[r:{e.type.upper()}]->(b:Entity {{iri: $t}}) "
            "RETURN r.articles AS a, r.starts AS s, r.ends AS e, r.sentences AS x, r.dates AS d",
            s=e.source, t=e.target).records
        assert len(rec) == 1
        got = sorted(zip(rec[0]["a"], rec[0]["s"], rec[0]["e"], rec[0]["x"], rec[0]["d"]))
        want = sorted((p.article, p.start, p.end, p.sentence, p.date or "") for p in e.provenance)
        assert got == want
    # the official's posts over time, from HOLDS_POST
    rows = neo4j_db.execute_query(
        "MATCH (o:Official {iri: $o})-[h:HOLDS_POST]->(p:Post) RETURN p.title AS t, p.date AS d, "
        "h.articles AS a ORDER BY d, t", o="https://zhengwu-kg.example/id/official/ke-ke").records
    assert [(r["t"], r["d"], r["a"][0][-2:]) for r in rows] == [
        ("市委副书记", "2020-01-29", "a1"), ("市长", "2020-01-29", "a1"), ("代市长", None, "a2")]
    orgs = neo4j_db.execute_query(
        "MATCH (:Official {name: '陈瑞峰'})-[:HOLDS_POST]->(p:Post)-[:POST_IN]->(o:Organization) "
        "RETURN p.title AS t, o.name AS o").records
    assert [(r["t"], r["o"]) for r in orgs] == [("市委书记", "中共随州市委")] * 2


def test_neo4j_hostile_names_load_verbatim(neo4j_db, neo4j_server_proc):
    g = sample_graph()
    with loader_driver(neo4j_server_proc) as driver:
        load_graph(driver, g, progress=False)
    names = {r["n"] for r in neo4j_db.execute_query("MATCH (n:Entity) RETURN n.name AS n").records}
    for name in HOSTILE_NAMES:
        assert name in names
    aliases = neo4j_db.execute_query(
        "MATCH (n:Official {name: $n}) RETURN n.aliases AS a", n=HOSTILE_NAMES[0]).records[0]["a"]
    assert aliases == [HOSTILE_NAMES[1]]
    titles = neo4j_db.execute_query("MATCH (p:Post) WHERE p.title STARTS WITH '副市长' RETURN p.title AS t").records
    assert [r["t"] for r in titles] == ["副市长`}) RETURN 1 //"]
    sentence = neo4j_db.execute_query(
        "MATCH (:Official {name: $n})-[r:EMPHASISED]->(p:Policy) RETURN r.sentences AS s, p.name AS p",
        n=HOSTILE_NAMES[0]).records[0]
    assert sentence["s"] == [f"他强调{HOSTILE_NAMES[3]}。\n第二行"] and sentence["p"] == HOSTILE_NAMES[3]
    assert_complete(neo4j_db, g)  # the "DETACH DELETE" names deleted nothing


def test_neo4j_reload_changes_nothing(neo4j_db, neo4j_server_proc):
    g = sample_graph()
    with loader_driver(neo4j_server_proc) as driver:
        load_graph(driver, g, progress=False)
        before = fingerprint(neo4j_db)
        again = load_graph(driver, g, progress=False)
    assert not again.changed
    assert again.totals("nodes").unchanged == len(g.nodes) + len(g.articles) + expected_counts(g)["Post"]
    assert again.constraints_added == 0 and again.indexes_added == 0
    assert fingerprint(neo4j_db) == before
    assert_complete(neo4j_db, g)


def test_neo4j_new_article_adds_only_its_facts(neo4j_db, neo4j_server_proc):
    g1 = sample_graph()
    g2 = add_article(g1)
    with loader_driver(neo4j_server_proc) as driver:
        load_graph(driver, g1, progress=False)
        nodes_before, rels_before = fingerprint(neo4j_db)
        summary = load_graph(driver, g2, progress=False)
    e1, e2 = expected_counts(g1), expected_counts(g2)
    assert_complete(neo4j_db, g2)
    nodes_after, rels_after = fingerprint(neo4j_db)
    n, r = summary.totals("nodes"), summary.totals("relationships")
    assert n.created == sum(e2[k] - e1[k] for k in ("Article", "Entity", "Post")) == 6
    assert r.created == sum(e2[k] - e1[k] for k in e2 if k.isupper()) == 10
    # nothing that was there changed: every old node and relationship is as it was
    assert n.updated == 0 and r.updated == 0
    assert set(nodes_before) <= set(nodes_after)
    assert set(rels_before) <= set(rels_after)
    a3 = "https://zhengwu-kg.example/id/article/a3"
    new_facts = neo4j_db.execute_query(
        "MATCH ()-[r]->() WHERE $a IN r.articles OR startNode(r).iri = $a RETURN count(r) AS c",
        a=a3).records[0]["c"]
    # 3 edges, 2 HOLDS_POST and 1 POST_IN citing it, 4 MENTIONS
    assert new_facts == r.created == 3 + 2 + 1 + 4


def test_neo4j_kill_loader_midway_then_rerun(neo4j_db, neo4j_server_proc, tmp_path):
    g = synthetic_graph(60)
    build = write_build(g, tmp_path / "build")
    script = tmp_path / "killer.py"
    script.write_text(textwrap.dedent("""
        import os, signal, sys
        from loaders.graphfile import read_graph
        from loaders.neo4j_loader import connect, load_graph
        uri, build, kill_after = sys.argv[1], sys.argv[2], int(sys.argv[3])
        driver = connect(uri, "neo4j", os.environ["NEO4J_PASSWORD"])
        seen = []
        def hook(done, total):
            seen.append(done)
            if len(seen) == kill_after:
                print(done, total, flush=True)
                os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no driver close
        load_graph(driver, read_graph(build), batch_size=40, progress=False, on_batch=hook)
    """), encoding="utf-8")
    env = dict(os.environ, NEO4J_PASSWORD=neo4j_server_proc.password)
    proc = subprocess.run([sys.executable, str(script), neo4j_server_proc.uri, str(build), "6"],
                          cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr
    done, total = map(int, proc.stdout.split())
    partial = sum(db_counts(neo4j_db).values())
    assert 0 < done < total
    assert 0 < partial < sum(expected_counts(g).values())
    res = run_kg(["load", "neo4j", str(build), "--uri", neo4j_server_proc.uri], neo4j_server_proc.password)
    assert res.returncode == 0, res.stderr
    assert_complete(neo4j_db, g)
    assert "unchanged" in res.stdout


# --- the command line -------------------------------------------------------------------------

def test_neo4j_cli_load_prints_summary_and_never_the_password(neo4j_db, neo4j_server_proc, tmp_path):
    build = write_build(sample_graph(), tmp_path / "build")
    pw = neo4j_server_proc.password
    res = run_kg(["load", "neo4j", str(build), "--uri", neo4j_server_proc.uri, "--user", "neo4j",
                  "--database", "neo4j"], pw)
    assert res.returncode == 0, res.stderr
    e = expected_counts(sample_graph())
    nodes = e["Entity"] + e["Article"] + e["Post"]
    assert res.stdout.splitlines()[1].startswith(f"nodes: {nodes} created, 0 updated, 0 unchanged")
    assert pw not in res.stdout + res.stderr
    res2 = run_kg(["load", "neo4j", str(build), "--uri", neo4j_server_proc.uri], pw)
    assert res2.returncode == 0
    assert f"nodes: 0 created, 0 updated, {nodes} unchanged" in res2.stdout
    assert_complete(neo4j_db, sample_graph())


def test_neo4j_cli_wrong_password_is_one_clear_line(neo4j_server_proc, tmp_path):
    build = write_build(sample_graph(), tmp_path / "build")
    wrong = "not-the-password-" + "x" * 8
    res = run_kg(["load", "neo4j", str(build), "--uri", neo4j_server_proc.uri], wrong)
    assert res.returncode != 0
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("kg load neo4j: authentication failed for user 'neo4j'")
    assert wrong not in res.stdout + res.stderr
    res = run_kg(["load", "neo4j", str(build), "--uri", neo4j_server_proc.uri, "--user", "nobody"],
                 neo4j_server_proc.password)
    assert res.returncode != 0 and "authentication failed for user 'nobody'" in res.stderr


def test_neo4j_cli_unreachable_and_no_password(neo4j_server_proc, tmp_path):
    build = write_build(sample_graph(), tmp_path / "build")
    res = run_kg(["load", "neo4j", str(build), "--uri", "bolt://127.0.0.1:9"], "whatever-password")
    assert res.returncode != 0
    assert len(res.stderr.strip().splitlines()) == 1
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in res.stderr
    res = run_kg(["load", "neo4j", str(build), "--uri", neo4j_server_proc.uri], None)
    assert res.returncode != 0 and "NEO4J_PASSWORD" in res.stderr
    res = run_kg(["load", "neo4j", str(build), "--uri", neo4j_server_proc.uri, "--database", "nope"],
                 neo4j_server_proc.password)
    assert res.returncode != 0 and len(res.stderr.strip().splitlines()) == 1
    assert "nope" in res.stderr


def test_neo4j_server_dies_midload_then_rerun_completes(tmp_path):
    """A second, private server is killed (SIGKILL) while `kg load` writes; the load exits non-zero
    with one line, the server is restarted on the same store, and a re-run completes the graph."""
    import neo4j

    g = synthetic_graph(150)
    build = write_build(g, tmp_path / "build")
    home = tmp_path / "home"
    server = start_or_fail(home)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "load", "neo4j", str(build), "--uri", server.uri,
             "--batch-size", "5", "--max-retry-time", "3", "--no-progress"],
            cwd=str(ROOT), env=dict(os.environ, NEO4J_PASSWORD=server.password),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as watch:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                if watch.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"] >= 100:
                    break
                time.sleep(0.05)
        assert proc.poll() is None, "the load finished before the server could be killed"
        server.kill()
        out, err = proc.communicate(timeout=120)
        assert proc.returncode != 0
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("kg load neo4j: ") and "run the same command again" in lines[0]
        assert server.password not in out + err

        server = neo4j_server.start(home, password=server.password)  # recovers the store
        res = run_kg(["load", "neo4j", str(build), "--uri", server.uri], server.password)
        assert res.returncode == 0, res.stderr
        with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as d:
            assert_complete(d, g)
    finally:
        server.stop()


# --- offline import ---------------------------------------------------------------------------

def test_neo4j_csv_export_imports_into_the_same_graph(neo4j_db, neo4j_server_proc, tmp_path):
    """The README's neo4j-admin command, run for real, gives the database a live load gives."""
    import neo4j

    g = add_article(sample_graph())
    with loader_driver(neo4j_server_proc) as driver:
        load_graph(driver, g, progress=False)
    live = fingerprint(neo4j_db)
    export = export_csv(build_model(g), tmp_path / "csv")
    home = tmp_path / "imported"
    proc = neo4j_server.admin_import(home, export.out_dir, export.command)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "IMPORT DONE" in proc.stdout
    server = start_or_fail(home)
    try:
        with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as d:
            assert fingerprint(d) == live
            assert_complete(d, g)
        with connect(server.uri, server.user, server.password) as driver:
            again = load_graph(driver, g, progress=False)
        assert not again.changed and again.constraints_added == 3
    finally:
        server.stop()
