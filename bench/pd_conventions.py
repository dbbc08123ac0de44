"""Where People's Daily's NER conventions and our spec part: its errors, sorted by kind.

    .venv/bin/python bench/quality.py pd --keep /tmp/pdk
    .venv/bin/python bench/pd_conventions.py /tmp/pdk/pd.jsonl

People's Daily (../shared/corpus/pd-ner, scored span-exact by ../shared/eval/pd_ner.py) tags some
things our spec (../shared/spec/annotation.md) and our gold say are no entity or another one: the
body inside a title (市委 of 市委书记), the person a doctrine is named after (邓小平 of 邓小平理论:
real-dev's gold names no 习近平 where only 习近平新时代…思想 names him), names inside a quoted
policy (中国 of “一个中国”: the written gold names none), a surname with a post (江主席 → 江), the
persons in a cup's name (汤杯, 尤伯杯) and a body inside a meeting's name (欧盟 of 欧盟首脑会议).
This script counts each kind among the misses and false alarms, and prints the scores again with
those counted neither way — what the extractor scores on the conventions both share. It reads
the scorer's own span rules (pd_ner.sentences, gold_spans, MAP), so the plain scores it prints are
the scorer's.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
PD_DEV = SHARED / "corpus" / "pd-ner" / "example.dev"

# a post right after a body's name: the body is part of a title (国务院|副总理, 外交部|长)
POST_AFTER = re.compile(r"(?:常务)?(?:副|代理|前|原)?(?:书记|部长|长|总理|主席|委员|主任|院长|校长|秘书长|常委|司令员?"
                        r"|参谋长|政委|行长|局长|议长|厅长|总裁|会长|理事长|官员|所长|社长|发言人|代表)")
DOCTRINE_AFTER = re.compile(r"(?:党建)?(?:理论|思想|主义)")
CUP_AFTER = re.compile(r"[\u4e00-\u9fff]{0,2}杯")
MEETING_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}(?:会议|大会|峰会|年会)")


def kind_of_miss(text: str, s: int, e: int, typ: str, policies: list[tuple[int, int]]) -> str | None:
    """The convention a missed gold span falls under, or None (an ordinary miss)."""
    if any(ps <= s and e <= pe for ps, pe in policies):
        return "inside a quoted policy"
    if typ == "ORG" and POST_AFTER.match(text, e):
        return "body inside a title"
    if typ == "ORG" and MEETING_AFTER.match(text, e):
        return "body inside a meeting's name"
    if typ == "PER" and DOCTRINE_AFTER.match(text, e):
        return "doctrine's namesake"
    if typ == "PER" and CUP_AFTER.match(text, e):
        return "person in a cup's name"
    if typ == "PER" and e - s == 1 and POST_AFTER.match(text, e):
        return "surname with a post"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("records", help="records.jsonl of the People's Daily sentences (bench/quality.py pd --keep DIR)")
    ap.add_argument("--bio", default=str(PD_DEV))
    args = ap.parse_args(argv)
    sys.path.insert(0, str(SHARED / "eval"))
    import pd_ner  # the scorer's own reading of the gold

    preds: dict[int, set] = {}
    policies: dict[int, list] = {}
    for line in Path(args.records).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        i = int(Path(rec["doc"]["path"]).stem[2:])
        preds[i] = {(s, t, pd_ner.MAP[e["type"]]) for e in rec["entities"] if e["type"] in pd_ner.MAP
                    for s, t in e["mentions"]}
        policies[i] = [(s, t) for e in rec["entities"] if e["type"] == "Policy" for s, t in e["mentions"]]
    plain = {k: [0, 0, 0] for k in ("PER", "LOC", "ORG")}
    shared = {k: [0, 0, 0] for k in ("PER", "LOC", "ORG")}
    kinds: Counter = Counter()
    for i, (text, tags) in enumerate(pd_ner.sentences(args.bio)):
        gold, pred = pd_ner.gold_spans(tags), preds.get(i, set())
        excluded = set()
        for s, e, typ in gold - pred:
            kind = kind_of_miss(text, s, e, typ, policies.get(i, []))
            if kind:
                kinds[(typ, kind)] += 1
                excluded.add((s, e, typ))
        for s, e, typ in gold & pred:
            plain[typ][0] += 1
            shared[typ][0] += 1
        for s, e, typ in pred - gold:
            plain[typ][1] += 1
            shared[typ][1] += 1
        for span in gold - pred:
            plain[span[2]][2] += 1
            if span not in excluded:
                shared[span[2]][2] += 1

    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    print("misses where People's Daily's convention is not ours:")
    for (typ, kind), n in sorted(kinds.items(), key=lambda x: -x[1]):
        print(f"  {typ}  {n:4d}  {kind}")
    print(f"{'':4} {'F1 as scored':>13} {'F1 on shared conventions':>26}")
    for name, rows in (("PER", ["PER"]), ("LOC", ["LOC"]), ("ORG", ["ORG"]), ("ALL", ["PER", "LOC", "ORG"])):
        p = [sum(plain[r][k] for r in rows) for k in range(3)]
        q = [sum(shared[r][k] for r in rows) for k in range(3)]
        print(f"{name:4} {f1(*p):13.3f} {f1(*q):26.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
