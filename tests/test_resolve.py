"""Cross-article resolution: one node per real-world entity, stable IRIs, provenance, posts."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from _kg_articles import TEXT_A, TEXTS, all_records, make_record, record_a, record_b, record_c
from kg.graph import Graph
from kg.record import Record
from kg.resolve import ArticleContext, normalise_policy, resolve
from kg.places import divisions


def nodes_named(g: Graph, label: str, type_: str | None = None):
    return [n for n in g.nodes.values() if (n.label == label or label in n.aliases) and (type_ is None or n.type == type_)]


def test_same_official_same_city_is_one_node_with_both_articles():
    g = resolve([record_a(), record_b()], texts=TEXTS)
    zhang = nodes_named(g, "张伟", "Official")
    assert len(zhang) == 1
    arts = {g.articles[a].doc_id for a in zhang[0].articles}
    assert arts == {"doc-a", "doc-b"}
    # both articles appear as provenance of his relations
    prov_articles = {g.articles[p.article].doc_id for e in g.edges if e.source == zhang[0].iri for p in e.provenance}
    assert prov_articles == {"doc-a", "doc-b"}
    assert zhang[0].context == "湖北省随州市"


def test_same_name_in_two_cities_stays_two():
    g = resolve([record_a(), record_c()], texts=TEXTS)
    zhang = nodes_named(g, "张伟", "Official")
    assert len(zhang) == 2
    assert {n.context for n in zhang} == {"湖北省随州市", "江西省九江市"}
    # the relative body 市委常委会 is two bodies as well, qualified by city
    assert {n.label for n in g.nodes.values() if n.type == "Organization" and "常委会" in n.label} == {
        "随州市委常委会", "九江市委常委会"}


def test_iris_are_stable_across_runs_order_and_processes():
    g1 = resolve(all_records(), texts=TEXTS)
    g2 = resolve(list(reversed(all_records())), texts=TEXTS)
    assert set(g1.nodes) == set(g2.nodes)
    assert [e.key for e in g1.edges] == [e.key for e in g2.edges]
    code = ("import sys,json; sys.path.insert(0,'tests'); from _kg_articles import *; from kg.resolve import resolve;"
            "print(json.dumps(sorted(resolve(all_records(), texts=TEXTS).nodes)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1], env={"PYTHONHASHSEED": "123", "PATH": ""})
    assert json.loads(out.stdout) == sorted(g1.nodes)


def test_base_iri_is_configurable():
    g = resolve([record_a()], texts=TEXTS, base_iri="http://example.org/kg")
    assert g.base_iri == "http://example.org/kg/"
    assert all(i.startswith("http://example.org/kg/") for i in [*g.nodes, *g.articles])


def test_posts_timeline_per_title_and_article():
    g = resolve(all_records(), texts=TEXTS)
    zhang = [n for n in nodes_named(g, "张伟", "Official") if n.context == "湖北省随州市"][0]
    assert [(p.date, p.title) for p in zhang.posts] == [
        ("2020-03-02", "市委书记"), ("2020-04-10", "市委书记"), ("2020-05-08", "市委书记"), ("2020-05-08", "市委党校校长")]
    wang = nodes_named(g, "王芳", "Official")
    assert len(wang) == 1 and [(p.date, p.title) for p in wang[0].posts] == [("2020-04-10", "副市长")]


def test_organisation_aliases_join_and_relative_names_are_qualified():
    g = resolve([record_b()], texts=TEXTS)
    hq = nodes_named(g, "随州市疫情防控工作指挥部", "Organization")
    assert len(hq) == 1 and "市疫情防控工作指挥部" in hq[0].aliases
    # a later article naming the HQ only by its relative short name joins the same node
    text = "随州日报讯 6月1日，市疫情防控工作指挥部召开会议。\n"
    rec = make_record("doc-x", text, source="随州日报", published="2020-06-01",
                      entities=[("o", "Organization", "市疫情防控工作指挥部", [], [], ["市疫情防控工作指挥部"])],
                      relations=[])
    g2 = resolve([record_b(), rec], texts={**TEXTS, "doc-x": text})
    hq2 = nodes_named(g2, "随州市疫情防控工作指挥部", "Organization")
    assert len(hq2) == 1 and {g2.articles[a].doc_id for a in hq2[0].articles} == {"doc-b", "doc-x"}


def test_meetings_by_name_and_date_policies_by_normalised_name():
    g = resolve(all_records(), texts=TEXTS)
    meetings = [n for n in g.nodes.values() if n.type == "Meeting" and n.label == "随州市委常委会会议"]
    assert sorted(m.date for m in meetings) == ["2020-03-02", "2020-05-08"]  # two sessions, two meetings
    # “两个确立” (quoted) and 两个确立 are one policy
    assert len(nodes_named(g, "“两个确立”", "Policy")) == 1
    assert normalise_policy("“两个確立”") == normalise_policy("两个确立")
    # 河长制 named in Suizhou and Jiujiang is one policy with both articles
    river = nodes_named(g, "河长制", "Policy")
    assert len(river) == 1 and {g.articles[a].doc_id for a in river[0].articles} == {"doc-a", "doc-c"}


def test_provenance_carries_article_offsets_and_sentence_text():
    g = resolve([record_a()], texts=TEXTS)
    zhao = nodes_named(g, "赵强", "Official")[0]
    [edge] = [e for e in g.edges if e.source == zhao.iri]
    assert edge.type == "attended"
    [p] = edge.provenance
    assert TEXT_A[p.start:p.end] == p.sentence == "市委副书记、市长李明，市领导王芳、赵强出席会议。"
    assert p.date == "2020-03-02" and g.articles[p.article].url == "http://example.org/a.html"


def test_without_texts_offsets_stay_and_sentence_is_empty():
    g = resolve([record_a()])
    assert g.edges and all(p.sentence == "" and p.end > p.start for e in g.edges for p in e.provenance)


def test_pinyin_for_people_and_places():
    text = "哈密日报讯 2月17日，欧阳振邦在巴里坤县调研。\n"
    rec = make_record("doc-p", text, source="哈密日报", published="2025-02-18",
                      entities=[("e", "Official", "欧阳振邦", ["市委书记"], [], ["欧阳振邦"]),
                                ("pl", "Place", "巴里坤县", [], [], ["巴里坤县"])], relations=[])
    g = resolve([rec], texts={"doc-p": text})
    assert nodes_named(g, "欧阳振邦")[0].pinyin == "Ōuyáng Zhènbāng"
    place = nodes_named(g, "巴里坤哈萨克自治县")[0]  # the division's full name, 巴里坤县 kept as an alias
    assert place.pinyin.startswith("Bālǐkūn") and "巴里坤县" in place.aliases


def test_national_and_provincial_titles_resolve_above_the_city():
    text = "随州日报讯 1月29日，省委书记蒋超良、市委书记陈明出席会议。\n"
    rec = make_record("doc-s", text, source="随州日报", published="2020-01-29",
                      entities=[("a", "Official", "蒋超良", ["省委书记"], [], ["蒋超良"]),
                                ("b", "Official", "陈明", ["市委书记"], [], ["陈明"])], relations=[])
    text2 = "孝感日报讯 2月1日，省委书记蒋超良出席会议。\n"
    rec2 = make_record("doc-t", text2, source="孝感日报", published="2020-02-01",
                       entities=[("a", "Official", "蒋超良", ["省委书记"], [], ["蒋超良"])], relations=[])
    g = resolve([rec, rec2], texts={"doc-s": text, "doc-t": text2})
    jiang = nodes_named(g, "蒋超良")
    assert len(jiang) == 1 and jiang[0].context == "湖北省"  # one provincial secretary for both cities


def test_unknown_types_and_out_of_signature_relations_are_ignored():
    rec = record_a()
    d = rec.to_dict()
    d["entities"].append({"id": "x", "type": "Gadget", "name": "机器", "aliases": [], "titles": [], "mentions": []})
    d["relations"].append({"type": "attended", "source": "p1", "target": "m1", "evidence": [0, 5]})  # policy can't attend
    d["relations"].append({"type": "befriended", "source": "e1", "target": "e2", "evidence": None})
    g = resolve([Record.from_dict(d)], texts=TEXTS)
    assert all(n.type != "Gadget" for n in g.nodes.values())
    assert {e.type for e in g.edges} <= {"attended", "presided", "addressed", "convened", "emphasised", "directed"}
    assert len(g.edges) == len(resolve([record_a()], texts=TEXTS).edges)


def test_graph_round_trips_through_json():
    g = resolve(all_records(), texts=TEXTS)
    again = Graph.from_dict(json.loads(json.dumps(g.to_dict(), ensure_ascii=False)))
    assert again.to_dict() == g.to_dict()


def test_article_context_prefers_source_and_finds_counties_within_it():
    text = "曲靖日报讯 缪某在陆良县调研，陆良县委书记资某陪同。县委副书记、县长段某参加。\n"
    rec = make_record("doc-q", text, source="曲靖日报", published="2019-07-12",
                      entities=[("a", "Official", "段某", ["县委副书记", "县长"], [], ["段某"]),
                                ("p", "Place", "陆良县", [], [], ["陆良县"])], relations=[])
    ctx = ArticleContext(rec, divisions())
    assert ctx.city.name == "曲靖市" and ctx.county.name == "陆良县"
    g = resolve([rec], texts={"doc-q": text})
    assert nodes_named(g, "段某")[0].context == "云南省曲靖市陆良县"


def test_places_the_table_does_not_know_still_separate_cities():
    """Fictional (or new) cities: the source's place name is the jurisdiction; a stray real place
    name in the text (振兴 of 乡村振兴 read as a place) does not move the article elsewhere."""
    def rec(doc_id, source, title, extra_place=False):
        text = f"{source}讯 5月1日，市委书记王刚出席会议。{title}张伟主持会议。乡村振兴。\n"
        ents = [("a", "Official", "王刚", ["市委书记"], [], ["王刚"]),
                ("b", "Official", "张伟", [title], [], ["张伟"]),
                ("o", "Organization", "市委", [], [], ["市委书记"[:2]])]
        if extra_place:
            ents.append(("p", "Place", "振兴", [], [], ["振兴"]))
        return make_record(doc_id, text, source=source, published="2024-05-01", entities=ents, relations=[]), text

    (r1, t1), (r2, t2), (r3, t3) = rec("y1", "云岚日报", "副市长"), rec("y2", "云岚市人民政府办公室", "市委常委、秘书长"), \
        rec("z1", "泽川日报", "副市长", extra_place=True)
    g = resolve([r1, r2, r3], texts={"y1": t1, "y2": t2, "z1": t3})
    zhang = nodes_named(g, "张伟", "Official")
    assert sorted(n.context for n in zhang) == ["云岚", "泽川"]
    yl = [n for n in zhang if n.context == "云岚"][0]
    assert {g.articles[a].doc_id for a in yl.articles} == {"y1", "y2"}
    assert {n.label for n in g.nodes.values() if n.type == "Organization"} == {"云岚市委", "泽川市委"}


def test_stable_hash_is_the_documented_digest():
    """IRIs must not move between versions: stable_hash is sha256 over json.dumps of the parts."""
    import hashlib
    import json

    from kg.resolve import stable_hash

    for parts in (["Evidence", 'a"b', "市委\\x", "\n\t", "é"], ["Post", "x", "y", "z"], []):
        expected = hashlib.sha256(json.dumps(list(parts), ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
        assert stable_hash(parts) == expected
