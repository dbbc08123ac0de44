"""Synthetic articles of the genre, for benchmarks and scale tests: deterministic with a seed.

    .venv/bin/python bench/gen_corpus.py --n 20000 --out /tmp/corpus [--seed 7] [--html 0.1]

Every city, county, person and body is fictional: city and county names are drawn from syllable
pools and kept only if the administrative-division table (cpca, via ``kg.places``) does not know
them; people are surname + given name from pools (compound surnames and one-character given names
included). Each city has a cast of officials who come back article after article (so resolution
has work to do), its bodies and its policies. An article (400–1500 characters of body) is a
meeting report or an inspection report inside page furniture: site navigation, breadcrumb, title,
date/source line, share buttons, a byline, an editor line, "related news", previous/next links and
a footer with ICP and phone numbers. Bodies carry attendance lists (、 and ，), quoted policies,
directives to named bodies (市X局要…), and a headline. About ``--html`` of the files are HTML pages.

Files go to ``OUT/NNN/article-NNNNNN.txt`` (1,000 per folder). ``generate(n, seed)`` gives the
same (name, text) pairs from Python.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤") \
    + ["欧阳", "司马", "上官", "诸葛", "东方", "慕容"]
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海燕晓东文斌辉宇鹏飞浩然"
             "立新启明清远达远文涛秀兰建华晓峰一舟雨桐亮凡国平海涛子涵思远嘉怡俊杰振宇")
SYLLABLES = list("云岚泽川青石枫林溪山南屏安澄桐柳江湄沅澧鹤汀霁岫芷蘅棠榆槐荻苇茗湛漪岑嶂峪滨岱汐")
DEFAULT_CITIES = 40
MEDIA = ("日报", "新闻网", "融媒体中心")

CITY_BODIES = ("市发改委", "市财政局", "市应急管理局", "市生态环境局", "市自然资源和规划局", "市住建局",
               "市教育局", "市卫健委", "市水利局", "市农业农村局", "市交通运输局", "市公安局",
               "市市场监管局", "市商务局", "市科技局", "市人社局", "市民政局", "市文旅局",
               "市委组织部", "市委宣传部", "市纪委监委", "市委政法委", "市数据局", "市城管委")
MEETINGS = (("市委常委会", "会议", "市委常委会召开会议"), ("市政府常务会议", "", "市政府召开常务会议"),
            ("全市安全生产工作会议", "", None), ("全市优化营商环境大会", "", None),
            ("市委理论学习中心组学习会", "", "市委理论学习中心组举行学习会"), ("全市防汛抗旱工作会议", "", None),
            ("全市乡村振兴推进会", "", None), ("全市经济工作会议", "", None), ("全市生态环境保护大会", "", None),
            ("全市招商引资工作推进会", "", None), ("全市党风廉政建设工作会议", "", None))
CONVENERS = ("市委", "市政府", "市委、市政府", "市委办公室", "市防汛抗旱指挥部", "市安委会")
TOPICS = ("一季度经济运行", "重点项目建设", "安全生产", "防汛备汛", "营商环境", "乡村振兴", "生态环境保护",
          "招商引资", "民生实事", "城市更新", "产业链发展", "基层治理", "数字政府建设", "文明城市创建")
POLICIES = ("项目攻坚年”活动", "一网通办”", "河长制”", "林长制”", "链长制”", "无事不扰”机制", "放管服”改革",
            "最多跑一次”改革", "双随机、一公开”监管", "五级包保”责任制", "三服务”活动", "四下基层”制度",
            "百千万工程”", "首席服务官”制度", "街乡吹哨、部门报到”机制", "一件事一次办”改革")
DIRECTIVES = ("牵头建立工作台账，每周通报进度", "加快审批，做好要素保障", "加强巡查检查，消除风险隐患",
              "做好资金保障，确保专款专用", "加强监督检查，严肃追责问责", "细化工作方案，压实工作责任",
              "做好预报预警，及时发布信息", "主动靠前服务，帮助企业解决困难", "抓好宣传引导，营造良好氛围")
FILLERS = ("会议指出，全市上下要把思想和行动统一到中央和省委的决策部署上来，以实干实绩推动各项工作落地见效。",
           "会议认为，今年以来全市经济运行总体平稳、稳中有进，但也要清醒看到面临的困难和挑战。",
           "会议要求，各级各部门要坚持问题导向，强化统筹协调，确保各项目标任务按时保质完成。",
           "会议强调，要坚持以人民为中心的发展思想，切实解决好群众急难愁盼问题。",
           "各级领导干部要发扬真抓实干的作风，深入一线、靠前指挥，及时研究解决工作中遇到的问题。",
           "要加强组织领导，层层压实责任，形成上下联动、齐抓共管的工作格局。",
           "要统筹发展和安全，守牢安全底线，坚决防范和遏制重特大事故发生。",
           "要持续深化作风建设，以钉钉子精神抓好工作落实，推动各项决策部署落地生根。",
           "会议还听取了有关部门的工作汇报，研究了其他事项。")


@dataclass
class Person:
    name: str
    titles: list[str]


@dataclass
class City:
    name: str  # 云岚市
    short: str  # 云岚
    counties: list[str]
    officials: list[Person] = field(default_factory=list)
    deputies: list[Person] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)  # reporters and editors
    policies: list[str] = field(default_factory=list)


class Names:
    """Fictional names: unique within the corpus, deterministic in the seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def person(self) -> str:
        while True:
            surname = self.rng.choice(SURNAMES)
            given = "".join(self.rng.choice(GIVEN) for _ in range(1 if self.rng.random() < 0.25 else 2))
            name = surname + given
            if name not in self.used:
                self.used.add(name)
                return name


def make_cities(rng: random.Random, count: int, names: Names) -> list[City]:
    from kg.places import divisions

    table = divisions()
    cities: list[City] = []
    seen: set[str] = set()

    def fictional(stem: str, suffix: str) -> bool:
        return stem not in seen and not table.lookup(stem) and not table.lookup(stem + suffix)

    while len(cities) < count:
        short = "".join(rng.sample(SYLLABLES, 2))
        if not fictional(short, "市"):
            continue
        seen.add(short)
        counties = []
        while len(counties) < 3:
            c = "".join(rng.sample(SYLLABLES, 2))
            suffix = rng.choice("县区")
            if fictional(c, suffix):
                seen.add(c)
                counties.append(c + suffix)
        city = City(short + "市", short, counties)
        secretary, mayor = names.person(), names.person()
        city.officials = [
            Person(secretary, ["市委书记"]), Person(mayor, ["市委副书记", "市长"]),
            Person(names.person(), ["市委副书记"]), Person(names.person(), ["市委常委", "常务副市长"]),
            Person(names.person(), ["市委常委", "秘书长"]), Person(names.person(), ["市委常委", "组织部部长"]),
            Person(names.person(), ["市委常委", "宣传部部长"]),
            Person(names.person(), ["市委常委", "市纪委书记", "市监委主任"]),
            Person(names.person(), ["市人大常委会主任"]), Person(names.person(), ["市政协主席"]),
        ]
        city.deputies = [Person(names.person(), ["副市长"]) for _ in range(4)]
        city.staff = [names.person() for _ in range(6)]
        city.policies = [f"{p}" for p in rng.sample(POLICIES, 6)] + [f"清风{short}”行动", f"美丽{short}”建设"]
        cities.append(city)
    return cities


def _title(p: Person) -> str:
    return "、".join(p.titles)


def _date(rng: random.Random) -> tuple[int, int, int, int, int]:
    return rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28), rng.randint(7, 22), rng.randint(0, 59)


def meeting_body(rng: random.Random, city: City, month: int, day: int) -> tuple[str, list[str]]:
    """(title, paragraphs) of a meeting report."""
    name, suffix, opening = rng.choice(MEETINGS)
    topic = rng.choice(TOPICS)
    chair = city.officials[0] if rng.random() < 0.6 else city.officials[1]
    present = [p for p in city.officials if p is not chair]
    present = rng.sample(present, rng.randint(3, len(present)))
    present.sort(key=city.officials.index)
    deputies = rng.sample(city.deputies, rng.randint(1, 3))
    reporter = rng.choice(city.staff)
    if opening:
        lead = f"{month}月{day}日，{opening}，研究部署{topic}工作。"
        title = f"{opening.replace('召开会议', '召开会议 研究部署' + topic + '工作')}"
    else:
        convener = rng.choice(CONVENERS)
        lead = f"{month}月{day}日，{convener}召开{name}{suffix}，安排部署{topic}工作。"
        title = f"{name}召开" if rng.random() < 0.5 else f"{chair.name}主持召开{name}"
    lead = f"本报讯（记者 {reporter}）{lead}{_title(chair)}{chair.name}主持会议并讲话。"
    attendance = "，".join(f"{_title(p)}{p.name}" for p in present) + "出席会议。"
    attendance += "副市长" + "、".join(p.name for p in deputies) + "列席会议。"
    paras = [lead, attendance]
    pols = rng.sample(city.policies, rng.randint(1, 3))
    bodies = rng.sample(CITY_BODIES, rng.randint(1, 3))
    emph = "会议强调，要" + rng.choice(["坚持项目为王", "坚持稳中求进", "坚持系统观念", "坚持问题导向"]) \
        + "，" + "，".join(f"深入推进“{p}" for p in pols) + "。"
    emph += "".join(f"{b}要{rng.choice(DIRECTIVES)}；" for b in bodies[:-1]) + f"{bodies[-1]}要{rng.choice(DIRECTIVES)}。"
    paras.append(emph)
    county = rng.choice(city.counties)
    if rng.random() < 0.5:
        paras.append(f"{county[:-1]}{'县委、县政府' if county.endswith('县') else '区委、区政府'}要落实属地责任，"
                     f"{rng.choice(DIRECTIVES)}。")
    speaker = chair if rng.random() < 0.7 else present[0]
    paras.append(f"{speaker.name}在讲话中要求，各级领导干部要发扬“马上就办、真抓实干”的作风，"
                 f"落实“{rng.choice(city.policies)}，推动{topic}工作取得新成效。")
    return title, paras


def inspection_body(rng: random.Random, city: City, month: int, day: int) -> tuple[str, list[str]]:
    lead = rng.choice(city.officials[:4])
    county = rng.choice(city.counties)
    topic = rng.choice(TOPICS)
    with_ = rng.sample(city.deputies, 1)[0]
    reporter = rng.choice(city.staff)
    title = f"{lead.name}到{county}调研{topic}工作"
    paras = [f"本报讯（记者 {reporter} 通讯员 {rng.choice(city.staff)}）{month}月{day}日，{_title(lead)}{lead.name}"
             f"到{county}调研{topic}工作。副市长{with_.name}参加调研。",
             f"在{county}的重点项目现场，{lead.name}详细了解项目进度和存在的困难，要求有关部门"
             f"{rng.choice(DIRECTIVES)}。",
             f"{lead.name}强调，要深入推进“{rng.choice(city.policies)}，以更大力度抓好{topic}各项工作。"
             f"{rng.choice(CITY_BODIES)}要{rng.choice(DIRECTIVES)}。"]
    return title, paras


def furniture(rng: random.Random, city: City, title: str, date: tuple, paras: list[str], number: int) -> str:
    y, mo, d, h, mi = date
    site = city.short + rng.choice(("新闻网", "网", "融媒"))
    source = city.short + rng.choice(MEDIA)
    head = [f"{site}  首页 | 时政 | 民生 | 区县 | 专题 | 视频",
            f"当前位置：首页 > 时政 > {city.short}要闻",
            title,
            f"发布时间：{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}    来源：{source}    浏览次数：{rng.randint(100, 9999)}",
            "【字号：大 中 小】【打印】【关闭】   分享到：微信 微博",
            ""]
    body = ["　　" + p for p in paras]
    editor, checker = rng.sample(city.staff, 2)
    tail = [f"（责任编辑：{editor}　审核：{checker}）", "", "相关新闻：",
            f"· {rng.choice(city.officials).name}调研{rng.choice(city.counties)}{rng.choice(TOPICS)}　　{y}-{mo:02d}-{max(1, d - 2):02d}",
            f"· {rng.choice(city.counties)}召开{rng.choice(TOPICS)}工作会议　　{y}-{mo:02d}-{max(1, d - 5):02d}",
            f"上一篇：{rng.choice(city.counties)}召开安全生产工作会议",
            f"下一篇：我市举行{y}年“{city.short}工匠”颁奖仪式", "",
            f"主办：中共{city.name}委宣传部　承办：{city.short}日报社",
            f"新闻热线：0000-{1000000 + number % 8999999}　广告联系：{rng.choice(city.staff)}　13800000000",
            f"{city.short[0]}ICP备{number % 100000000:08d}号-1",
            f"Copyright © {y} {site} 版权所有"]
    return "\n".join(head + body + tail) + "\n"


def _html(text: str, title: str) -> str:
    import html

    lines = text.split("\n")
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines if line.strip())
    return (f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head>\n<body>\n<div class=\"article\">\n{body}</div>\n</body></html>\n")


def generate(n: int, seed: int = 7, cities: int = 0, html_share: float = 0.1) -> Iterator[tuple[str, str]]:
    """``(relative file name, text)`` for ``n`` articles; the same for the same (n, seed, …)."""
    rng = random.Random(seed)
    names = Names(rng)
    city_list = make_cities(rng, cities or DEFAULT_CITIES, names)  # not from n: n+k extends n
    for i in range(n):
        city = rng.choice(city_list)
        date = _date(rng)
        maker = meeting_body if rng.random() < 0.8 else inspection_body
        title, paras = maker(rng, city, date[1], date[2])
        # realistic length: add filler paragraphs up to 400–1500 characters of body
        target = rng.randint(400, 1500)
        fillers = list(FILLERS)
        rng.shuffle(fillers)
        while sum(len(p) for p in paras) < target and fillers:
            paras.insert(rng.randint(2, len(paras)), fillers.pop())
        while sum(len(p) for p in paras) > 1500 and len(paras) > 3:
            paras.pop(-2)
        text = furniture(rng, city, title, date, paras, i)
        folder = f"{i // 1000:03d}"
        if rng.random() < html_share:
            yield f"{folder}/article-{i:06d}.html", _html(text, title)
        else:
            yield f"{folder}/article-{i:06d}.txt", text


def write_corpus(out: str | os.PathLike[str], n: int, seed: int = 7, cities: int = 0, html_share: float = 0.1,
                 start: int = 0) -> list[Path]:
    """Write the articles under ``out``; ``start`` skips the first ones (to add "new" articles)."""
    out = Path(out)
    written = []
    for i, (name, text) in enumerate(generate(n, seed, cities, html_share)):
        if i < start:
            continue
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of articles (default 1000)")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cities", type=int, default=0, help=f"fictional cities (default {DEFAULT_CITIES})")
    ap.add_argument("--html", type=float, default=0.1, help="share of HTML pages (default 0.1)")
    ap.add_argument("--start", type=int, default=0, help="write only articles from this index on")
    args = ap.parse_args(argv)
    paths = write_corpus(args.out, args.n, args.seed, args.cities, args.html, args.start)
    print(f"{len(paths)} articles in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
