"""N-Quads shards for bulk loaders: ``DIR/nquads/part-0000.nq`` … plus ``manifest.json``.

The whole dataset (default graph + one named graph per article, as in ``graph.trig``) is streamed
out of the build's Oxigraph store into parts of at most ``part_quads`` quads each, one part at a
time: a part is serialised to a temp file and renamed, so memory holds no more than the store
already does and no part is ever half-written. ``kg build`` stages the folder with its other
outputs and publishes it in one step (the ``DIR/nquads`` symlink switch of ``kg.build``), so a
loader sees the previous complete set or the new complete set. The store's order is a function of
its content, so the same graph gives byte-identical parts on every run and with any ``--workers``.

Load them with e.g. ``oxigraph load --location DB --file DIR/nquads/*.nq``, Jena's
``tdb2.tdbloader --loc DB DIR/nquads/*.nq`` or any loader that takes N-Quads files in parallel.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
from pathlib import Path

PART_QUADS_ENV = "ZHENGWU_KG_NQUADS_PART_QUADS"
DEFAULT_PART_QUADS = 500_000


def part_quads_default() -> int:
    value = os.environ.get(PART_QUADS_ENV)
    return max(1, int(value)) if value else DEFAULT_PART_QUADS


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_nquads_parts(store, folder: Path, part_quads: int | None = None) -> list[dict]:
    """Write every quad of a pyoxigraph ``store`` into ``folder/part-NNNN.nq``; returns the manifest."""
    import pyoxigraph as ox

    part_quads = part_quads or part_quads_default()
    folder.mkdir(parents=True, exist_ok=True)
    quads = iter(store.quads_for_pattern(None, None, None, None))
    parts: list[dict] = []
    while (first := next(quads, None)) is not None:
        count = 0

        def chunk():  # one part's quads, streamed straight into the serialiser
            nonlocal count
            for q in itertools.chain([first], itertools.islice(quads, part_quads - 1)):
                count += 1
                yield q

        name = f"part-{len(parts):04d}.nq"
        tmp = folder / f".{name}.tmp"
        ox.serialize(chunk(), str(tmp), format=ox.RdfFormat.N_QUADS)
        os.replace(tmp, folder / name)
        parts.append({"file": name, "quads": count, "sha256": _sha256(folder / name)})
    manifest = {"format": "application/n-quads", "parts": parts, "quads": sum(p["quads"] for p in parts)}
    tmp = folder / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, folder / "manifest.json")
    return parts


def write_nquads(out, path: Path) -> None:
    """``kg build`` writer (see ``kg.build.WRITERS``): the shards of the build's dataset."""
    write_nquads_parts(out.ox, path)
