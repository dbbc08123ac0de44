"""What a long build tells its user: a progress bar while extracting and a summary at the end.

The bar (tqdm, on stderr) counts articles extracted, with articles/s and an ETA; by default it shows
on a terminal only, and only once a build has run for two seconds. The summary says how many
articles were built (from the cache or extracted, by how many workers), which files were skipped
and why, the entities and relations by type, and where the time went.
"""
from __future__ import annotations

import sys
from collections import Counter
from typing import IO

MAX_SKIPPED_LISTED = 20


def progress_bar(total: int, enabled: bool | None = None, *, desc: str = "kg build: extracting",
                 file: IO[str] | None = None):
    """A tqdm bar over ``total`` articles; ``enabled=None`` means "if stderr is a terminal"."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: kg build forks a writer later (kg.writers.ALONGSIDE)

    file = file or sys.stderr
    if enabled is None:
        enabled = bool(getattr(file, "isatty", lambda: False)())
        delay = 2.0
    else:
        delay = 0.0
    return tqdm(total=total, unit="article", desc=desc, file=file, disable=not enabled, delay=delay,
                dynamic_ncols=True, smoothing=0.1, mininterval=0.5)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def summary_lines(result, prog: str = "kg build", out: str | None = None) -> list[str]:
    """The end-of-build summary, one line each (``result``: kg.build.BuildResult or ScaleResult)."""
    graph = result.graph
    nodes = Counter(n.type for n in graph.nodes.values())
    rels = Counter(e.type for e in graph.edges)
    stats = getattr(result, "stats", None)
    skipped = getattr(result, "skipped", None) or [(e, "") for e in result.errors]
    lines = []
    head = f"{result.articles} articles"
    if stats is not None:
        how = f"{stats.extracted_articles} extracted from {stats.extracted_files} files"
        if stats.extracted_files:
            how += f" by {stats.workers} {stats.backend} worker{'s' if stats.workers != 1 else ''}"
        head += f" ({how}, {stats.cached_files} files from the cache)"
    lines.append(head + f" in {result.seconds:.1f} s" + (f" → {out}" if out else ""))
    if stats is not None:
        rate = stats.extracted_articles / stats.seconds_extract if stats.seconds_extract > 0 else 0.0
        if stats.extracted_articles and stats.seconds_extract > stats.seconds_startup > 0:
            rate = stats.extracted_articles / (stats.seconds_extract - stats.seconds_startup)
        lines.append(f"time: reading and hashing {stats.seconds_plan:.1f} s, extraction {stats.seconds_extract:.1f} s"
                     + (f" (workers ready after {stats.seconds_startup:.1f} s; {rate:.1f} articles/s)"
                        if stats.extracted_articles else "")
                     + f", resolution {stats.seconds_resolve:.1f} s, outputs {stats.seconds_write:.1f} s")
        out = getattr(stats, "outputs", None) or {}
        if out.get("seconds"):
            made, copied = out.get("rdf objects made", 0), out.get("rdf objects copied", 0)
            store = (f"store patched ({out['store quads changed']} quads)" if "store quads changed" in out
                     else "store loaded")
            blocks = (f"{made} of {made + copied} RDF blocks made, the rest copied" if copied
                      else f"all {made} RDF blocks made")
            lines.append(f"outputs: {blocks}; {store}; "
                         + ", ".join(f"{k} {v:.1f} s" for k, v in out["seconds"].items()))
        if stats.worker_peak_rss:
            per = ", ".join(_mb(v) for _, v in sorted(stats.worker_peak_rss.items()))
            lines.append(f"peak memory: {per} per worker; {_mb(stats.main_peak_rss)} this process")
        if getattr(stats, "partitions", 0):
            lines.append(f"resolution: {stats.partitions} partitions; largest task process "
                         f"{_mb(stats.resolve_peak_rss)}; this process {_mb(stats.main_peak_rss)}")
    lines.append("entities: " + (", ".join(f"{v} {k}" for k, v in sorted(nodes.items())) or "none")
                 + f" ({sum(nodes.values())})")
    lines.append("relations: " + (", ".join(f"{v} {k}" for k, v in sorted(rels.items())) or "none")
                 + f" ({sum(rels.values())})")
    if skipped:
        lines.append(f"skipped {len(skipped)}:")
        for where, reason in skipped[:MAX_SKIPPED_LISTED]:
            lines.append(f"  {where}: {reason}" if reason else f"  {where}")
        if len(skipped) > MAX_SKIPPED_LISTED:
            lines.append(f"  … and {len(skipped) - MAX_SKIPPED_LISTED} more")
    return [f"{prog}: {line}" for line in lines]


def summary_text(result, prog: str = "kg build", out: str | None = None) -> str:
    return "\n".join(summary_lines(result, prog, out))
