"""Resolution and outputs at corpus sizes where extraction would take hours: synthetic extraction
records (no text), a world that grows with the corpus, and the coordinating process measured.

    .venv/bin/python bench/scale_records.py --sizes 20000,50000,100000 [--formats json,nquads,store]
    .venv/bin/python bench/scale_records.py --one 20000 --out /tmp/x     # one size (what each run does)

The world grows in proportion to the article count: one city per 500 articles (at least 40), each
with 3–8 counties, its own cast of officials per city and county and its bodies; officials move —
promoted (副市长 → 代市长 → 市长), sent to another county — as the corpus's dates advance. Each
size runs in a fresh process (its peak RSS is its own): records are made as a stream, turned into
resolution fragments (``kg.resolve.article_fragment``, no texts: the evidence sentences are empty),
merged (``kg.resolve.merge``) and written (``kg.publish.write_outputs`` with ``--formats``). The
table gives wall time and peak RSS per size and their growth exponents (log ratio of time or memory
over log ratio of sizes; 1 = linear), and the projection to 1M articles.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海燕晓东文斌辉宇鹏飞浩然立新启明清远达")
SYLL = list("云岚泽川青石枫林溪山南屏安澄桐柳江湄沅澧鹤汀霁岫芷蘅棠榆槐荻苇茗湛漪岑嶂峪滨岱汐")
CITY_POSTS = ("市委书记", "市长", "市委副书记", "常务副市长", "副市长", "市委常委", "市人大常委会主任", "市政协主席")
COUNTY_POSTS = ("县委书记", "县长", "县委副书记", "常务副县长", "副县长", "县委常委")
BODIES = ("发改委", "财政局", "应急管理局", "生态环境局", "住建局", "教育局", "卫健委", "水利局", "农业农村局", "公安局")
POLICIES = ("“河长制”", "“林长制”", "“一网通办”", "“放管服”改革", "“无事不扰”机制", "“五级包保”责任制", "“链长制”")
MEETINGS = ("常委会会议", "常务会议", "安全生产工作会议", "经济工作会议", "乡村振兴推进会", "防汛抗旱工作会议")


class World:
    """Cities with counties and casts that grow with the corpus; officials move as time passes."""

    def __init__(self, articles: int, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        n_cities = max(40, articles // 500)
        names: set[str] = set()
        self.cities = []
        while len(self.cities) < n_cities:
            stem = "".join(self.rng.choice(SYLL) for _ in range(2 + (len(names) > 600)))
            if stem in names:
                continue
            names.add(stem)
            counties = []
            for _ in range(self.rng.randint(3, 8)):
                c = "".join(self.rng.choice(SYLL) for _ in range(2))
                if c not in names:
                    names.add(c)
                    counties.append(c)
            self.cities.append({"stem": stem, "counties": counties,
                                "cast": {p: self.person() for p in CITY_POSTS},
                                "county_cast": {c: {p: self.person() for p in COUNTY_POSTS} for c in counties}})

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))

    def churn(self, city: dict) -> None:
        """Now and then a deputy is promoted and a newcomer takes the deputy's post; a county head
        moves to another county."""
        cast = city["cast"]
        if self.rng.random() < 0.02:
            cast["市长"], cast["副市长"] = cast["副市长"], self.person()
        if self.rng.random() < 0.02 and len(city["counties"]) > 1:
            a, b = self.rng.sample(city["counties"], 2)
            ca, cb = city["county_cast"][a], city["county_cast"][b]
            ca["县长"], cb["县长"] = cb["县长"], ca["县长"]


def records(n: int, seed: int = 7) -> Iterator["object"]:
    """``n`` synthetic records in date order (a stream: nothing is kept)."""
    from kg.record import Doc, Entity, Record, Relation

    world = World(n, seed)
    rng = world.rng
    for i in range(n):
        city = rng.choice(world.cities)
        world.churn(city)
        day = 19000 + i * 3650 // max(n, 1)  # ten years of days across the corpus
        y, rest = 1970 + day // 365, day % 365
        date = f"{min(y, 2030):04d}-{rest // 31 % 12 + 1:02d}-{rest % 28 + 1:02d}"
        county = rng.choice(city["counties"]) if city["counties"] and rng.random() < 0.4 else None
        stem = city["stem"]
        cast = city["county_cast"][county] if county else city["cast"]
        prefix = "县" if county else "市"
        kind = rng.choice(MEETINGS)
        ents: list = []
        rels: list = []
        pos = 0

        def add(etype: str, name: str, titles=()) -> str:
            nonlocal pos
            eid = f"e{len(ents) + 1}"
            ents.append(Entity(eid, etype, name, [], list(titles), [[pos, pos + len(name)]]))
            pos += len(name) + 7
            return eid

        meeting = add("Meeting", f"{prefix}委{kind}")
        posts = rng.sample(list(cast), k=min(len(cast), rng.randint(3, 6)))
        for k, post in enumerate(posts):
            o = add("Official", cast[post], [post])
            rels.append(Relation("presided" if k == 0 else "attended", o, meeting, [0, pos]))
            if k == 0:
                rels.append(Relation("addressed", o, meeting, [0, pos]))
                for pol in rng.sample(POLICIES, 2):
                    rels.append(Relation("emphasised", o, add("Policy", pol), [0, pos]))
        body = add("Organization", f"{prefix}{rng.choice(BODIES)}")
        rels.append(Relation("directed", meeting, body, [0, pos]))
        org = add("Organization", f"{prefix}委")
        rels.append(Relation("convened", org, meeting, [0, pos]))
        add("Place", (county + "县") if county else (stem + "市"))
        source = (county + "县融媒体中心") if county else (stem + "日报")
        doc = Doc(id=f"syn{i:08d}", path=f"synthetic/{i // 1000:04d}/{i:08d}.txt", title=f"{prefix}委{kind}召开",
                  published=date, source=source)
        yield Record(doc, ents, rels)


def run_one(n: int, out: Path, formats: str, workers: int = 0) -> dict:
    """One size in this process: fragments → merge → outputs; returns the measurements. With
    ``workers``, the partitioned resolution (kg/partitioned.py) in that many worker processes and the
    outputs written from its partitions; else ``kg.resolve.merge`` and the graph in memory."""
    import gc

    from kg.parallel import peak_rss
    from kg.publish import write_outputs
    from kg.resolve import DEFAULT_BASE_IRI, article_fragment, divisions, merge
    from kg.writers import parse_formats

    started = time.perf_counter()
    table = divisions()
    gc.disable()
    t = time.perf_counter()
    fragments = (article_fragment(rec, None, table=table) for rec in records(n))
    extra: dict = {}
    if workers:
        from kg.partitioned import GraphView, Processes, merge_partitioned, partitions_for

        runner = Processes(workers)
        try:
            parts = merge_partitioned(fragments, out / ".partitions", DEFAULT_BASE_IRI,
                                      partitions=int(os.environ.get("KG_BENCH_PARTITIONS", 0)) or partitions_for(n), runner=runner)
        finally:
            runner.close()
        graph = GraphView(parts)
        officials = parts.counts["measured_officials"]
        extra = {"partitions": parts.parts, "worker_peak_rss_mb": round(parts.worker_peak_rss / 2**20)}
    else:
        graph = merge(fragments)
        officials = sum(1 for x in graph.nodes.values() if x.type == "Official")
    resolve_s = time.perf_counter() - t
    rss_after_merge = peak_rss() / 2**20
    t = time.perf_counter()
    stats: dict = {}
    write_outputs(graph, out, formats=parse_formats(formats), stats=stats)
    write_s = time.perf_counter() - t
    if "store loader peak RSS" in stats:
        extra["store_loader_peak_mb"] = round(stats["store loader peak RSS"] / 2**20)
    if workers:
        graph.parts.remove()
    return {"articles": n, "nodes": len(graph.nodes), "edges": len(graph.edges), "officials": officials,
            "resolve_s": round(resolve_s, 1), "write_s": round(write_s, 1),
            "wall_s": round(time.perf_counter() - started, 1), "rss_after_merge_mb": round(rss_after_merge),
            "peak_rss_mb": round(peak_rss() / 2**20), **extra}


def exponent(a: dict, b: dict, key: str) -> float:
    return math.log(b[key] / a[key]) / math.log(b["articles"] / a["articles"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="20000,50000,100000", help="article counts, comma-separated")
    ap.add_argument("--formats", default="json,nquads,store", help="kg build --formats of the outputs written")
    ap.add_argument("--one", type=int, help="measure one size in this process (used by --sizes)")
    ap.add_argument("--out", help="output folder for --one")
    ap.add_argument("--partitioned", type=int, default=0, metavar="WORKERS",
                    help="the partitioned resolution (kg/partitioned.py) in WORKERS processes, outputs "
                         "written from its partitions (default 0: kg.resolve.merge, the graph in memory)")
    args = ap.parse_args()
    if args.one:
        out = Path(args.out or tempfile.mkdtemp(prefix="kg-scale-records-"))
        print(json.dumps(run_one(args.one, out, args.formats, args.partitioned)))
        return 0
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="kg-scale-records-") as tmp:
            proc = subprocess.run([sys.executable, __file__, "--one", str(n), "--out", tmp, "--formats", args.formats,
                                   "--partitioned", str(args.partitioned)],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stderr[-2000:], file=sys.stderr)
                return 1
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), flush=True)
    print(f"\n| articles | nodes | officials | resolve s | write s | wall s | peak RSS MB | task peak MB | "
          f"store loader MB | (formats {args.formats}) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['articles']:,} | {r['nodes']:,} | {r['officials']:,} | {r['resolve_s']} | {r['write_s']} | "
              f"{r['wall_s']} | {r['peak_rss_mb']:,} | {r.get('worker_peak_rss_mb', '–')} | "
              f"{r.get('store_loader_peak_mb', '–')} | |")
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        te, me = exponent(a, b, "wall_s"), exponent(a, b, "peak_rss_mb")
        print(f"\ngrowth exponents {a['articles']:,} → {b['articles']:,}: time {te:.2f}, peak RSS {me:.2f}; "
              f"projected at 1,000,000: {b['wall_s'] * (1e6 / b['articles']) ** te / 60:.0f} min, "
              f"{b['peak_rss_mb'] * (1e6 / b['articles']) ** me / 1024:.1f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
