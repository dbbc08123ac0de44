"""The extraction and scale benchmark: one run, every ratio against a baseline measured in that run.

    .venv/bin/python bench/run.py                          # defaults: 200 articles, 3 rounds, 1000-article build
    .venv/bin/python bench/run.py --build-articles 20000   # the full-size build (long: run it in the background)
    .venv/bin/python bench/run.py --no-write               # print only; leave docs/benchmarks.md alone

Rows (synthetic articles from bench/gen_corpus.py, the same texts for every contender):

- full extraction (raw text → record: furniture, metadata, spaCy+pkuseg, every extractor) against
  spaCy+pkuseg segmentation alone (the same spaCy pipeline's tokenizer on the same raw texts), and
  against jieba's POS tagger (``jieba.posseg``). These run in this process and are timed in CPU
  time (``time.process_time``), which other work on a shared machine does not inflate; rounds are
  interleaved (A B C, B C A, …) anyway and the median round counts.
- 2 worker processes against 1 (``kg.parallel.ProcessPool``), and a Dask ``LocalCluster`` of 2
  worker processes against one process (``kg.distributed.DaskExecutor`` vs in-process), on the same
  files, with every worker's model loaded before the clock starts; the Dask items are compared with
  the single-process ones. Peak RSS per worker from ``getrusage`` in each worker.
- a whole ``kg build --workers 2`` of ``--build-articles`` articles (subprocess, wall time, peak RSS
  per worker), then the same build with ``--new`` new articles added: the incremental re-run's time
  as a share of the full build's.
- the SPARQL, Neo4j and Viz figures: their sections of docs/benchmarks.md (``--run-others`` runs
  bench/bench_sparql.py and bench/bench_neo4j.py first, if present).

The machine's load average (1 min) is printed before and after each part: on a shared 2-core machine
the parallel ratios depend on it. Writes the "## Scale" section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DOC = ROOT / "docs" / "benchmarks.md"
OTHERS = (("SPARQL", "bench_sparql.py", ["--write-docs"]), ("Neo4j", "bench_neo4j.py", ["--write-docs"]))


def load() -> float:
    return os.getloadavg()[0]


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.verdicts: list[str] = []

    def verdict(self, target: str, met: bool, measured: str) -> None:
        self.verdicts.append(f"{target}: {'met' if met else 'NOT met'} ({measured})")

    def add(self, what: str, measured: str, ratio: str, target: str = "") -> None:
        self.rows.append((what, measured, ratio, target))
        print(f"  {what}: {measured} → {ratio} {target}", file=sys.stderr, flush=True)

    def markdown(self) -> str:
        out = ["| measure | measured | ratio | target |", "|---|---|---:|---|"]
        out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        return "\n".join(out)


# ----------------------------------------------------------------------------- single process

def texts_of(folder: Path) -> list[tuple[str, str]]:
    return [(str(p), p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("*.txt"))]


def bench_extraction(texts: list[tuple[str, str]], rounds: int, table: Table) -> None:
    """Full extraction vs segmentation alone vs jieba.posseg, interleaved rounds, same texts."""
    import jieba
    import jieba.posseg as pseg

    from extract.read import document_from_text
    from kg.parallel import get_extractor

    from kg.pipeline import Extractor

    jieba.setLogLevel(60)
    ex = get_extractor("pkuseg")
    ex_plain = Extractor("pkuseg", ner="none")
    seg = ex.segmenter

    def extraction(ts):
        for path, text in ts:
            ex.extract(document_from_text(text, path))

    def extraction_plain(ts):
        for path, text in ts:
            ex_plain.extract(document_from_text(text, path))

    def segmentation(ts):
        for _, text in ts:
            seg.tokens(text)

    from extract.normalize import normalize

    bodies = {path: normalize(document_from_text(text, path).body).text for path, text in texts}

    def body_segmentation(ts):  # exactly the text the extractor segments (body after furniture removal)
        for path, _ in ts:
            seg.tokens(bodies[path])

    def posseg(ts):
        for _, text in ts:
            list(pseg.cut(text))

    contenders = [("extraction", extraction), ("segmentation", segmentation), ("jieba.posseg", posseg),
                  ("body segmentation", body_segmentation), ("extraction without NER", extraction_plain)]
    for _, fn in contenders:  # warm-up: caches, jieba's dictionary, lazy imports
        fn(texts[:10])
    times: dict[str, list[float]] = {name: [] for name, _ in contenders}
    for r in range(rounds):
        order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
        for name, fn in order:  # CPU time of this (single-threaded) process: other work on the
            t = time.process_time()  # machine does not count against any contender
            fn(texts)
            times[name].append(time.process_time() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    n = len(texts)
    chars = sum(len(t) for _, t in texts)
    table.add(f"full extraction vs spaCy+pkuseg segmentation alone ({n} texts, {chars // n} chars avg, "
              f"median of {rounds} interleaved rounds, CPU time)",
              f"extraction {n / med['extraction']:.1f} articles/s, segmentation {n / med['segmentation']:.1f} articles/s",
              f"{med['segmentation'] / med['extraction']:.2f}×", "≥ 0.5× (with the NER component)")
    ratio = med['segmentation'] / med['extraction']
    table.verdict(f"full extraction with the NER component ({ex.ner}) ≥ 0.5× the speed of segmentation alone",
                  ratio >= 0.5, f"{ratio:.2f}×")
    plain = med['segmentation'] / med['extraction without NER']
    table.add("extraction without the NER component (`--ner none`) vs segmentation alone",
              f"{n / med['extraction without NER']:.1f} articles/s", f"{plain:.2f}×", "≥ 0.8×")
    table.verdict("extraction without NER ≥ 0.8× the speed of segmentation alone", plain >= 0.8, f"{plain:.2f}×")
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table.add("peak RSS of this process (segmenter + LAC model + both extractors)", f"{rss:.0f} MB", "", "≤ 1,500 MB per worker")
    table.add("full extraction vs segmentation of only the article bodies the extractor segments (stricter)",
              f"body segmentation {n / med['body segmentation']:.1f} articles/s",
              f"{med['body segmentation'] / med['extraction']:.2f}×", "")
    table.add("full extraction vs jieba.posseg (same texts)",
              f"jieba.posseg {n / med['jieba.posseg']:.1f} articles/s",
              f"{med['jieba.posseg'] / med['extraction']:.2f}×", "(> 1 = extraction faster)")


# ------------------------------------------------------------------------------------ parallel

def _timed_run(ex, tasks, cpu: dict | None = None) -> tuple[float, dict[int, list], dict[int, int]]:
    """Wall time, items by index, peak RSS by worker pid; with ``cpu``, adds the CPU seconds the
    workers (``cpu["workers"]``) and this parent process (``cpu["parent"]``) spent on the run."""
    pids = [p.pid for p in _pool_processes(ex)] if cpu is not None else []
    before = _cpu_seconds(pids)
    parent = time.process_time()
    t = time.perf_counter()
    items, rss = {}, {}
    for index, its, pid, peak in ex.run(tasks):
        items[index] = its
        rss[pid] = max(rss.get(pid, 0), peak)
    wall = time.perf_counter() - t
    if cpu is not None:
        cpu["parent"] = cpu.get("parent", 0.0) + time.process_time() - parent
        cpu["workers"] = cpu.get("workers", 0.0) + _cpu_seconds(pids) - before
    return wall, items, rss


def _pool_processes(ex) -> list:
    import psutil

    pool = getattr(ex, "_pool", None)
    procs = getattr(pool, "_processes", None) or {}
    return [psutil.Process(pid) for pid in procs]


def _cpu_seconds(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        t = psutil.Process(pid).cpu_times()
        total += t.user + t.system
    return total


def bench_workers(folder: Path, rounds: int, table: Table, dask: bool) -> None:
    from extract.read import expand_paths
    from kg.parallel import InProcess, ProcessPool

    tasks = [(i, p) for i, p in enumerate(expand_paths([str(folder)]))]
    n = len(tasks)
    with ProcessPool(1) as one, ProcessPool(2) as two:  # both ready (models loaded) before any clock
        for ex in (one, two):  # first-use costs in every worker (lazy caches, regexes) off the clock
            _timed_run(ex, tasks[:12])
        t1, t2 = [], []
        peaks: dict[int, int] = {}
        items1 = items2 = None
        cpu1: dict = {}
        cpu2: dict = {}
        for r in range(rounds):
            for name in (("one", "two") if r % 2 == 0 else ("two", "one")):
                secs, items, rss = _timed_run(one if name == "one" else two, tasks,
                                              cpu1 if name == "one" else cpu2)
                (t1 if name == "one" else t2).append(secs)
                peaks.update({pid: max(peaks.get(pid, 0), v) for pid, v in rss.items()})
                if name == "one":
                    items1 = items
                else:
                    items2 = items
    a, b = statistics.median(t1), statistics.median(t2)
    table.add(f"2 worker processes vs 1 ({n} files, median of {rounds} interleaved rounds)",
              f"1 worker {n / a:.1f} articles/s, 2 workers {n / b:.1f} articles/s"
              + ("" if items1 == items2 else " — OUTPUTS DIFFER"),
              f"{a / b:.2f}×", "≥ 1.7×")
    # what the same runs would give on 2 otherwise idle cores, from CPU time (load-independent):
    # 1 worker: its CPU per article (the parent runs beside it on the other core);
    # 2 workers: both workers' and the parent's CPU shared by the 2 cores.
    per1 = cpu1["workers"] / (rounds * n)
    per2w, per2p = cpu2["workers"] / (rounds * n), cpu2["parent"] / (rounds * n)
    projected = per1 / ((per2w + per2p) / 2)
    table.verdict("2 workers ≥ 1.7× one", a / b >= 1.7,
                  f"{a / b:.2f}× measured at load {load():.1f} on 2 cores; {projected:.2f}× projected for idle cores")
    table.add("2 workers vs 1, projected for 2 idle cores from the CPU time of those runs",
              f"CPU per article: 1 worker {per1 * 1000:.1f} ms; 2 workers {per2w * 1000:.1f} ms "
              f"+ parent {per2p * 1000:.1f} ms", f"{projected:.2f}×", "≥ 1.7× (estimate, not a measurement)")
    table.add("peak RSS per worker process (after the runs above)", ", ".join(mb(v) for v in peaks.values()),
              mb(max(peaks.values())), "< 1.5 GB")
    if not dask:
        return
    from kg.distributed import DaskExecutor

    inproc = InProcess()
    with DaskExecutor("local", n_workers=2) as dx, inproc:
        for ex in (dx, inproc):
            _timed_run(ex, tasks[:12])
        td, ti = [], []
        dpeaks: dict[int, int] = {}
        same = True
        for r in range(rounds):
            for name in (("dask", "one") if r % 2 == 0 else ("one", "dask")):
                secs, items, rss = _timed_run(dx if name == "dask" else inproc, tasks)
                (td if name == "dask" else ti).append(secs)
                if name == "dask":
                    dpeaks.update(rss)
                    same = same and _same_items(items, items1)
                else:
                    same = same and _same_items(items, items1)
    d, i = statistics.median(td), statistics.median(ti)
    table.add(f"Dask LocalCluster (2 worker processes) vs 1 process ({n} files, median of {rounds} rounds)",
              f"1 process {n / i:.1f} articles/s, Dask {n / d:.1f} articles/s; output "
              + ("identical" if same else "DIFFERENT"),
              f"{i / d:.2f}×", "identical output")
    table.verdict("Dask output identical to the single-process output", same, f"{n} files")
    table.add("peak RSS per Dask worker", ", ".join(mb(v) for v in dpeaks.values()), mb(max(dpeaks.values())), "")


def _same_items(a: dict[int, list], b: dict[int, list] | None) -> bool:
    """Items from different executors: the same once the (temp) paths inside records are set aside."""
    if b is None or a.keys() != b.keys():
        return False
    from kg.cache import strip_paths

    return all(strip_paths(a[k], "") == strip_paths(b[k], "") for k in a)


# -------------------------------------------------------------------------------- whole builds

def _build(src: Path, out: Path, workers: int, nice: int = 0) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(src), "--out", str(out), "--workers",
                           str(workers), "--no-progress"], capture_output=True, text=True, cwd=ROOT,
                          preexec_fn=(lambda: os.nice(nice)) if nice else None)
    secs = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr)
    return secs, proc.stderr


def bench_build(n: int, new: int, workers: int, table: Table, seed: int, nice: int = 0) -> None:
    from gen_corpus import write_corpus

    with tempfile.TemporaryDirectory(prefix="kg-bench-build-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out"
        write_corpus(src, n, seed=seed)
        full, err = _build(src, out, workers, nice)
        summary = _summary(err)
        write_corpus(src, n + new, seed=seed, start=n)
        inc, err2 = _build(src, out, workers, nice)
        s2 = _summary(err2)
    table.add(f"`kg build --workers {workers}` of {n} synthetic articles (wall time, whole build"
              + (f", at nice {nice}" if nice else "") + ")",
              f"{full:.0f} s: {summary.get('time', '')}", f"{n / full:.1f} articles/s", "")
    table.add(f"peak RSS in that build", summary.get("memory", "?"), "", "< 1.5 GB per worker")
    workers_mb = [float(x) for x in re.findall(r"([\d.]+) MB", summary.get("memory", "").split("per worker")[0])]
    table.verdict(f"{n} articles build with peak RSS < 1.5 GB per worker", bool(workers_mb) and max(workers_mb) < 1536,
                  f"{max(workers_mb, default=0):.0f} MB")
    table.verdict(f"re-run with {new} new articles < 1/10 of the full build", inc / full < 0.1,
                  f"{inc / full:.3f} of {full:.0f} s")
    table.add(f"re-run with {new} new articles (incremental) vs the full build",
              f"{inc:.1f} s ({s2.get('head', '')}; {s2.get('time', '')})", f"{inc / full:.3f}", "< 0.1")


def _summary(stderr: str) -> dict[str, str]:
    out = {}
    for line in stderr.splitlines():
        if line.startswith("kg build: time: "):
            out["time"] = line[len("kg build: time: "):]
        elif line.startswith("kg build: peak memory: "):
            out["memory"] = line[len("kg build: peak memory: "):]
        elif re.match(r"kg build: \d+ articles", line):
            out["head"] = re.sub(r" → .*", "", line[len("kg build: "):])
    return out


# ---------------------------------------------------------------------------------- other parts

def sections(names: list[str]) -> str:
    if not DOC.exists():
        return ""
    doc = DOC.read_text(encoding="utf-8")
    found = []
    for name in names:
        m = re.search(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", doc, re.S | re.M)
        if m:
            found.append(m.group(0).strip())
    return "\n\n".join(found)


def run_others() -> None:
    for name, script, args in OTHERS:
        path = ROOT / "bench" / script
        if path.exists():
            print(f"running {script} …", file=sys.stderr, flush=True)
            subprocess.run([sys.executable, str(path), *args], cwd=ROOT)


def write_section(text: str) -> None:
    """Replace the "## Scale" section of docs/benchmarks.md, leaving the rest alone."""
    from benchdoc import replace_section

    replace_section("Scale", text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200, help="texts for the extraction and worker rows (default 200)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds per comparison (default 3)")
    ap.add_argument("--build-articles", type=int, default=1000, help="articles of the whole-build row (0: skip)")
    ap.add_argument("--new", type=int, default=100, help="new articles for the incremental re-run (default 100)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--build-nice", type=int, default=10,
                    help="niceness of the whole-build runs (default 10: the long part yields to other work "
                         "on a shared machine; the short comparisons run at normal priority)")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask row")
    ap.add_argument("--only-build", action="store_true", help="only the whole-build rows")
    ap.add_argument("--run-others", action="store_true", help="run bench_sparql.py / bench_neo4j.py first")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args(argv)

    from gen_corpus import write_corpus

    table = Table()
    loads = [f"{load():.1f}"]
    started = time.perf_counter()
    if not args.only_build:
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
            folder = Path(tmp) / "corpus"
            write_corpus(folder, args.articles, seed=args.seed, html_share=0.0)
            print(f"extraction vs segmentation vs jieba (load {load():.1f}) …", file=sys.stderr, flush=True)
            bench_extraction(texts_of(folder), args.rounds, table)
            loads.append(f"{load():.1f}")
            print(f"workers and Dask (load {load():.1f}) …", file=sys.stderr, flush=True)
            bench_workers(folder, args.rounds, table, dask=not args.no_dask)
            loads.append(f"{load():.1f}")
    if args.build_articles:
        print(f"whole build of {args.build_articles} articles (load {load():.1f}) …", file=sys.stderr, flush=True)
        bench_build(args.build_articles, args.new, 2, table, args.seed, args.build_nice)
        loads.append(f"{load():.1f}")
    if args.run_others:
        run_others()

    command = " ".join(["bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    header = (f"Measured {date.today().isoformat()} by `.venv/bin/python {command}` "
              f"({time.perf_counter() - started:.0f} s) on {platform.machine()}, {os.cpu_count()} cores shared with "
              f"other developers' work{f' (run at nice {os.nice(0)})' if os.nice(0) else ''}; 1-minute load "
              f"average at the start and after each part: {' → '.join(loads)}.")
    verdicts = "Targets (issues 6 and 10): " + "; ".join(table.verdicts) + "." if table.verdicts else ""
    text = "\n".join(["## Scale", "", header, "", table.markdown(), "", verdicts, "",
                      "What limits each figure, and what would move it: docs/scale.md (Measured limits).", "",
                      "Rerun: `.venv/bin/python bench/run.py` (add `--build-articles 20000` for the full-size "
                      "build; it takes long, run it in the background). The SPARQL, Neo4j and Viz figures are "
                      "in their own sections of this file (`bench/bench_sparql.py`, `bench/bench_neo4j.py`, "
                      "`bench/bench_viz.py`); `bench/run.py --run-others` reruns the first two."])
    print(text)
    others = sections(["SPARQL", "Neo4j", "Viz"])
    if others:
        print("\n" + others)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
