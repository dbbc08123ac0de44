"""Time-to-interactive of the HTML view: a 5,000-node page against a 500-node page, same run.

For each size a synthetic graph of the genre (viz/synthetic.py) is rendered once (the Python time
is reported too), then opened RUNS times in headless Debian Chromium (Playwright, network blocked,
a fresh browser context each time) and timed in the page's own clock:

- ready: navigation start -> vis-network's first drawn frame, after all page JS has run (the
  page answers input from here on);
- search: the Enter key's event (after typing an official's name) -> the next frame after the page
  selected, centred and highlighted it;
- filter: the click unticking "Official" in the legend -> the next frame after the view refreshed;
- interactive: ready + search, the issue's "interactive within 5 s" measure.

Writes the table under the "Viz" heading of docs/benchmarks.md (other sections untouched).

    .venv/bin/python bench/bench_viz.py [--runs 5] [--sizes 500 5000] [--no-write]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from viz.render import render_html, write_html  # noqa: E402
from viz.synthetic import synthetic_graph  # noqa: E402
from viz.views import whole_view  # noqa: E402
from viz_support import chromium, node_id, open_page  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
TARGET_MS = 5000


# In-page clock, no Playwright round trips: t0 = the user's input event (Enter / click), t1 = the
# next animation frame after the page's own handler (a window bubble-phase listener runs after it).
PROBE = """() => {
  window.__lat = {};
  const start = (kind) => (e) => { if (kind !== 'search' || e.key === 'Enter') window.__lat[kind] = {t0: e.timeStamp}; };
  const end = (kind) => () => requestAnimationFrame(() => { window.__lat[kind].t1 = performance.now(); });
  window.addEventListener('keydown', start('search'), true);
  window.addEventListener('submit', end('search'));
  window.addEventListener('click', start('filter'), true);
  window.addEventListener('change', end('filter'));
}"""


def latency(page, kind: str) -> float:
    page.wait_for_function("k => window.__lat[k] && window.__lat[k].t1 !== undefined", arg=kind, timeout=60_000)
    return page.evaluate("k => window.__lat[k].t1 - window.__lat[k].t0", kind)


def measure(browser, path: Path, official: tuple[str, str]) -> dict[str, float]:
    page, log = open_page(browser, path)
    try:
        ready = page.evaluate("kgView.readyAt")
        target = node_id(page, official[0])
        page.evaluate(PROBE)
        page.fill("#kg-search", official[1])
        page.press("#kg-search", "Enter")
        search = latency(page, "search")
        if page.evaluate("kgView.network.getSelectedNodes()[0]") != target:
            raise RuntimeError(f"{path}: search for {official[1]} did not select it")
        page.click('input[data-kg-type="Official"]')
        filt = latency(page, "filter")
        if "Official" in page.evaluate("kgView.nodeView.get().map(n => n.kgType)"):
            raise RuntimeError(f"{path}: the Official filter did not hide officials")
        if log.outside or log.errors:
            raise RuntimeError(f"{path}: requests {log.outside} errors {log.errors}")
        return {"ready": ready, "search": search, "filter": filt, "interactive": ready + search}
    finally:
        page.context.close()


def run(sizes: list[int], runs: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        for n in sizes:
            g = synthetic_graph(n, seed=0)
            t = time.perf_counter()
            G = whole_view(g, max_nodes=None)
            html = render_html(G)
            render_s = time.perf_counter() - t
            path = write_html(html, Path(tmp) / f"viz-{n}.html")
            hub = max((v for v in G if G.nodes[v]["type"] == "Official"), key=G.degree)
            samples = [measure(browser, path, (hub, G.nodes[hub]["label"])) for _ in range(runs)]
            row = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "render_s": render_s,
                   "mb": len(html.encode("utf-8")) / 1e6}
            for k in ("ready", "search", "filter", "interactive"):
                vals = [s[k] for s in samples]
                row[k] = statistics.median(vals)
                row[k + "_max"] = max(vals)
            rows.append(row)
            print(f"{n:>6} nodes: render {render_s:.2f} s, page {row['mb']:.1f} MB, ready {row['ready']:.0f} ms, "
                  f"search {row['search']:.0f} ms, filter {row['filter']:.0f} ms, interactive "
                  f"{row['interactive']:.0f} ms (max {row['interactive_max']:.0f})", flush=True)
    return rows


def table(rows: list[dict], runs: int, load: tuple[float, float]) -> str:
    base = rows[0]
    lines = [
        "## Viz",
        "",
        f"Time-to-interactive of `kg viz` pages (whole-graph view of synthetic graphs, "
        f"`bench/bench_viz.py --runs {runs}`, median of {runs} fresh page loads each, headless Debian "
        f"Chromium via Playwright, network blocked; {platform.machine()}, {os.cpu_count()} cores shared "
        f"with other work, load average {load[0]:.1f} before / {load[1]:.1f} after; "
        f"{time.strftime('%Y-%m-%d')}).",
        "",
        "| nodes | edges | page MB | render (Python) s | first frame ms | search ms | filter ms "
        "| interactive ms (max) | vs smallest |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['nodes']} | {r['edges']} | {r['mb']:.1f} | {r['render_s']:.2f} | {r['ready']:.0f} | "
                     f"{r['search']:.0f} | {r['filter']:.0f} | {r['interactive']:.0f} ({r['interactive_max']:.0f}) "
                     f"| {r['interactive'] / base['interactive']:.2f}× |")
    big = rows[-1]
    verdict = "meets" if big["interactive_max"] < TARGET_MS else "MISSES"
    lines += [
        "",
        f"Target: a 5,000-node page interactive within {TARGET_MS / 1000:.0f} s — the slowest of the "
        f"{big['nodes']}-node loads took {big['interactive_max'] / 1000:.2f} s ({verdict} it). "
        "*first frame*: navigation start to vis-network's first drawn frame after all page script ran "
        "(positions are precomputed in Python, physics is off); *search*: from the Enter key event "
        "(after typing an official's name) to the next frame after it is selected, centred and "
        "highlighted; *filter*: from the click unticking Official in the legend to the next frame "
        "after the view refreshed (both timed by the page's own clock); *interactive* = first frame + "
        "search. Rerun: "
        "`.venv/bin/python bench/bench_viz.py`.",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace the "## Viz" section of docs/benchmarks.md, leaving the rest alone."""
    from benchdoc import replace_section

    replace_section("Viz", text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args()
    before = os.getloadavg()[0]
    rows = run(sorted(args.sizes), args.runs)
    text = table(rows, args.runs, (before, os.getloadavg()[0]))
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"wrote the Viz section of {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
