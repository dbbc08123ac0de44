"""A hand-built graph for the research exports and network measures (fictional officials).

Two groups of officials meet: 陈立新, 王晓红, 欧阳志远 and 赵<强>&"弱" at meeting m1; 陈 and 王 with
孙海 at m2; 孙海, 周, 吴, 郑, 冯 at m3; 周 and 吴 again at m4. 孙海 is the only bridge between the
groups, so the numbers can be worked out by hand (n = 9 officials, 18 links):

    degree           陈 4, 王 4, 欧阳 3, 赵 3, 孙 6, 周 4, 吴 4, 郑 4, 冯 4
    weighted degree  陈 5, 王 5, 欧阳 3, 赵 3, 孙 6, 周 5, 吴 5, 郑 4, 冯 4
    betweenness      孙 16/28 (every path between the groups), 陈 and 王 5/28 each (欧阳 and 赵
                     reach 孙's side through either of them), the others 0   [normalised: (n-1)(n-2)/2 = 28]
    density          18 / 36 = 0.5

顾 attended m5 alone (in no link, so not in the network); a Person at m1 is not an official.
陈's titles change (代市长 → 市长: a confirmation), 欧阳's too (副市长 → 常务副市长). A policy's
label holds <, & and quotes, and an alias holds a control character XML cannot carry.
"""
from __future__ import annotations

from kg.graph import Article, Edge, Graph, Mention, Node, Post, Provenance

BASE = "https://zhengwu-kg.example/id/"
HOSTILE_LABEL = '<script>alert("x")</script> & “清风”行动'
HOSTILE_OFFICIAL = '赵<强>&"弱"'
CONTROL_ALIAS = "赵强\x0b"  # a vertical tab: not allowed in XML 1.0


def iri(kind: str, local: str) -> str:
    return f"{BASE}{kind}/{local}"


UNIT = dict(jurisdiction="甲省云岚市", level="prefecture", code="990100")


def research_graph(with_m4: bool = True) -> Graph:
    g = Graph(base_iri=BASE)
    arts = {
        "a1": Article(iri("article", "a1"), "a1", "a1.txt", "云岚市委常委会", "2023-03-14T08:00", "云岚日报"),
        "a2": Article(iri("article", "a2"), "a2", "a2.txt", "云岚市政府常务会", "2023-09-01", "云岚日报"),
        "a3": Article(iri("article", "a3"), "a3", "a3.txt", "泽川推进会", "2024-02-10", "泽川日报"),
    }
    g.articles = {a.iri: a for a in arts.values()}

    def node(local: str, type_: str, label: str, articles: list[str], **kw) -> str:
        i = iri(type_.lower(), local)
        g.nodes[i] = Node(iri=i, type=type_, label=label,
                          mentions=[Mention(arts[a].iri, 0, 2) for a in articles], **kw)
        return i

    def post(title: str, a: str, **parse) -> Post:
        return Post(title, arts[a].iri, arts[a].published[:10], **{**UNIT, **parse})

    gov = dict(organ="政府", rank="正厅")
    chen = node("chen", "Official", "陈立新", ["a1", "a2"], pinyin="Chén Lìxīn", context="云岚市", posts=[
        post("代市长", "a1", position="市长", modifier="代", gloss="Acting Mayor", **gov),
        post("市长", "a2", position="市长", gloss="Mayor", **gov)])
    wang = node("wang", "Official", "王晓红", ["a1", "a2"], pinyin="Wáng Xiǎohóng", context="云岚市", posts=[
        post("市委副书记", "a1", organ="党委", position="书记", modifier="副", rank="副厅", gloss="Deputy Secretary")])
    ouyang = node("ouyang", "Official", "欧阳志远", ["a1", "a2"], context="云岚市", posts=[
        post("副市长", "a1", organ="政府", position="市长", modifier="副", rank="副厅", gloss="Vice Mayor"),
        post("常务副市长", "a2", organ="政府", position="市长", modifier="常务+副", rank="副厅",
             gloss="Executive Vice Mayor")])
    zhao = node("zhao", "Official", HOSTILE_OFFICIAL, ["a1"], aliases=[CONTROL_ALIAS], context="云岚市",
                posts=[post("秘书长", "a1")])
    sun = node("sun", "Official", "孙海", ["a2", "a3"], posts=[post("市委常委", "a2", organ="党委", position="常委")])
    zhou = node("zhou", "Official", "周明", ["a3"])
    wu = node("wu", "Official", "吴刚", ["a3"])
    zheng = node("zheng", "Official", "郑华", ["a3"])
    feng = node("feng", "Official", "冯军", ["a3"])
    gu = node("gu", "Official", "顾远", ["a3"])
    person = node("liu", "Person", "刘记者", ["a1"])
    org = node("gov", "Organization", "云岚市人民政府", ["a1", "a2"], aliases=["市政府"])
    policy = node("qf", "Policy", HOSTILE_LABEL, ["a1"])
    m = {k: node(k, "Meeting", label, [a], date=arts[a].published[:10]) for k, label, a in (
        ("m1", "云岚市委常委会会议", "a1"), ("m2", "云岚市政府常务会议", "a2"), ("m3", "泽川推进会", "a3"),
        ("m4", "泽川调度会", "a3"), ("m5", "泽川座谈会", "a3"))}

    def edge(t: str, s: str, d: str, a: str, sentence: str, order: int | None = None) -> None:
        g.edges.append(Edge(t, s, d, [Provenance(arts[a].iri, 0, len(sentence), sentence,
                                                 arts[a].published[:10], order)]))

    for i, o in enumerate((chen, wang, ouyang, zhao, person), 1):
        edge("attended", o, m["m1"], "a1", "市领导出席会议。", i)
    edge("addressed", chen, m["m1"], "a1", "陈立新讲话。")  # the same meeting again: counted once
    edge("presided", wang, m["m2"], "a2", "王晓红主持会议。")
    for i, o in enumerate((chen, sun), 1):
        edge("attended", o, m["m2"], "a2", "陈立新、孙海出席会议。", i)
    for i, o in enumerate((sun, zhou, wu, zheng, feng), 1):
        edge("attended", o, m["m3"], "a3", "孙海、周明、吴刚、郑华、冯军出席会议。", i)
    if with_m4:
        for i, o in enumerate((zhou, wu), 1):
            edge("attended", o, m["m4"], "a3", "周明、吴刚出席会议。", i)
    edge("attended", gu, m["m5"], "a3", "顾远出席会议。", 1)
    edge("convened", org, m["m2"], "a2", "市政府召开常务会议。")
    edge("emphasised", m["m1"], policy, "a1", "会议强调，要开展“清风”行动。")
    edge("directed", m["m1"], org, "a1", "会议要求市政府抓好落实。")
    return g


NETWORK = ["chen", "wang", "ouyang", "zhao", "sun", "zhou", "wu", "zheng", "feng"]
DEGREE = dict(chen=4, wang=4, ouyang=3, zhao=3, sun=6, zhou=4, wu=4, zheng=4, feng=4)
WEIGHTED = dict(chen=5, wang=5, ouyang=3, zhao=3, sun=6, zhou=5, wu=5, zheng=4, feng=4)
BETWEENNESS = dict(chen=5 / 28, wang=5 / 28, sun=16 / 28)  # the others: 0
