"""Title-parse accuracy per field against the hand-written gold table (tests/careers/titles_gold.tsv).

    .venv/bin/python bench/titles_accuracy.py [--errors]

Each row gives a title as written and its article's place; the parser reads the title against that
place. Accuracy is the share of rows whose field equals the gold (rank: over rows where the gold or
the parser gives one).
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

from kg.titles import context_path, parse_title

GOLD = Path(__file__).resolve().parents[1] / "tests" / "careers" / "titles_gold.tsv"
FIELDS = ("jurisdiction", "level", "organ", "position", "modifier", "rank")


def rows(path: Path = GOLD) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def score(gold_rows: list[dict]) -> tuple[dict[str, float], list[tuple[str, dict, dict]]]:
    right = {f: 0 for f in FIELDS}
    total = {f: 0 for f in FIELDS}
    errors = []
    for g in gold_rows:
        p = parse_title(g["title"], context_path(g["context_place"])).as_dict()
        for f in FIELDS:
            if f == "rank" and not (g[f] or p[f]):
                continue  # rank only where convention fixes one
            total[f] += 1
            if p[f] == g[f]:
                right[f] += 1
            else:
                errors.append((f, g, p))
    return {f: right[f] / total[f] if total[f] else 1.0 for f in FIELDS}, errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--errors", action="store_true", help="print each wrong field")
    args = ap.parse_args()
    g = rows()
    acc, errors = score(g)
    print(f"{len(g)} titles (tests/careers/titles_gold.tsv)")
    for f, v in acc.items():
        print(f"  {f:<13} {v:.3f}")
    if args.errors:
        for f, gold, got in errors:
            print(f"{f}\t{gold['title']}\t{gold['context_place']}\tgold={gold[f]!r}\tgot={got[f]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
