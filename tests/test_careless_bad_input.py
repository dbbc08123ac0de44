"""A folder of hostile and broken files through ``kg extract DIR -o OUT``: a record for every good
file, exactly one clear line for every bad one, all within a minute."""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from extract_support import ROOT

pytestmark = pytest.mark.slow  # about 25 s: the model loads, the 12 MB line is read and timed out

ARTICLE = "本报讯 6月1日，县委书记岳清主持召开县委常委会会议。县委副书记、县长米兰出席会议。会议强调，要落实“河湖长制”。\n"
SENTENCE = "市委书记王明主持召开会议，市领导李华、赵强出席会议。会议强调，要深入学习贯彻党的二十大精神。"


def _png() -> bytes:
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
            + b"\0\0\0\0" + os.urandom(200))


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", ARTICLE * 20)
    return buf.getvalue()


def make_folder(root: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """(good files: name → bytes, bad files or lines: name → a word their error line must hold)."""
    good = {
        "plain.txt": ARTICLE.encode(),
        "script.html": ("<html><head><title>标题</title></head><body><p>" + ARTICLE + "</p><script>alert('县委书记王明')"
                        "</script><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></body></html>").encode(),
        "cypher.txt": (ARTICLE + "市领导张三'}) MATCH (n) DETACH DELETE n //出席。SELECT * WHERE { ?s ?p ?o } ; "
                       "DROP ALL ; <http://x> \"\"\" \\u0000 $param `x`\n").encode(),
        "gbk.txt": ARTICLE.replace("\n", "\r\n").encode("gbk"),
    }
    bad = {
        "empty.txt": b"",
        "whitespace.txt": b" \n\t\r\n\xe3\x80\x80\n",
        "binary.txt": os.urandom(4096),
        "photo.txt": _png(),  # a PNG under an article's name
        "archive.txt": _zip(),
        "truncated.txt": (ARTICLE * 3).encode()[:-2],  # cut inside a character
        "nobody.html": "<html><head><title>x</title></head><body><nav>首页</nav></body></html>".encode(),
        "nuls.txt": ARTICLE.encode().replace("。".encode(), "。".encode() + b"\0\0"),
        "control.txt": ARTICLE.encode().replace("，".encode(), b"\x01\x07\x1b[31m"),
        "surrogates.txt": ARTICLE.encode().replace("县长".encode(), b"\xed\xa0\x80\xed\xb0\x80"),  # UTF-8 of lone surrogates
    }
    for name, data in {**good, **bad}.items():
        (root / name).write_bytes(data)
    with open(root / "huge.txt", "wb") as fh:  # 50 MB (sparse): refused from its size alone
        fh.truncate(50 * 1024 * 1024)
    line = (SENTENCE * (12_000_000 // len(SENTENCE.encode()) + 1)).encode()[:12_000_000].decode("utf-8", "ignore")
    (root / "oneline.txt").write_text(line, encoding="utf-8")  # 12 MB without a newline
    (root / "image.png").write_bytes(_png())  # not an article type: a folder's other files are not inputs
    (root / "bundle.zip").write_bytes(_zip())
    jsonl = [json.dumps({"text": ARTICLE, "source": "<script>alert(1)</script>日报", "title": "<b>x</b>\u0000"},
                        ensure_ascii=False), "{not json", json.dumps({"text": "   "}), json.dumps(["a", "list"])]
    (root / "mixed.jsonl").write_text("\n".join(jsonl) + "\n", encoding="utf-8")
    reasons = {**{n: "" for n in bad}, "empty.txt": "empty", "whitespace.txt": "empty", "binary.txt": "binary",
               "photo.txt": "binary", "archive.txt": "binary", "nuls.txt": "binary", "control.txt": "binary",
               "truncated.txt": "undecodable", "surrogates.txt": "undecodable", "nobody.html": "no body",
               "huge.txt": "too large", "oneline.txt": "took longer than 5 s",
               "mixed.jsonl:2": "not valid JSON", "mixed.jsonl:3": "no 'text'", "mixed.jsonl:4": "not a JSON object"}
    return {**good, "mixed.jsonl:1": b""}, reasons


def test_a_folder_of_bad_files(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good, bad = make_folder(src)
    out = tmp_path / "records.jsonl"
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(src), str(src / "image.png"), "-o", str(out),
                           "--doc-timeout", "5"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    took = time.monotonic() - started
    assert took < 60, took
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[-1] == f"kg extract: {len(good)} records, {len(bad) + 1} file(s) failed", lines
    body = lines[:-1]
    assert f"kg extract: {src / 'image.png'}: unsupported file type '.png' (expected .txt, .html, .htm or .jsonl)" in body
    body.remove(f"kg extract: {src / 'image.png'}: unsupported file type '.png' (expected .txt, .html, .htm or .jsonl)")
    assert len(body) == len(bad), body
    for name, word in bad.items():
        [line] = [line for line in body if line.startswith(f"kg extract: {src / name}: ")]
        assert word in line, line
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    where = sorted(Path(r["doc"]["path"]).name for r in records)
    assert where == sorted(good), where
    for r in records:
        assert r["entities"], r["doc"]["path"]
        for e in r["entities"]:
            assert not any(c in e["name"] for c in "<>'{};`\"\\"), e["name"]
    [from_jsonl] = [r for r in records if r["doc"]["path"].endswith("mixed.jsonl:1")]
    assert from_jsonl["doc"]["source"] is None and from_jsonl["doc"]["title"] == "<b>x</b>"
