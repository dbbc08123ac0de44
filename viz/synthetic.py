"""Synthetic resolved graphs of the genre (fictional names), for the viz tests and bench/.

Deterministic for a given (n_nodes, seed). The mix follows a city's meeting reports: meetings
convened by bodies, presided and attended by officials, emphasising policies and directing bodies.
"""
from __future__ import annotations

import random

from kg.graph import Article, Edge, Graph, Mention, Node, Post, Provenance

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "文明华建国平志军伟强海涛晓丽静敏勇杰峰磊斌超波辉刚健春秋云飞宏新东兴安宁远德正和顺庆福"
TITLES = ["市委书记", "市长", "市委副书记", "常务副市长", "副市长", "市委常委", "秘书长", "市人大常委会主任",
          "市政协主席", "市纪委书记", "区委书记", "县长"]
ORG_HEADS = ["市", "县", "区"]
ORG_KINDS = ["发展和改革委员会", "卫生健康委员会", "疫情防控工作指挥部", "教育局", "财政局", "生态环境局",
             "应急管理局", "交通运输局", "人民政府", "委员会"]
MEETING_KINDS = ["常委会会议", "常务会议", "调度会议", "专题会议", "座谈会", "推进会", "电视电话会议"]
POLICY_WORDS = ["一断三不断", "守土有责", "放管服", "河长制", "乡村振兴", "六稳六保", "清单管理", "网格化",
                "访议解", "双随机一公开"]
POLICY_ENDS = ["原则", "机制", "制度", "行动", "工程", "方案"]
PLACES = ["东阳", "西岭", "南川", "北沙", "青石", "白河", "云岗", "松林", "临江", "望海"]


def synthetic_graph(n_nodes: int = 5000, seed: int = 0, base_iri: str = "https://example.org/kg/") -> Graph:
    """A graph with exactly ``n_nodes`` nodes and about 1.5 edges per node."""
    rng = random.Random(seed)
    g = Graph(base_iri=base_iri)
    counts = {"Official": 0.40, "Meeting": 0.15, "Organization": 0.18, "Policy": 0.15,
              "Place": 0.08, "Person": 0.04}
    sizes = {t: int(n_nodes * f) for t, f in counts.items()}
    sizes["Official"] += n_nodes - sum(sizes.values())
    used: set[str] = set()

    def unique(make) -> str:
        for i in range(1000):
            name = make()
            if name not in used:
                used.add(name)
                return name
        name = f"{make()}{len(used)}"
        used.add(name)
        return name

    by_type: dict[str, list[str]] = {t: [] for t in counts}
    for t, k in sizes.items():
        for i in range(k):
            if t in ("Official", "Person"):
                label = unique(lambda: rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))))
            elif t == "Organization":
                label = unique(lambda: rng.choice(PLACES) + rng.choice(ORG_HEADS) + rng.choice(ORG_KINDS))
            elif t == "Policy":
                label = unique(lambda: "“" + rng.choice(POLICY_WORDS) + "”" + rng.choice(POLICY_ENDS))
            elif t == "Place":
                label = unique(lambda: rng.choice(PLACES) + rng.choice("市县区镇乡村") + rng.choice(GIVEN))
            else:
                label = ""  # meetings are named once their organiser is known
            iri = f"{base_iri}{t.lower()}/{i}"
            g.nodes[iri] = Node(iri=iri, type=t, label=label)
            by_type[t].append(iri)

    def article(i: int) -> Article:
        iri = f"{base_iri}article/{i}"
        if iri not in g.articles:
            day = rng.randrange(0, 3 * 365)
            y, rest = 2019 + day // 365, day % 365
            g.articles[iri] = Article(iri=iri, doc_id=f"a{i}", path=f"synthetic/{i}.txt",
                                      title=f"第{i}号 政务新闻报道",
                                      published=f"{y}-{1 + rest // 31 % 12:02d}-{1 + rest % 28:02d}")
        return g.articles[iri]

    def mention(node: str, art: Article) -> None:
        g.nodes[node].mentions.append(Mention(article=art.iri, start=0, end=2))

    def relate(t: str, src: str, dst: str, art: Article, sentence: str) -> None:
        g.edges.append(Edge(type=t, source=src, target=dst,
                            provenance=[Provenance(article=art.iri, start=0, end=len(sentence),
                                                   sentence=sentence, date=art.published)]))

    officials, orgs, policies = by_type["Official"], by_type["Organization"], by_type["Policy"]
    for i, m in enumerate(by_type["Meeting"]):
        art = article(i)
        org = rng.choice(orgs)
        g.nodes[m].label = g.nodes[org].label + rng.choice(MEETING_KINDS) + f"（{art.published}）"
        for node in (m, org):
            mention(node, art)
        relate("convened", org, m, art, f"{g.nodes[org].label}召开{g.nodes[m].label}。")
        # a skewed choice: some officials attend many meetings, most few
        people = list(dict.fromkeys(
            officials[min(int(rng.paretovariate(1.2)) - 1, len(officials) - 1)
                      if rng.random() < 0.5 else rng.randrange(len(officials))]
            for _ in range(rng.randint(3, 9))))
        chair = people[0]
        relate("presided", chair, m, art, f"{g.nodes[chair].label}主持会议。")
        relate("addressed", chair, m, art, f"{g.nodes[chair].label}出席会议并讲话。")
        for o in people[1:]:
            relate("attended", o, m, art, f"{g.nodes[o].label}等参加会议。")
        for o in people:
            mention(o, art)
            if not g.nodes[o].posts or rng.random() < 0.2:
                g.nodes[o].posts.append(Post(title=rng.choice(TITLES), article=art.iri, date=art.published))
        for p in rng.sample(policies, k=rng.randint(1, 3)):
            mention(p, art)
            relate("emphasised", m, p, art, f"会议强调，要坚持{g.nodes[p].label}。")
        body = rng.choice(orgs)
        mention(body, art)
        relate("directed", m, body, art, f"会议要求，{g.nodes[body].label}要压实责任。")
    for t in ("Place", "Person", "Policy", "Organization", "Official"):
        for node in by_type[t]:
            if not g.nodes[node].mentions:
                mention(node, article(rng.randrange(max(1, len(by_type["Meeting"])))))
    return g
