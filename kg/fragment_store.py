"""The resolution fragments of the previous builds, by cache key: what lets a re-run skip step one
of resolution (``kg.resolve.article_fragment``) for every file it has seen.

Kept in ``DIR/.kg-state/fragments/`` as ``base.marshal`` plus ``delta-NNNN.marshal`` files: a build
appends one delta with the fragments it made, so a re-run that adds 100 articles to 20,000 writes
100 articles' worth, not 20,000. When the deltas and the entries no input uses any more reach a
quarter of the base, the next save writes a new base and drops the deltas. Each file is
``marshal`` data of builtin types (fast to load; tied to the Python version, which is part of the
fingerprint) written to a temp file and renamed. It is a cache: a file that is missing, unreadable
or made by other code is ignored, and the fragments are made again from the record cache.
"""
from __future__ import annotations

import contextlib
import marshal
import os
import sys
from pathlib import Path

COMPACT_SHARE = 0.25
CHUNK_UNITS = 500

Unit = tuple  # (errors: ((line, reason), …), fragments: ((line, Fragment.to_plain()), …))


class FragmentStore:
    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = f"{fingerprint}|{sys.version_info[:2]}|marshal{marshal.version}"
        self.units: dict[str, Unit] = {}
        self.base_size = 0
        self.delta_size = 0
        self.deltas: list[Path] = []

    def load(self) -> dict[str, Unit]:
        """Every unit of the base and the deltas (later files win); empty when there is nothing usable."""
        self.units = {}
        base = self.folder / "base.marshal"
        loaded = self._read(base)
        if loaded is None:
            return self.units
        self.units.update(loaded)
        self.base_size = len(loaded)
        self.deltas = sorted(self.folder.glob("delta-*.marshal"))
        for delta in self.deltas:
            more = self._read(delta)
            if more is not None:
                self.units.update(more)
                self.delta_size += len(more)
        return self.units

    def _read(self, path: Path) -> dict | None:
        """A file is the fingerprint and chunks of units, each marshalled apart (the fingerprint is
        checked before anything big is loaded)."""
        try:
            fp, chunks = marshal.loads(path.read_bytes())
            if fp != self.fingerprint:
                return None
            units: dict = {}
            for chunk in chunks:
                units.update(marshal.loads(chunk))
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return units

    def save(self, used: dict[str, Unit], made: set[str]) -> None:
        """Record this build's units: ``used`` (every unit of the inputs), ``made`` (keys made now)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stale = sum(1 for k in self.units if k not in used)
        if not self.base_size or (stale + self.delta_size + len(made)) > COMPACT_SHARE * self.base_size:
            self._write(self.folder / "base.marshal", used)
            for delta in self.deltas:
                with contextlib.suppress(OSError):
                    delta.unlink()
            self.deltas, self.base_size, self.delta_size = [], len(used), 0
            return
        if made:
            n = int(self.deltas[-1].stem.split("-")[1]) + 1 if self.deltas else 1
            path = self.folder / f"delta-{n:04d}.marshal"
            self._write(path, {k: used[k] for k in made})
            self.deltas.append(path)
            self.delta_size += len(made)

    def _write(self, path: Path, units: dict[str, Unit]) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        items = list(units.items())
        chunks = [marshal.dumps(dict(items[i:i + CHUNK_UNITS])) for i in range(0, len(items), CHUNK_UNITS)]
        tmp.write_bytes(marshal.dumps((self.fingerprint, chunks)))
        os.replace(tmp, path)
