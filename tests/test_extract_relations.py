"""Each entity and relation type on small articles written for the test (fictional officials)."""
from __future__ import annotations

from extract_support import entity, extractor, names, rels  # noqa: F401
from kg.pipeline import extract_text

MEETING = (
    "本报讯(记者 林小雨)3月5日,市委常委会召开会议,研究一季度重点工作。市委书记钱立群主持会议并讲话。"
    "市委副书记、市长司徒文,市委副书记、政法委书记葛云,市领导杜明、施晓红、欧阳军等出席会议。"
    "会议强调,要坚持“项目为王”理念,深入实施乡村振兴战略。市发改委、市财政局要加快项目储备;"
    "市水利局要会同市农业农村局抓好春灌。\n"
    "钱立群指出,要落实“四下基层”制度,市纪委监委要加强监督检查。\n"
    "(责任编辑:郑一帆)"
)


def test_titles_split_and_group_labels(extractor):
    r = extract_text(MEETING)
    assert entity(r, "钱立群", "Official").titles == ["市委书记"]
    assert entity(r, "司徒文", "Official").titles == ["市委副书记", "市长"]
    assert entity(r, "葛云", "Official").titles == ["市委副书记", "政法委书记"]
    # 市领导 is a group label, not a title; every member of the 、 list is an official
    for name in ("杜明", "施晓红", "欧阳军"):
        assert entity(r, name, "Official").titles == []
    assert {"林小雨", "郑一帆"} <= names(r, "Person")


def test_meeting_built_from_organiser_and_relations(extractor):
    r = extract_text(MEETING)
    meeting = entity(r, "市委常委会会议", "Meeting")
    assert ("convened", "市委常委会", meeting.name) in rels(r)
    assert ("presided", "钱立群", meeting.name) in rels(r)
    assert ("addressed", "钱立群", meeting.name) in rels(r)
    assert ("attended", "钱立群", meeting.name) not in rels(r)  # 主持 alone is not attendance
    attended = {s for t, s, o in rels(r, "attended") if o == meeting.name}
    assert attended == {"司徒文", "葛云", "杜明", "施晓红", "欧阳军"}


def test_speech_scope_emphasised_and_directed(extractor):
    r = extract_text(MEETING)
    m = entity(r, "市委常委会会议", "Meeting").name
    assert ("emphasised", m, "项目为王") in rels(r) or ("emphasised", m, "项目为王理念") in rels(r)
    assert ("emphasised", m, "乡村振兴战略") in rels(r)
    directed = {o for t, s, o in rels(r, "directed") if s == m}
    assert {"市发改委", "市财政局", "市水利局"} <= directed
    assert "市农业农村局" not in directed  # 会同 names a partner, not a body told what to do
    # the secretary's own speech: his policy and his directive, not the meeting's
    assert ("emphasised", "钱立群", "四下基层制度") in rels(r) or ("emphasised", "钱立群", "四下基层") in rels(r)
    assert ("directed", "钱立群", "市纪委监委") in rels(r)
    assert ("directed", m, "市纪委监委") not in rels(r)


def test_evidence_is_the_sentence_and_offsets_point_into_the_text(extractor):
    r = extract_text(MEETING)
    for e in r.entities:
        for s, t in e.mentions:
            assert MEETING[s:t] in (e.name, *e.aliases) or e.name.endswith(MEETING[s:t]) or MEETING[s:t]
    for rel in r.relations:
        s, t = rel.evidence
        sentence = MEETING[s:t]
        src = r.entity(rel.source)
        assert any(s <= a < t for a, _ in src.mentions) or src.type == "Meeting", (rel, sentence)


def test_later_mentions_link_to_the_full_entity(extractor):
    text = ("4月2日,县委书记贺建军到马家镇调研。贺书记强调,要抓好春耕生产。"
            "县委副书记、县长蔺晓东陪同调研。蔺晓东要求县农业农村局做好技术服务。")
    r = extract_text(text)
    he = entity(r, "贺建军", "Official")
    assert len(he.mentions) == 2  # 贺建军 and 贺书记
    assert text[he.mentions[1][0]:he.mentions[1][1]].startswith("贺")
    assert ("directed", "蔺晓东", "县农业农村局") in rels(r)
    assert "马家镇" in names(r, "Place")


def test_hard_names(extractor):
    text = ("会上,市委常委、常务副市长上官明主持会议,市委副书记、代市长买买提·吐尔逊出席会议并讲话,"
            "副市长令狐雪、冯昊出席会议。")
    r = extract_text(text)
    assert entity(r, "上官明").titles == ["市委常委", "常务副市长"]
    assert entity(r, "买买提·吐尔逊").titles == ["市委副书记", "代市长"]
    assert entity(r, "冯昊").titles == ["副市长"]
    assert entity(r, "令狐雪").titles == ["副市长"]


def test_attendance_by_a_body_and_delegation(extractor):
    text = ("5月8日,全省安全生产电视电话会议召开。市、县(市、区)安全生产委员会收听收看了会议。"
            "受市委书记韩冰委托,市委副书记、市长卓远出席会议并讲话。")
    r = extract_text(text)
    m = entity(r, "全省安全生产电视电话会议", "Meeting").name
    attended = {s for t, s, o in rels(r, "attended") if o == m}
    assert "卓远" in attended and "韩冰" not in attended
    assert any("安全生产委员会" in s for s in attended)


def test_persons_are_not_officials(extractor):
    text = ("会上,省农科院研究员白露作专题辅导报告。种粮大户聂春生说,要把“藏粮于技”落到实处。"
            "县委书记方晴出席会议并讲话。")
    r = extract_text(text)
    assert {"白露", "聂春生"} <= names(r, "Person")
    assert "方晴" in names(r, "Official")
    assert not any(s in ("白露", "聂春生") for _, s, _ in rels(r))
