"""Careless use of the command line: each mistake gets one clear line (or the right behaviour), never
a lost file, a traceback, a silent skip or a stale lock."""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

import kg.commands.extract
import kg.scale as scale_module
from extract_support import ROOT
from kg.cli import main

ARTICLE = "本报讯 6月1日,县委书记岳清主持召开县委常委会会议。县委副书记、县长米兰出席会议。会议强调,要落实“河湖长制”。\n"
FAST = ["--segmenter", "char", "--ner", "none"]  # no model to load


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch):
    """``--ner``/``--doc-timeout`` set environment variables: give them back after each test."""
    monkeypatch.setenv("ZHENGWU_KG_NER", os.environ.get("ZHENGWU_KG_NER", "lac"))
    monkeypatch.delenv("ZHENGWU_KG_DOC_TIMEOUT", raising=False)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# -------------------------------------------------------------------- 1. -o onto an existing file

def test_an_existing_output_is_kept_when_every_input_fails(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "records.jsonl"
    out.write_text("earlier records\n", encoding="utf-8")
    code = main(["extract", str(tmp_path / "empty.txt"), "-o", str(out), *FAST])
    err = capsys.readouterr().err
    assert code == 1
    assert out.read_text(encoding="utf-8") == "earlier records\n"
    assert f"kg extract: no record extracted; {out} left as it was" in err
    assert not list(tmp_path.glob(".records.jsonl.*"))


def test_an_existing_output_is_replaced_when_some_inputs_succeed(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "records.jsonl"
    out.write_text("earlier records\n", encoding="utf-8")
    code = main(["extract", str(tmp_path / "empty.txt"), str(tmp_path / "a.txt"), "-o", str(out), *FAST])
    assert code == 1 and "empty.txt: empty file" in capsys.readouterr().err
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["doc"]["path"] == str(tmp_path / "a.txt")


# -------------------------------------------------------------------- 2. an unreadable folder

def test_an_unreadable_folder_is_reported_not_skipped(tmp_path, monkeypatch, capsys):
    """Tests run as root, where mode 000 does not stop reads: the folder refuses its listing instead."""
    src = tmp_path / "in"
    locked = src / "locked"
    locked.mkdir(parents=True)
    (locked / "hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code = main(["extract", str(src), *FAST])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"kg extract: {locked}: cannot read folder: Permission denied" in _lines(err)
    assert [json.loads(line)["doc"]["path"] for line in _lines(out)] == [str(src / "a.txt")]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads folders of mode 000")
def test_a_folder_of_mode_000_is_reported(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(ARTICLE, encoding="utf-8")
    locked.chmod(0)
    try:
        assert main(["extract", str(tmp_path), *FAST]) == 1
    finally:
        locked.chmod(0o755)
    assert "cannot read folder" in capsys.readouterr().err


# -------------------------------------------------------------------- 3. a bad -o, before the work

@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if extraction starts: a bad output path must be refused first."""
    def refuse(*args, **kwargs):
        raise AssertionError("extraction ran before the output path was checked")

    monkeypatch.setattr(kg.commands.extract, "iter_records", refuse)
    monkeypatch.setattr(scale_module, "build_from_args", refuse)


def test_output_naming_a_folder_is_refused_before_extracting(tmp_path, capsys, no_work):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path)]) == 2
    assert _lines(capsys.readouterr().err) == [f"kg extract: {tmp_path}: is a folder; give a file name for the output"]


def test_output_under_a_file_is_refused_before_extracting(tmp_path, capsys, no_work):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    target = tmp_path / "a.txt" / "sub" / "out.jsonl"
    assert main(["extract", str(tmp_path / "a.txt"), "-o", str(target)]) == 2
    assert _lines(capsys.readouterr().err) == [
        f"kg extract: {target}: cannot create it there: {tmp_path / 'a.txt'} is a file, not a folder"]


def test_output_in_a_folder_without_write_permission_is_refused(tmp_path, capsys, monkeypatch, no_work):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False)  # as for a non-root user on a read-only folder
    assert main(["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "new" / "out.jsonl")]) == 2
    assert _lines(capsys.readouterr().err) == [
        f"kg extract: {tmp_path / 'new' / 'out.jsonl'}: cannot write into {tmp_path}: permission denied"]


def test_build_out_naming_a_file_is_refused_before_extracting(tmp_path, capsys, no_work):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "a.txt")]) == 1
    assert _lines(capsys.readouterr().err) == [
        f"kg build: {tmp_path / 'a.txt'}: is a file, not a folder; give a folder for the outputs"]


def test_a_missing_output_folder_is_still_created(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "new" / "deeper" / "records.jsonl"
    assert main(["extract", str(tmp_path / "a.txt"), "-o", str(out), *FAST]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


# -------------------------------------------------------------------- 4. kg load neo4j --uri http://

def test_an_http_uri_is_refused_with_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    assert main(["load", "neo4j", str(tmp_path), "--uri", "http://127.0.0.1:7474"]) == 1
    [line] = _lines(capsys.readouterr().err)
    assert line.startswith("kg load neo4j: bad Neo4j URI 'http://127.0.0.1:7474': the scheme must be one of bolt://")
    assert "Traceback" not in line and "aiohttp" not in line


def test_neo4j_uri_schemes():
    from loaders.neo4j_loader import Neo4jLoadError, check_uri

    for uri in ("bolt://h:7687", "bolt+s://h", "bolt+ssc://h", "neo4j://h", "neo4j+s://h:7687", "NEO4J+SSC://h",
                "bolt://[::1]:7687"):
        check_uri(uri)
    for uri in ("http://h:7474", "https://h", "h:7687", "localhost", "bolt://", "ftp://h", "bolt://h:99999999"):
        with pytest.raises(Neo4jLoadError, match="bad Neo4j URI"):
            check_uri(uri)


# -------------------------------------------------------------------- 5. the build lock after kill -9

HOLD_AND_FORK = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from kg.publish import output_lock
    with output_lock(Path(sys.argv[1])):
        child = os.fork()
        if child == 0:          # as the forked writers of kg.publish: still busy after the parent died
            print(os.getpid(), flush=True)  # (the at-fork hooks have run by now)
            time.sleep(60)
            os._exit(0)
        time.sleep(60)
""")


def test_a_killed_builds_forked_child_does_not_hold_the_lock(tmp_path):
    from kg.publish import BuildBusy, output_lock

    proc = subprocess.Popen([sys.executable, "-c", HOLD_AND_FORK, str(tmp_path)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    try:
        with pytest.raises(BuildBusy, match=rf"another kg build \(pid {proc.pid}\) is writing"):
            with output_lock(tmp_path):
                pass
        proc.kill()  # kill -9 of the build; its forked child lives on
        proc.wait()
        os.kill(child, 0)  # still running
        with output_lock(tmp_path):  # the rerun is not refused
            pass
    finally:
        proc.kill()
        proc.wait()
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass


# -------------------------------------------------------------------- 6. SIGTERM

def test_sigterm_removes_the_temp_file_and_keeps_the_old_output(tmp_path):
    src = tmp_path / "long.txt"
    src.write_text(ARTICLE.strip() * 6000, encoding="utf-8")  # one long line: seconds of work
    out = tmp_path / "records.jsonl"
    out.write_text("earlier records\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "extract", str(src), "-o", str(out), "--doc-timeout", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".records.jsonl.*.tmp")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "kg: terminated" in err, err
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
    assert out.read_text(encoding="utf-8") == "earlier records\n"


def test_the_sigterm_handler_is_restored_after_a_command(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    before = signal.getsignal(signal.SIGTERM)
    main(["extract", str(tmp_path / "empty.txt")])
    assert signal.getsignal(signal.SIGTERM) is before


# -------------------------------------------------------------------- 7. file modes

def test_output_files_get_the_mode_open_would_give(tmp_path):
    from kg.io import atomic_writer

    old = os.umask(0o027)
    try:
        with atomic_writer(tmp_path / "new.jsonl") as fh:
            fh.write("x\n")
        assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o640
        os.umask(0o022)
        with atomic_writer(tmp_path / "new2.jsonl") as fh:
            fh.write("x\n")
        assert stat.S_IMODE((tmp_path / "new2.jsonl").stat().st_mode) == 0o644
        kept = tmp_path / "kept.jsonl"
        kept.write_text("old\n")
        kept.chmod(0o604)
        with atomic_writer(kept) as fh:  # an existing file keeps its own mode
            fh.write("new\n")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o604 and kept.read_text() == "new\n"
    finally:
        os.umask(old)


def test_kg_extract_output_is_not_private(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "r.jsonl"), *FAST]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.jsonl").stat().st_mode) == 0o644
