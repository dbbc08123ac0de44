"""Hand-made articles and their extraction records for the resolution/RDF/SPARQL tests.

The texts are invented for these tests (fictional officials, real cities). Records are written the
way the extractor reports them (offsets into the text), built here from the strings they name so
that a test's expectations can be read straight off the text.
"""
from __future__ import annotations

from kg.record import Doc, Entity, Record, Relation


def _spans(text: str, needle: str) -> list[list[int]]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append([i, i + len(needle)])
        i = text.find(needle, i + len(needle))
    assert out, f"{needle!r} not in text"
    return out


def _sentence(text: str, needle: str) -> list[int]:
    i = text.index(needle)
    start = max(text.rfind(c, 0, i) for c in "。\n") + 1
    end = min(j for j in (text.find(c, i) for c in "。\n") if j >= 0) + 1
    return [start, end]


def make_record(doc_id: str, text: str, *, source: str | None, published: str | None,
                title: str | None = None, url: str | None = None,
                entities: list[tuple], relations: list[tuple]) -> Record:
    """entities: (id, type, name, titles, aliases, [mention strings]); relations: (type, src, dst, cue)."""
    ents = []
    for eid, etype, name, titles, aliases, mentions in entities:
        spans = [s for m in mentions for s in _spans(text, m)]
        ents.append(Entity(eid, etype, name, list(aliases), list(titles), sorted(spans)))
    rels = [Relation(t, s, d, _sentence(text, cue)) for t, s, d, cue in relations]
    return Record(Doc(id=doc_id, path=f"{doc_id}.txt", title=title, published=published, source=source, url=url),
                  ents, rels)


TEXT_A = ("随州日报讯 3月2日，市委常委会召开会议。市委书记张伟主持会议并讲话。"
          "市委副书记、市长李明，市领导王芳、赵强出席会议。\n"
          "会议强调，要坚持“两个确立”，全面落实河长制。会议要求市发改委抓好重大项目建设。\n")

TEXT_B = ("随州日报讯 4月10日，市疫情防控工作指挥部召开调度会议。市委书记张伟出席会议并讲话，"
          "强调要严格落实“一断三不断”原则。副市长王芳主持会议。市领导李明出席会议。\n"
          "会议要求随州市疫情防控工作指挥部各成员单位守土尽责。\n")

TEXT_C = ("九江日报讯 3月5日，市委常委会召开会议。市委书记张伟主持会议并讲话。"
          "市委副书记、市长周强出席会议。会议强调，要持续推进河长制。\n")

TEXT_D = ("随州日报讯 5月8日，市委常委会召开会议。市委书记、市委党校校长张伟主持会议并讲话，"
          "强调要深入开展“两个确立”学习。市领导王芳出席会议。\n")


def record_a() -> Record:
    return make_record(
        "doc-a", TEXT_A, source="随州日报", published="2020-03-02T20:28", title="市委常委会召开会议",
        url="http://example.org/a.html",
        entities=[
            ("e1", "Official", "张伟", ["市委书记"], [], ["张伟"]),
            ("e2", "Official", "李明", ["市委副书记", "市长"], [], ["李明"]),
            ("e3", "Official", "王芳", [], [], ["王芳"]),
            ("e4", "Official", "赵强", [], [], ["赵强"]),
            ("m1", "Meeting", "市委常委会会议", [], [], ["会议。市委书记"[:2]]),
            ("o1", "Organization", "市委常委会", [], [], ["市委常委会"]),
            ("o2", "Organization", "市发改委", [], [], ["市发改委"]),
            ("p1", "Policy", "“两个确立”", [], [], ["“两个确立”"]),
            ("p2", "Policy", "河长制", [], [], ["河长制"]),
        ],
        relations=[
            ("convened", "o1", "m1", "市委常委会召开会议"),
            ("presided", "e1", "m1", "张伟主持会议"),
            ("addressed", "e1", "m1", "张伟主持会议"),
            ("attended", "e2", "m1", "赵强出席会议"),
            ("attended", "e3", "m1", "赵强出席会议"),
            ("attended", "e4", "m1", "赵强出席会议"),
            ("emphasised", "m1", "p1", "两个确立"),
            ("emphasised", "m1", "p2", "两个确立"),
            ("directed", "m1", "o2", "市发改委"),
        ])


def record_b() -> Record:
    return make_record(
        "doc-b", TEXT_B, source="随州日报", published="2020-04-10", title="市指挥部召开调度会议",
        entities=[
            ("e1", "Official", "张伟", ["市委书记"], [], ["张伟"]),
            ("e2", "Official", "王芳", ["副市长"], [], ["王芳"]),
            ("e3", "Official", "李明", [], [], ["李明"]),
            ("m1", "Meeting", "随州市疫情防控工作指挥部调度会议", [], [], ["调度会议"]),
            ("o1", "Organization", "随州市疫情防控工作指挥部", [], ["市疫情防控工作指挥部"],
             ["市疫情防控工作指挥部"]),
            ("p1", "Policy", "“一断三不断”原则", [], [], ["“一断三不断”原则"]),
        ],
        relations=[
            ("convened", "o1", "m1", "调度会议"),
            ("attended", "e1", "m1", "张伟出席会议"),
            ("addressed", "e1", "m1", "张伟出席会议"),
            ("emphasised", "e1", "p1", "一断三不断"),
            ("presided", "e2", "m1", "王芳主持会议"),
            ("attended", "e3", "m1", "李明出席会议"),
            ("directed", "m1", "o1", "各成员单位"),
        ])


def record_c() -> Record:
    return make_record(
        "doc-c", TEXT_C, source="九江日报", published="2021-03-05", title="九江市委常委会召开会议",
        entities=[
            ("e1", "Official", "张伟", ["市委书记"], [], ["张伟"]),
            ("e2", "Official", "周强", ["市委副书记", "市长"], [], ["周强"]),
            ("m1", "Meeting", "市委常委会会议", [], [], ["会议。市委书记"[:2]]),
            ("o1", "Organization", "市委常委会", [], [], ["市委常委会"]),
            ("p1", "Policy", "河长制", [], [], ["河长制"]),
        ],
        relations=[
            ("convened", "o1", "m1", "市委常委会召开会议"),
            ("presided", "e1", "m1", "张伟主持会议"),
            ("addressed", "e1", "m1", "张伟主持会议"),
            ("attended", "e2", "m1", "周强出席会议"),
            ("emphasised", "m1", "p1", "持续推进河长制"),
        ])


def record_d() -> Record:
    return make_record(
        "doc-d", TEXT_D, source="随州日报", published="2020-05-08", title="市委常委会召开会议",
        entities=[
            ("e1", "Official", "张伟", ["市委书记", "市委党校校长"], [], ["张伟"]),
            ("e2", "Official", "王芳", [], [], ["王芳"]),
            ("m1", "Meeting", "市委常委会会议", [], [], ["会议。市委书记"[:2]]),
            ("o1", "Organization", "市委常委会", [], [], ["市委常委会"]),
            ("p1", "Policy", "两个确立", [], [], ["“两个确立”"]),
        ],
        relations=[
            ("convened", "o1", "m1", "市委常委会召开会议"),
            ("presided", "e1", "m1", "张伟主持会议"),
            ("emphasised", "e1", "p1", "两个确立"),
            ("attended", "e2", "m1", "王芳出席会议"),
        ])


TEXTS = {"doc-a": TEXT_A, "doc-b": TEXT_B, "doc-c": TEXT_C, "doc-d": TEXT_D}


def all_records() -> list[Record]:
    return [record_a(), record_b(), record_c(), record_d()]
