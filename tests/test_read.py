"""Reading paths: encodings, line endings, jsonl, folders, and every bad input."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from extract.charview import simplified_text
from extract.decode import DecodeError, decode_bytes
from extract.document import Document
from extract.read import ReadError, iter_documents, iter_path, read_path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"
SHARED = REPO.parent / "shared"

ARTICLE = (
    "首页 | 新闻 | 时政 | 区县\n"
    "市政府召开常务会议\n"
    "发布时间：2024-05-06 09:30  来源：示例日报\n"
    "\n"
    "　　本报讯（记者 周小北）5月5日，市委副书记、市长郑一鸣主持召开市政府常务会议。副市长钱多多出席会议。\n"
    "　　会议强调，要坚持“稳中求进”，市发改委要抓好重大项目调度。\n"
    "（责任编辑：孙小南）\n"
    "版权所有 示例日报社 ICP备00000000号 联系人：赵大海\n"
)


def assert_offsets(doc: Document) -> int:
    """Every view character comes from the original at its origin (same char, or its clean form)."""
    checked = 0
    for i, c in enumerate(doc.body.text):
        o = doc.text[doc.body.origin[i]]
        if c == "\n":
            continue  # paragraph separators map to the end of the paragraph before
        ok = c == o or (c == " " and o in " \t\u3000\u00a0") or o == "&" or simplified_text(o) == c
        assert ok, (i, c, o)
        checked += 1
    assert checked > 20
    return checked


def write(tmp_path: Path, name: str, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


@pytest.mark.parametrize(
    "encoding,newline",
    [
        ("utf-8", "\n"),
        ("utf-8-sig", "\n"),
        ("utf-8", "\r\n"),
        ("gb18030", "\r\n"),
        ("gbk", "\n"),
        ("utf-16", "\n"),  # with BOM
        ("utf-16-le", "\r\n"),  # no BOM
        ("utf-16-be", "\n"),  # no BOM
    ],
)
def test_encodings_and_line_endings(tmp_path, encoding, newline):
    text = ARTICLE.replace("\n", newline)
    path = write(tmp_path, "a.txt", text.encode(encoding))
    [doc] = read_path(path)
    assert doc.text == text  # exactly the decoded text, CRLF kept, no BOM
    assert doc.path == path and doc.line is None
    assert "郑一鸣主持召开市政府常务会议" in doc.body.text
    assert "\r" not in doc.body.text
    assert "赵大海" not in doc.body.text and "首页" not in doc.body.text
    assert doc.meta.title == "市政府召开常务会议"
    assert doc.meta.published == "2024-05-06T09:30"
    assert doc.meta.source == "示例日报"
    assert doc.meta.authors == ["周小北"] and doc.meta.editors == ["孙小南"]
    for s, e in doc.meta.author_spans + doc.meta.editor_spans:
        assert doc.text[s:e] in ("周小北", "孙小南")
    assert_offsets(doc)


def test_big5_traditional(tmp_path):
    trad = (
        "市政府召開常務會議\n發佈時間：2024-05-06 09:30  來源：示例日報\n\n"
        "　　本報訊（記者 周小北）5月5日，市委副書記、市長鄭一鳴主持召開市政府常務會議，副市長錢多多出席會議。\n"
        "　　會議強調，要堅持「穩中求進」，市發改委要抓好重大項目調度，確保全年目標順利實現。\n"
    )
    path = write(tmp_path, "b.txt", trad.encode("big5"))
    [doc] = read_path(path)
    assert doc.encoding.startswith("big5")
    assert doc.text == trad
    assert "市长郑一鸣主持召开市政府常务会议" in doc.body.text
    assert doc.meta.source == "示例日报" and doc.meta.authors == ["周小北"]
    assert_offsets(doc)


def test_gbk_crlf_sample_article():
    path = SAMPLES / "yunlan-2023-07-20-changwu-gbk.txt"
    raw = path.read_bytes()
    assert b"\r\n" in raw
    [doc] = read_path(str(path))
    assert doc.encoding == "gb18030"
    assert doc.text == raw.decode("gbk")
    assert doc.meta.source == "云岚日报" and doc.meta.published == "2023-07-20"
    assert doc.body.text.startswith("孙建国主持召开市政府第二十一次常务会议")
    assert_offsets(doc)


def test_decode_prefers_right_chinese_encoding():
    s = "市委书记主持召开会议，研究部署重点工作。会议强调要抓好落实。"
    assert decode_bytes(s.encode("gbk"))[1] == "gb18030"
    t = "市委書記主持召開會議，研究部署重點工作。會議強調要抓好落實。"
    assert decode_bytes(t.encode("big5"))[1].startswith("big5")
    assert decode_bytes(s.encode("utf-16-le"))[0] == s  # pure CJK, no NUL bytes, no BOM
    with pytest.raises(DecodeError):
        decode_bytes(b"")


def test_jsonl_good_and_bad_lines(tmp_path):
    good1 = {"text": "6月1日，市委书记王五主持召开市委常委会会议，市委副书记、市长赵六出席会议。会议强调要抓好落实。",
             "title": "市委常委会召开会议", "url": "http://x.example/2024/0601/1.html", "source": "示例日报"}
    good2 = {"text": "市长赵六主持召开市政府常务会议，副市长孙七出席会议并讲话，会议要求各部门抓好落实。"}
    lines = [json.dumps(good1, ensure_ascii=False), "{not json", json.dumps({"title": "no text"}, ensure_ascii=False),
             "", json.dumps([1, 2]), json.dumps(good2, ensure_ascii=False)]
    path = write(tmp_path, "a.jsonl", "\n".join(lines).encode("utf-8"))
    items = list(iter_path(path))
    docs = [x for x in items if isinstance(x, Document)]
    errors = [x for x in items if isinstance(x, ReadError)]
    assert [d.line for d in docs] == [1, 6]
    assert [e.path for e in errors] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    assert "not valid JSON" in errors[0].reason and "text" in errors[1].reason
    d1, d2 = docs
    assert d1.text == good1["text"] and d1.where == f"{path}:1"
    assert d1.meta.title == "市委常委会召开会议" and d1.meta.source == "示例日报"
    assert d1.meta.url == good1["url"] and d1.meta.published == "2024-06-01"  # from the URL
    assert d2.meta.published is None and d2.body.text == good2["text"]
    with pytest.raises(ReadError) as exc:
        read_path(path)
    assert exc.value.path == f"{path}:2"


def test_sample_jsonl():
    docs = read_path(str(SAMPLES / "samples-2024.jsonl"))
    assert [d.line for d in docs] == [1, 2]
    assert docs[0].meta.published == "2024-04-10T19:20" and docs[0].meta.source == "泽川日报"
    assert docs[1].meta.published == "2024-06-21"
    assert docs[1].meta.authors == ["宋雨桐", "江小禾"]
    for d in docs:
        assert_offsets(d)


def test_iter_documents_folders_sorted_and_filtered(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not an article", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "empty.txt").write_bytes(b"")
    out = list(iter_documents([str(tmp_path)]))
    names = [os.path.relpath(x.path, tmp_path) for x in out]
    assert names == ["a.txt", "empty.txt", os.path.join("sub", "b.txt")]
    assert isinstance(out[1], ReadError) and isinstance(out[2], Document)
    # an unknown extension named explicitly is an error; a missing path too
    odd = list(iter_documents([str(tmp_path / "notes.md"), str(tmp_path / "missing.txt")]))
    assert all(isinstance(x, ReadError) for x in odd)
    assert "unsupported file type" in odd[0].reason and "no such file" in odd[1].reason


def test_read_error_shape():
    err = ReadError("a/b.txt", "empty file")
    assert str(err) == "a/b.txt: empty file" and err.path == "a/b.txt" and err.reason == "empty file"


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\r\n\t ", "empty file"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
        ("undecodable.txt", b"abc \x80\x80\xff\xfe\xff text \x81", "undecodable"),
        ("nobody.html", "<html><head><title>首页</title></head><body><nav><a href='/'>首页</a></nav>"
                        "<div class='footer'>版权所有</div></body></html>".encode(), "no body text"),
        ("nothing.html", b"<html></html>", "no body text"),
        ("empty.jsonl", b"", "empty file"),
    ],
)
def test_bad_inputs_have_one_clear_reason(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    with pytest.raises(ReadError) as exc:
        read_path(path)
    assert exc.value.path == path
    assert reason in exc.value.reason
    assert str(exc.value).startswith(path + ": ")
    # and in a stream, the other files still come through
    good = write(tmp_path, "good.txt", ARTICLE.encode())
    out = list(iter_documents([path, good]))
    assert isinstance(out[0], ReadError) and isinstance(out[1], Document)


def test_huge_file_refused_from_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(50 * 1024 * 1024)
    t0 = time.perf_counter()
    with pytest.raises(ReadError) as exc:
        read_path(str(path))
    assert time.perf_counter() - t0 < 1.0  # a generous bound: it must not read 50 MB
    assert "too large" in exc.value.reason and "50.0 MB" in exc.value.reason
    # the limit is configurable
    small = write(tmp_path, "small.txt", ARTICLE.encode())
    with pytest.raises(ReadError):
        read_path(small, max_bytes=100)
    assert read_path(small, max_bytes=10_000)


def test_limit_from_environment(tmp_path, monkeypatch):
    small = write(tmp_path, "small.txt", ARTICLE.encode())
    monkeypatch.setenv("ZHENGWU_KG_MAX_BYTES", "50")
    assert isinstance(next(iter_path(small)), ReadError)


def test_every_sample_reads_with_offsets():
    out = list(iter_documents([str(SAMPLES)]))
    assert len(out) == 10 and all(isinstance(d, Document) for d in out)
    for d in out:
        assert 250 <= len(d.body) <= 950, d.where
        assert d.meta.title and d.meta.published and d.meta.source, d.where
        assert_offsets(d)


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared corpus not present")
def test_corpus_doc_fields_match_gold():
    """title/published/source/authors/editors agree with every gold ``doc`` in seed and dev."""
    gold_docs = {}
    for g in (SHARED / "corpus").glob("*/*.gold.json"):
        gold_docs[g.name[: -len(".gold.json")]] = json.loads(g.read_text(encoding="utf-8"))
    docs = [d for d in iter_documents([str(SHARED / "corpus" / "seed"), str(SHARED / "corpus" / "dev")])]
    assert docs and all(isinstance(d, Document) for d in docs)
    for d in docs:
        gold = gold_docs[Path(d.path).stem]
        want = gold["doc"]
        assert d.text == Path(d.path).read_bytes().decode(gold.get("encoding", "utf-8"))
        for key in ("title", "published", "source", "authors", "editors"):
            assert getattr(d.meta, key) == want[key], (d.path, key)
        assert_offsets(d)
