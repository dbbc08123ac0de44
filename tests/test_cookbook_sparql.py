"""The SPARQL cookbook (loaders/queries/*.rq) on `kg build data/samples`, with answers read off the
sample texts (data/samples/*.txt|html|jsonl; their README summarises them):

- 云岚's 周启明, 韩立新, 张伟 and 林晓峰 share at least five meetings, pairwise; in 泽川, 郭文涛 and
  副市长张伟 meet four times (2023-11-07, 2024-04-10, 2024-12-20, 2025-05-14); the two 张伟 never meet.
- 韩立新 is 副市长 (2023-03, 2023-07), 代市长 (2024-01), then 市长 (2024-06, 2024-09, 2025-02).
- 泽川's 张伟 is also 市防汛抗旱指挥部指挥长 on 2025-05-14.
- 孙建国 emphasises the “无事不扰”机制 on 2023-07-20; 周启明 on 2024-01-16; 沈达远 emphasises
  “宁可十防九空、不可失防万一” and “五级包保”责任制 on 2025-05-14.
- 云岚's 市委常委会 meeting of 3月13日 directs 市发改委 and 市自然资源和规划局 (市纪委监委 is directed by
  周启明, not by the meeting); 泽川's of 12月20日 directs 市发改委 and 市民政局.
- Convened: 云岚市委常委会 (2023-03-13), 泽川市委 and 泽川市政府 (2023-11-07), 泽川市委常委会
  (2024-12-20), 泽川市防汛抗旱指挥部 (2025-05-14), 云岚市委理论学习中心组 (6月20日, reported 2024-06-21).
"""
from __future__ import annotations

from collections import Counter

import pytest

from _kg_builds import QUERIES, SAMPLES, local_json, samples_build
from kg.resolve import normalise_policy


@pytest.fixture(scope="module")
def build():
    return samples_build()


def rows(build, query: str, **params) -> list[dict[str, str]]:
    doc = local_json(build, (QUERIES / f"{query}.rq").read_text(encoding="utf-8"), params)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def test_co_attendance(build):
    result = rows(build, "co-attendance")
    pairs = {(r["a"], r["b"]): int(r["meetings"]) for r in result}
    names = {r["a"]: r["aName"] for r in result} | {r["b"]: r["bName"] for r in result}
    yunlan = {"周启明", "韩立新", "林晓峰"}
    core = [(a, b) for (a, b) in pairs if {names[a], names[b]} <= yunlan | {"张伟"}
            and names[a] != names[b] and (names[a] in yunlan or names[b] in yunlan)]
    # the 张伟 in these pairs is 云岚's: he meets the 云岚 leaders; 泽川's never does
    assert len(core) == 6 and all(pairs[p] >= 5 for p in core)
    top = sorted(pairs.items(), key=lambda kv: -kv[1])[:6]
    assert {p for p, _ in top} == set(core)
    guo_zhang = [n for (a, b), n in pairs.items() if {names[a], names[b]} == {"郭文涛", "张伟"}]
    assert guo_zhang == [4]
    zhangs = [i for i, n in names.items() if n == "张伟"]
    assert len(zhangs) == 2 and (min(zhangs), max(zhangs)) not in pairs


def test_co_attendees_of_one_official(build):
    result = rows(build, "co-attendees", name="郭文涛")
    assert {r["name"] for r in result} == {"郭文涛"}
    partners = Counter({r["partnerName"]: int(r["meetings"]) for r in result})
    assert partners["张伟"] == 4 and partners["沈达远"] == 3 and partners["马秀兰"] == 3


def test_official_posts_over_time(build):
    han = rows(build, "official-posts-timeline", name="韩立新")
    mayor = [(r["date"], r["title"]) for r in han if r["title"].endswith("市长")]
    assert mayor == [("2023-03-14", "副市长"), ("2023-07-20", "副市长"), ("2024-01-16", "代市长"),
                     ("2024-06-21", "市长"), ("2024-09-12", "市长"), ("2025-02-26", "市长")]
    zhang = rows(build, "official-posts-timeline", name="张伟")
    assert {r["jurisdiction"] for r in zhang} == {"云岚", "泽川"} and len({r["official"] for r in zhang}) == 2
    hq = [r for r in zhang if r["title"] == "市防汛抗旱指挥部指挥长"]
    assert [(r["date"], r["jurisdiction"], r.get("orgName")) for r in hq] == [
        ("2025-05-14", "泽川", "泽川市防汛抗旱指挥部")]


def test_protocol_order_rises_with_the_post(build):
    """韩立新 is listed sixth as 副市长 (2023-03-14) and first as 市长 (2025-02-26): who moved up."""
    han = rows(build, "official-protocol-order", name="韩立新")
    order = {r["date"]: int(r["protocolOrder"]) for r in han}
    assert order["2023-03-14"] > order["2025-02-26"] == 1
    assert {r["name"] for r in han} == {"韩立新"}


def test_policies_an_official_emphasised_by_date(build):
    def said(name: str) -> set[tuple[str, str]]:
        return {(r["date"], normalise_policy(r["policyName"])) for r in rows(build, "policies-emphasised-by-official",
                                                                             name=name)}
    assert ("2023-07-20", "无事不扰机制") in said("孙建国")
    assert ("2024-01-16", "无事不扰机制") in said("周启明")
    shen = said("沈达远")
    assert ("2025-05-14", "宁可十防九空、不可失防万一") in shen
    assert any(d == "2025-05-14" and p.startswith("五级包保") for d, p in shen)
    dates = [r["date"] for r in rows(build, "policies-emphasised-by-official", name="周启明")]
    assert dates == sorted(dates)


def test_bodies_a_meeting_directed(build):
    result = rows(build, "bodies-directed-by-meeting")
    by_meeting: dict[tuple[str, str], set[str]] = {}
    for r in result:
        by_meeting.setdefault((r["meetingName"], r.get("date", "")), set()).add(r["bodyName"])
    assert {"云岚市发改委", "云岚市自然资源和规划局"} <= by_meeting[("云岚市委常委会会议", "2023-03-13")]
    assert "云岚市纪委监委" not in by_meeting[("云岚市委常委会会议", "2023-03-13")]
    assert {"泽川市发改委", "泽川市民政局"} <= by_meeting[("泽川市委常委会会议", "2024-12-20")]
    one = rows(build, "bodies-directed-by-meeting", meetingName="泽川市委常委会会议")
    assert {r["meetingName"] for r in one} == {"泽川市委常委会会议"}


def test_meetings_an_organisation_convened(build):
    convened = {(r["orgName"], r.get("date", "")) for r in rows(build, "meetings-convened-by-org")}
    assert {("云岚市委常委会", "2023-03-13"), ("泽川市委", "2023-11-07"), ("泽川市政府", "2023-11-07"),
            ("泽川市委常委会", "2024-12-20"), ("泽川市防汛抗旱指挥部", "2025-05-14"),
            ("云岚市委理论学习中心组", "2024-06-20")} <= convened
    hq = rows(build, "meetings-convened-by-org", orgName="泽川市防汛抗旱指挥部")
    assert [(r["date"], r["meetingName"]) for r in hq] == [("2025-05-14", "泽川全市防汛抗旱工作会议")]


def test_evidence_points_into_the_article_text(build):
    from extract.read import read_path

    text = read_path(str(SAMPLES / "zechuan-2025-05-14-fangxun.txt"))[0].text
    result = rows(build, "evidence-for-official", name="郭文涛")
    presided = [r for r in result if r["relation"].endswith("#presided") and r["issued"].startswith("2025-05-14")]
    assert len(presided) == 1
    r = presided[0]
    assert text[int(r["start"]):int(r["end"])] == r["sentence"]
    assert "市长郭文涛主持会议" in r["sentence"] and r["articleTitle"] == "全市防汛抗旱工作会议召开"
