"""Titles parsed, careers merged, protocol order kept (issue "Who held which post, when").

The gold table (tests/careers/titles_gold.tsv, written by hand independently of the parser) is
scored here with a floor per field; bench/titles_accuracy.py prints the numbers. The other tests use
articles of our own writing (fictional officials)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kg.careers import careers, protocol_orders
from kg.pipeline import extract_text
from kg.resolve import resolve
from kg.titles import context_path, parse_title, parse_titles

GOLD = Path(__file__).parent / "careers" / "titles_gold.tsv"
FIELDS = ("jurisdiction", "level", "organ", "position", "modifier", "rank")


def test_gold_table_parse_accuracy_per_field_is_at_least_095():
    with GOLD.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) >= 300
    right = dict.fromkeys(FIELDS, 0)
    total = dict.fromkeys(FIELDS, 0)
    for g in rows:
        p = parse_title(g["title"], context_path(g["context_place"])).as_dict()
        for f in FIELDS:
            if f == "rank" and not (g[f] or p[f]):
                continue
            total[f] += 1
            right[f] += p[f] == g[f]
    acc = {f: right[f] / total[f] for f in FIELDS}
    assert all(v >= 0.95 for v in acc.values()), acc


@pytest.mark.parametrize("title, place, expect", [
    ("市委副书记", "湖北省随州市", ("湖北省随州市", "prefecture", "党委", "书记", "副", "副厅")),
    ("常务副县长", "浙江省湖州市安吉县", ("浙江省湖州市安吉县", "county", "政府", "县长", "常务+副", "副处")),
    ("代市长", "湖北省随州市", ("湖北省随州市", "prefecture", "政府", "市长", "代", "正厅")),
    ("县人大常委会主任", "湖北省随州市随县", ("湖北省随州市随县", "county", "人大常委会", "主任", "", "正处")),
    ("武汉市委书记", "湖北省", ("湖北省武汉市", "prefecture", "党委", "书记", "", "副部")),  # 副省级
    ("市政协党组书记", "湖北省随州市", ("湖北省随州市", "prefecture", "政协", "书记", "党组", "")),
    ("水利部部长", "湖北省随州市", ("中华人民共和国", "national", "水利部", "部长", "", "正部")),
    ("镇长", "湖北省随州市曾都区万店镇", ("湖北省随州市曾都区万店镇", "township", "政府", "镇长", "", "正科")),
])
def test_titles_parse_into_unit_organ_position_modifier_rank(title, place, expect):
    p = parse_title(title, context_path(place))
    assert (p.jurisdiction, p.level, p.organ, p.position, p.modifier, p.rank) == expect
    assert p.gloss  # an English gloss, e.g. "Deputy Party Secretary, Suizhou Municipal Party Committee"


def test_a_listed_title_without_a_unit_takes_the_one_before_it():
    first, second = parse_titles(["市政协党组书记", "主席"], context_path("湖北省随州市"))
    assert (second.jurisdiction, second.organ, second.rank) == ("湖北省随州市", "政协", "正厅")
    assert parse_title("主席", context_path("湖北省随州市")).jurisdiction == ""  # alone: no unit


ARTICLES = [
    ("市委常委会召开会议\n发布时间：2023-03-14 18:32    来源：云岚日报\n"
     "3月14日，市委常委会召开会议。市委书记周启明主持会议。代市长韩松出席会议。\n"),
    ("市政府常务会议召开\n发布时间：2023-09-20 17:05    来源：云岚日报\n"
     "9月20日，市政府常务会议召开。市长韩松主持会议。副市长罗青、魏平出席会议。\n"),
    ("市政府常务会议召开\n发布时间：2024-05-08 16:40    来源：云岚日报\n"
     "5月8日，市政府常务会议召开。市长韩松主持会议。常务副市长罗青，副市长魏平出席会议。\n"),
]


@pytest.fixture(scope="module")
def graph():
    records = [extract_text(t, f"a{i}.txt") for i, t in enumerate(ARTICLES)]
    return resolve(records, texts={r.doc.id: t for r, t in zip(records, ARTICLES)})


def _spells(rows, name):
    return [r for r in rows if r["name"] == name]


def test_careers_merge_posts_into_spells_and_detect_changes(graph):
    rows = careers(graph)
    han = _spells(rows, "韩松")
    assert [(r["title"], r["first_seen"], r["last_seen"]) for r in han] == [
        ("代市长", "2023-03-14", "2023-03-14"), ("市长", "2023-09-20", "2024-05-08")]
    assert han[1]["change"] == "confirmed (代 → 正)" and han[1]["previous"] == "代市长"
    assert han[1]["n_articles"] == 2 and han[1]["rank"] == "正厅"
    luo = _spells(rows, "罗青")
    assert [r["title"] for r in luo] == ["副市长", "常务副市长"]
    assert luo[1]["change"] == "became executive deputy"
    assert [r["spell"] for r in luo] == [1, 2]


def test_protocol_order_follows_the_articles_lists(graph):
    """The orders of one article's attendees, compared with where their names stand in its text."""
    text = ARTICLES[2]
    meeting_article = [(r["meeting"], r["article"]) for r in protocol_orders(graph) if r["date"] == "2024-05-08"]
    assert meeting_article
    listed = [r for r in protocol_orders(graph) if (r["meeting"], r["article"]) == meeting_article[0]]
    by_position = sorted(listed, key=lambda r: text.index(r["name"]))
    assert [r["order"] for r in by_position] == list(range(1, len(listed) + 1))
    assert [r["name"] for r in by_position] == [m for m in re.findall("罗青|魏平", text)]
