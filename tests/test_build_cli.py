"""`kg build` and `kg query` from the command line: bad files are reported and skipped, the rest is
built; a records file can be built; query output formats."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

from _kg_articles import all_records
from _kg_builds import ROOT, SAMPLES, fixture_build


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_build_reports_bad_files_and_builds_the_rest(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLES / "zechuan-2024-12-20-changweihui.txt", src)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    proc = kg("build", str(src), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "empty.txt" in proc.stderr and "binary.txt" in proc.stderr
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    assert [a["path"].rsplit("/", 1)[-1] for a in graph["articles"]] == ["zechuan-2024-12-20-changweihui.txt"]
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.trig", "store"):
        assert (tmp_path / "out" / name).exists(), name
    # the evidence sentences were read back from the file
    sentences = [p["sentence"] for e in graph["edges"] for p in e["provenance"]]
    assert sentences and all(sentences)


def test_build_with_nothing_readable_writes_nothing(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    proc = kg("build", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1 and "empty.txt" in proc.stderr
    assert not (tmp_path / "out" / "graph.json").exists()


def test_build_from_a_records_file(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in all_records()),
                       encoding="utf-8")
    proc = kg("build", "--records", str(records), "--out", str(tmp_path / "out"), "--base-iri", "http://example.org/kg/")
    assert proc.returncode == 0, proc.stderr
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    assert graph["base_iri"] == "http://example.org/kg/"
    assert all(n["iri"].startswith("http://example.org/kg/") for n in graph["nodes"])


def test_query_formats_and_errors():
    out = fixture_build()
    q = ("PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
         "SELECT ?o ?name WHERE { ?o a zw:Official ; skos:prefLabel ?name ; zw:jurisdiction ?j } ORDER BY ?o")
    table = kg("query", str(out), q, "--param", "name=张伟")
    assert table.returncode == 0 and "张伟" in table.stdout and "(2 rows)" in table.stdout
    rows = list(csv.reader(io.StringIO(kg("query", str(out), q, "-p", "name=张伟", "-f", "csv").stdout)))
    assert rows[0] == ["o", "name"] and len(rows) == 3
    doc = json.loads(kg("query", str(out), q, "-p", "name=张伟", "-f", "json").stdout)
    assert {b["name"]["xml:lang"] for b in doc["results"]["bindings"]} == {"zh"}
    # a value is a term, never query text
    inj = kg("query", str(out), q, "-p", 'name=张伟" } ?x ?y ?z . { "')
    assert inj.returncode == 0 and "(0 rows)" in inj.stdout
    bad = kg("query", str(out), "SELEC ?x")
    assert bad.returncode == 1 and "does not parse" in bad.stderr
    upd = kg("query", str(out), "DROP ALL")
    assert upd.returncode == 1 and "read-only" in upd.stderr
    missing = kg("query", str(out / "nowhere"), "ASK {}")
    assert missing.returncode == 1 and "no Oxigraph store" in missing.stderr
