"""What goes into records: hostile metadata stays plain and out of entity names, names are as written,
byline names sit on their own spans, and ``kg build --records`` checks the records it is given."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract_support import extractor  # noqa: F401
from kg.cli import main
from kg.pipeline import doc_id, extract_file, iter_records
from kg.record import Record
from kg.resolve import resolve

ARTICLE = "本报讯 6月1日,县委书记岳清主持召开县委常委会会议。县委副书记、县长米兰出席会议。会议强调,要落实“河湖长制”。\n"
CITY = "市委书记王明主持召开市委常委会会议。市领导李华、赵强出席会议。\n"
HOSTILE = "<script>alert(1)</script>'}) MATCH (n) DETACH DELETE n //日报"


# -------------------------------------------------------------------- 8. hostile jsonl metadata

def test_hostile_jsonl_metadata_stays_plain_and_out_of_entity_names(tmp_path, extractor):  # noqa: F811
    lines = [
        {"text": CITY, "source": HOSTILE, "title": "标题\n<b>粗</b>\u0000\u202e反", "url": "javascript:alert(1)",
         "published": "2024-01-02 10:00"},
        {"text": CITY.replace("王明", "周平"), "source": "泽川日报", "url": "https://example.org/a.html",
         "title": "长" * 5000, "published": ["not", "a", "date"]},
        {"text": CITY.replace("王明", "郑和"), "source": "x" * 100_000, "title": {"not": "a title"}},
    ]
    src = tmp_path / "articles.jsonl"
    src.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    records = [r for r in iter_records([str(src)]) if isinstance(r, Record)]
    assert len(records) == 3
    first, second, third = (r.doc for r in records)
    assert first.source is None and first.url is None  # no publisher's name, no web address
    assert first.title == "标题 <b>粗</b> 反" and first.published == "2024-01-02T10:00"
    assert second.source == "泽川日报" and second.url == "https://example.org/a.html"
    assert second.title == "长" * 500 and second.published is None
    assert third.source is None and third.title is None
    graph = resolve(records)
    for node in graph.nodes.values():
        for text in (node.label, *node.aliases, node.context or ""):
            assert not any(bad in text for bad in ("<", "script", "MATCH", "'", "//")), (node.type, text)
    assert any(n.label.startswith("泽川") for n in graph.nodes.values())  # a real paper still places its article


def test_a_hostile_source_line_in_a_text_file_names_no_source(tmp_path, extractor):  # noqa: F811
    f = tmp_path / "page.txt"
    f.write_text(f"来源：{HOSTILE.replace(' ', '')}\n{CITY}", encoding="utf-8")
    [record] = extract_file(str(f))
    assert record.doc.source is None
    assert all("<" not in e.name for e in record.entities)


def test_byline_names_sit_on_their_own_spans(tmp_path, extractor):  # noqa: F811
    """A name named twice (作者 above, 记者 in the body) must not shift the names after it onto the
    wrong spans; a Person is the text at its span."""
    f = tmp_path / "byline.txt"
    f.write_text("作者：舒婉清\n\n（记者 舒婉清 通讯员 覃立夫）" + ARTICLE + "\n（责任编辑：庄若兰　审核：傅翊）\n",
                 encoding="utf-8")
    [record] = extract_file(str(f))
    text = f.read_text(encoding="utf-8")
    people = {e.name: e for e in record.entities if e.type == "Person"}
    assert {"舒婉清", "覃立夫", "庄若兰", "傅翊"} <= set(people)
    for name in ("舒婉清", "覃立夫", "庄若兰", "傅翊"):
        assert all("".join(text[s:e].split()) == name for s, e in people[name].mentions), (name, people[name].mentions)


def test_only_name_like_bylines_become_people():
    from extract.meta import looks_like_person_name

    assert looks_like_person_name("刘诗诗") and looks_like_person_name("阿依古丽·买买提")
    for odd in ("<b>X</b>", "x", "张", "新华社记者团队的人", "·张三", "Li Hua", "张三<script>"):
        assert not looks_like_person_name(odd), odd


# -------------------------------------------------------------------- 10. names as written

def test_names_are_the_text_as_written(extractor):  # noqa: F811
    text = ("本报讯 6月1日,县委书记岳清主持召开县委常委会(扩大)会议。县委副书记、县长米兰出席会议。会议审议了"
            "《绵阳市城镇老旧小区改造三年行动计划(2021—2023年)》,要求市疫情防控工作领导小组(指挥部)抓好落实。\n")
    record = extractor.extract(__import__("extract.read", fromlist=["x"]).document_from_text(text, "x.txt"))
    names = {e.type: e.name for e in record.entities if e.type in ("Policy", "Organization")}
    assert names["Policy"] == "绵阳市城镇老旧小区改造三年行动计划(2021—2023年)"
    assert names["Organization"] == "市疫情防控工作领导小组(指挥部)"
    for e in record.entities:  # no name holds a character its article does not have
        assert all(c in text for c in e.name), e.name
    # a name that is one mention's text is exactly that text
    for e in record.entities:
        written = {text[s:t] for s, t in e.mentions}
        assert e.name in written or not any("（" in w or "(" in w for w in written), e.name


# -------------------------------------------------------------------- 9. kg build --records

def _article(tmp_path: Path) -> tuple[Path, str]:
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    return f, doc_id(ARTICLE)


P = ARTICLE.index("岳清")
M = ARTICLE.index("县委常委会会议")


def _record(path: Path, rid: str, **change) -> dict:
    rec = {"doc": {"id": rid, "path": str(path), "title": None, "published": None, "source": None, "url": None,
                   "authors": [], "editors": []},
           "entities": [{"id": "e1", "type": "Official", "name": "岳清", "aliases": [], "titles": ["县委书记"],
                         "mentions": [[P, P + 2]]},
                        {"id": "e2", "type": "Meeting", "name": "县委常委会会议", "aliases": [], "titles": [],
                         "mentions": [[M, M + 7]]}],
           "relations": [{"type": "presided", "source": "e1", "target": "e2", "evidence": [P - 4, M + 8]}]}
    for key, value in change.items():
        rec[key] = value
    return rec


def _build_records(tmp_path: Path, records: list[dict], capsys) -> tuple[int, list[str]]:
    f = tmp_path / "records.jsonl"
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    code = main(["build", "--records", str(f), "--out", str(tmp_path / "out")])
    return code, [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_a_relation_to_a_missing_entity_is_refused_naming_the_line(tmp_path, capsys):
    path, rid = _article(tmp_path)
    good = _record(path, rid)
    bad = _record(path, rid, relations=[{"type": "attended", "source": "e1", "target": "e9", "evidence": None}])
    code, err = _build_records(tmp_path, [good, bad], capsys)
    assert code == 1
    assert err == [f"kg build: {tmp_path / 'records.jsonl'}:2: not an extraction record: relation 1 (attended) "
                   "names target 'e9', which is not an entity of this record"]
    assert not (tmp_path / "out" / "graph.json").exists()


def test_offsets_past_the_end_of_the_article_are_refused(tmp_path, capsys):
    path, rid = _article(tmp_path)
    bad = _record(path, rid)
    bad["entities"][0]["mentions"] = [[P, P + 2], [5000, 5002]]
    code, err = _build_records(tmp_path, [bad], capsys)
    assert code == 1
    assert err == [f"kg build: {tmp_path / 'records.jsonl'}:1: not an extraction record of {path}: entity e1 mention "
                   f"[5000, 5002] is past the end of the article ({len(ARTICLE)} characters)"]


@pytest.mark.parametrize("change, reason", [
    ({"entities": [{"id": "e1", "type": "Official", "name": "岳清", "mentions": [[21, 19]]}]},
     "entity e1 mention must be [start, end] with 0 <= start <= end, not [21, 19]"),
    ({"entities": [{"id": "e1", "type": "Official", "name": "", "mentions": []}]}, "entity e1 has no name"),
    ({"entities": "e1"}, "entities must be a list"),
    ({"doc": {"id": "", "path": "x"}}, "doc.id must be a non-empty string"),
    ({"doc": {"id": "x", "path": "x", "evil": 1}}, "doc has unknown field(s) 'evil'"),
    ({"relations": [{"type": "presided", "source": "e1", "target": "e2", "evidence": [1, True]}]},
     "relation 1 evidence must be [start, end]"),
])
def test_malformed_records_are_refused(tmp_path, capsys, change, reason):
    path, rid = _article(tmp_path)
    code, err = _build_records(tmp_path, [_record(path, rid, **change)], capsys)
    assert code == 1 and len(err) == 1 and err[0].startswith(f"kg build: {tmp_path / 'records.jsonl'}:1: ")
    assert reason in err[0], err


def test_unknown_types_are_left_out_as_the_spec_asks(tmp_path, capsys):
    path, rid = _article(tmp_path)
    rec = _record(path, rid)
    rec["entities"].append({"id": "e3", "type": "Vehicle", "name": "专车", "mentions": [[0, 2]]})
    rec["relations"].append({"type": "drove", "source": "e1", "target": "e3", "evidence": None})
    rec["relations"].append({"type": "attended", "source": "e3", "target": "e2", "evidence": None})
    code, err = _build_records(tmp_path, [rec], capsys)
    assert code == 0, err
    assert f"kg build: {tmp_path / 'records.jsonl'}: left out entities and relations of types this version does " \
           "not know: Vehicle, drove" in err
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    assert sorted(n["type"] for n in graph["nodes"]) == ["Meeting", "Official"]
    assert [e["type"] for e in graph["edges"]] == ["presided"]
