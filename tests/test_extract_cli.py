"""``kg extract`` on the command line: output shape, bad input, atomic -o, same record as the API."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract_support import ROOT, extractor  # noqa: F401
from kg.pipeline import extract_file

SPEC_KEYS = {"doc", "entities", "relations"}
DOC_KEYS = {"id", "path", "title", "published", "source", "url", "authors", "editors"}
ARTICLE = "本报讯 6月1日,县委书记岳清主持召开县委常委会会议。县委副书记、县长米兰出席会议。会议强调,要落实“河湖长制”。\n"


def kg(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(ARTICLE.replace("\n", "\r\n").encode("gbk"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "nobody.html").write_text("<html><head><title>x</title></head><body><nav>首页</nav></body></html>",
                                          encoding="utf-8")
    return tmp_path


def test_records_have_the_spec_shape_and_bad_files_are_reported(folder):
    res = kg("extract", str(folder))
    assert res.returncode == 1  # some files failed
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert sorted(Path(r["doc"]["path"]).name for r in records) == ["a.txt", "b.txt"]
    for r in records:
        assert set(r) == SPEC_KEYS and set(r["doc"]) == DOC_KEYS
        for e in r["entities"]:
            assert set(e) == {"id", "type", "name", "aliases", "titles", "mentions"}
        ids = {e["id"] for e in r["entities"]}
        assert all(rel["source"] in ids and rel["target"] in ids for rel in r["relations"])
    for name, reason in (("empty.txt", "empty"), ("binary.txt", "binary"), ("nobody.html", "")):
        line = next(l for l in res.stderr.splitlines() if name in l)
        assert reason in line
    # the GBK/CRLF copy gives the same entities as the UTF-8 one
    a, b = sorted(records, key=lambda r: r["doc"]["path"])
    assert [(e["type"], e["name"]) for e in a["entities"]] == [(e["type"], e["name"]) for e in b["entities"]]


def test_output_file_is_whole_or_untouched(folder, tmp_path):
    out = tmp_path / "out" / "records.jsonl"
    res = kg("extract", str(folder / "a.txt"), "-o", str(out))
    assert res.returncode == 0 and out.exists()
    before = out.read_text(encoding="utf-8")
    assert len(before.splitlines()) == 1
    # a missing segmentation model stops the run before anything is written: the old file stays
    env_cache = tmp_path / "nocache"
    res = subprocess.run([sys.executable, "-c", (
        "import os,sys; os.environ['ZHENGWU_KG_CACHE']=sys.argv[1];"
        "from extract import segment; segment.get_segmenter.cache_clear();"
        "from kg.cli import main; sys.exit(main(['extract', sys.argv[2], '-o', sys.argv[3]]))"),
        str(env_cache), str(folder / "a.txt"), str(out)], cwd=ROOT, capture_output=True, text=True,
        env={"ZHENGWU_KG_NO_FETCH": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert res.returncode != 0
    assert out.read_text(encoding="utf-8") == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".records")]


def test_missing_model_error_says_how_to_get_it(tmp_path, monkeypatch):
    from extract.model_store import ModelMissing
    from extract.segment import Segmenter

    monkeypatch.setenv("ZHENGWU_KG_CACHE", str(tmp_path))
    with pytest.raises(ModelMissing) as err:
        Segmenter("pkuseg", auto_fetch=False)
    assert "kg setup" in str(err.value) and "--segmenter jieba" in str(err.value)


def test_cli_and_api_give_the_same_record(folder, extractor):
    res = kg("extract", str(folder / "a.txt"))
    [cli] = [json.loads(line) for line in res.stdout.splitlines()]
    [api] = extract_file(str(folder / "a.txt"))
    assert cli == api.to_dict()


def test_jieba_segmenter_needs_no_model(folder):
    res = kg("extract", "--segmenter", "jieba", str(folder / "a.txt"))
    assert res.returncode == 0
    [r] = [json.loads(line) for line in res.stdout.splitlines()]
    assert {"岳清", "米兰"} <= {e["name"] for e in r["entities"] if e["type"] == "Official"}
