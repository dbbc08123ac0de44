"""`kg build` itself at corpus sizes where extraction would take hours: the record cache filled with
synthetic records (bench/scale_records.py's growing world), then a full build and an incremental
re-run with 0.1% new articles — everything `kg build` does after extraction, measured.

    .venv/bin/python bench/scale_build.py --articles 100000 [--partitions auto] [--workers 2]
    .venv/bin/python bench/scale_build.py --articles 20000 --partitions 0    # the in-memory build

The inputs are JSON Lines files of 1,000 records each (their bytes only name the cache entry: the
cache is filled with each file's records before the build, as a previous extraction would have).
Each build runs in a fresh process (``--one``) so that its peak RSS is its own; the table gives
wall time, the `kg` process's peak RSS, the largest resolution task's and the store loader's, and
the re-run's cost as a share of the full build.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PER_FILE = 1_000


def fill(src: Path, cache_dir: Path, n: int, start: int = 0, seed: int = 7) -> int:
    """Write input files for records ``start``…``n`` of the synthetic stream and cache their records."""
    from kg.cache import RecordCache, content_key, extractor_fingerprint
    from scale_records import records

    cache = RecordCache(cache_dir)
    fingerprint = extractor_fingerprint("pkuseg")
    src.mkdir(parents=True, exist_ok=True)
    batch: list[dict] = []
    files = 0

    def flush(first: int) -> None:
        nonlocal batch, files
        path = src / f"part-{first:08d}.jsonl"
        data = "".join(json.dumps({"id": r["doc"]["id"], "text": ""}, ensure_ascii=False) + "\n" for r in batch)
        path.write_text(data, encoding="utf-8")
        items = [{"line": i + 1, "record": r, "text": ""} for i, r in enumerate(batch)]
        cache.put(content_key(data.encode("utf-8"), fingerprint), str(path), items)
        files += 1
        batch = []

    first = start
    for i, rec in enumerate(records(n, seed)):
        if i < start:
            continue
        if not batch:
            first = i
        batch.append(rec.to_dict())
        if len(batch) >= PER_FILE:
            flush(first)
    if batch:
        flush(first)
    return files


def run_one(src: str, out: str, cache: str, workers: int, partitions: str, formats: str) -> dict:
    from kg.scale import build_scaled
    from kg.writers import parse_formats

    t = time.perf_counter()
    r = build_scaled([src], out, cache_dir=cache, workers=workers, progress=False,
                     formats=parse_formats(formats), partitions=None if partitions == "0" else partitions)
    s = r.stats
    return {"articles": r.articles, "extracted": s.extracted_files, "wall_s": round(time.perf_counter() - t, 1),
            "resolve_s": round(s.seconds_resolve, 1), "write_s": round(s.seconds_write, 1),
            "peak_rss_mb": round(s.main_peak_rss / 2**20), "task_peak_mb": round(s.resolve_peak_rss / 2**20),
            "store_loader_mb": round(s.outputs.get("store loader peak RSS", 0) / 2**20),
            "reused_fragments": s.reused_fragments, "rdf_copied": s.outputs.get("rdf objects copied", 0)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--partitions", default="auto", help="kg build --partitions (0: the in-memory build)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--formats", default="json,nquads,store")
    ap.add_argument("--new-share", type=float, default=0.001, help="new articles in the re-run, as a share")
    ap.add_argument("--one", nargs=3, metavar=("SRC", "OUT", "CACHE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one, args.workers, args.partitions, args.formats)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="kg-scale-build-"))
    try:
        src, out, cache = tmp / "src", tmp / "out", tmp / "cache"
        n = args.articles
        extra = max(1, round(n * args.new_share))
        t = time.perf_counter()
        fill(src, cache, n)
        print(f"filled {n:,} records in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        rows = []
        for label in ("full", "re-run"):
            if label == "re-run":
                fill(src, cache, n + extra, start=n)
            proc = subprocess.run([sys.executable, __file__, "--one", str(src), str(out), str(cache),
                                   "--workers", str(args.workers), "--partitions", args.partitions,
                                   "--formats", args.formats], capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append((label, row))
            print(label, json.dumps(row), flush=True)
        full, rerun = rows[0][1], rows[1][1]
        print(f"\n| build | articles | wall s | resolution s | outputs s | kg peak MB | task peak MB | "
              f"store loader MB |\n|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, r in rows:
            print(f"| {label} | {r['articles']:,} | {r['wall_s']} | {r['resolve_s']} | {r['write_s']} | "
                  f"{r['peak_rss_mb']:,} | {r['task_peak_mb']} | {r['store_loader_mb']} |")
        print(f"\nre-run with {extra:,} new articles ({args.new_share:.1%}): {rerun['wall_s'] / full['wall_s']:.3f} "
              f"of the full build (--partitions {args.partitions}, --workers {args.workers}, --formats {args.formats})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
