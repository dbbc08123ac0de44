"""The resolution fragments of the previous builds, by cache key: what lets a re-run skip step one
of resolution (``kg.resolve.article_fragment``) for every file it has seen.

Kept in ``DIR/.kg-state/fragments/`` as ``base.marshal`` plus ``delta-NNNN.marshal`` files: a build
appends one delta with the fragments it made, so a re-run that adds 100 articles to 20,000 writes
100 articles' worth, not 20,000. When the deltas and the entries no input uses any more reach a
quarter of the base, the next commit writes a new base and drops the deltas.

A file is a header record (format, fingerprint) then records of ``CHUNK_UNITS`` units, each
``(keys, marshal bytes of the units)``: opening the store reads every record once but keeps only
where each key is (file, offset); a unit is decoded when it is asked for (the last record decoded
is kept: units are asked for in input order, the order they were written in). So neither a build
nor a re-run holds the corpus's fragments — only their keys. Records are ``marshal`` data of builtin
types (fast; tied to the Python version, which is part of the fingerprint); files are written to a
temp name and renamed. It is a cache: a file that is missing, unreadable or made by other code is
ignored, and the fragments are made again from the record cache.
"""
from __future__ import annotations

import contextlib
import marshal
import os
import sys
from pathlib import Path
from typing import Iterable

COMPACT_SHARE = 0.25
CHUNK_UNITS = 500
FORMAT = "zhengwu-kg fragments 2"

Unit = tuple  # (errors: ((line, reason), …), fragments: ((line, Fragment.to_plain()), …))


class _Writer:
    """One file being written: the header, then records of CHUNK_UNITS units (temp name until done)."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.fh = open(self.tmp, "w+b")
        marshal.dump((FORMAT, fingerprint), self.fh)
        self.keys: list[str] = []
        self.units: list[Unit] = []
        self.count = 0

    def put(self, key: str, unit: Unit) -> tuple[list[str], int] | None:
        """Add a unit; when that fills a record: the record's keys and offset."""
        self.keys.append(key)
        self.units.append(unit)
        self.count += 1
        return self.flush() if len(self.keys) >= CHUNK_UNITS else None

    def flush(self) -> tuple[list[str], int] | None:
        """Write the pending units as one record: its keys and offset (None when nothing was pending)."""
        if not self.keys:
            return None
        keys = self.keys
        offset = self.fh.seek(0, os.SEEK_END)
        marshal.dump((tuple(keys), marshal.dumps(tuple(self.units))), self.fh)
        self.fh.flush()
        self.keys, self.units = [], []
        return keys, offset

    def finish(self) -> Path:
        self.flush()
        self.fh.close()
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.fh.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


class FragmentStore:
    """``open()``, then ``key in store`` / ``get(key)``; this build's units go in with ``put`` (after
    ``begin()``) and ``commit(used)`` keeps them for the next build."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = f"{fingerprint}|{sys.version_info[:2]}|marshal{marshal.version}"
        self.files: list[Path] = []  # file number → path (base, deltas, then this build's temp file)
        self.where: dict[str, tuple[int, int]] = {}  # key → (file number, record offset), later files win
        self.base_size = 0
        self.delta_size = 0
        self.deltas: list[Path] = []
        self._new: _Writer | None = None
        self._begun = False
        self._pending: dict[str, Unit] = {}  # put but not yet in a record
        self._decoded: tuple[tuple[int, int], dict[str, Unit]] | None = None

    # -------------------------------------------------------------------------------- reading

    def open(self) -> int:
        """Index the base and the deltas (nothing is kept but where each key is); how many units."""
        self.where, self.files, self.deltas = {}, [], []
        self.base_size = self.delta_size = 0
        base = self.folder / "base.marshal"
        n = self._index(base)
        if n is None:
            return 0
        self.base_size = n
        for delta in sorted(self.folder.glob("delta-*.marshal")):
            more = self._index(delta)
            if more is not None:
                self.deltas.append(delta)
                self.delta_size += more
        return len(self.where)

    def _index(self, path: Path) -> int | None:
        found: dict[str, tuple[int, int]] = {}
        number = len(self.files)
        try:
            with open(path, "rb") as fh:
                head = marshal.load(fh)
                if head != (FORMAT, self.fingerprint):
                    return None
                while True:
                    offset = fh.tell()
                    try:
                        keys, _ = marshal.load(fh)
                    except EOFError:
                        break
                    for k in keys:
                        found[k] = (number, offset)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        self.files.append(path)
        self.where.update(found)
        return len(found)

    def __contains__(self, key: str) -> bool:
        return key in self._pending or key in self.where

    def get(self, key: str) -> Unit | None:
        if key in self._pending:
            return self._pending[key]
        at = self.where.get(key)
        if at is None:
            return None
        if self._decoded is None or self._decoded[0] != at:
            with open(self.files[at[0]], "rb") as fh:
                fh.seek(at[1])
                keys, blob = marshal.load(fh)
            self._decoded = (at, dict(zip(keys, marshal.loads(blob))))
        return self._decoded[1].get(key)

    def load(self) -> dict[str, Unit]:
        """Every unit (later files win; empty when there is nothing usable) — small stores and tests."""
        self.open()
        return {k: self.get(k) for k in self.where}

    # -------------------------------------------------------------------------------- writing

    def begin(self) -> None:
        """Start this build's delta (a temp file, made at the first :meth:`put`, until :meth:`commit`)."""
        self._begun = True

    def _writer(self) -> _Writer:
        if self._new is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            n = int(self.deltas[-1].stem.split("-")[1]) + 1 if self.deltas else 1
            self._new = _Writer(self.folder / f"delta-{n:04d}.marshal", self.fingerprint)
            self.files.append(self._new.tmp)
        return self._new

    def put(self, key: str, unit: Unit) -> None:
        """A unit this build made (readable at once with :meth:`get`; held here only until its
        record is written)."""
        self._pending[key] = unit
        self._written(self._writer().put(key, unit))

    def _written(self, record: tuple[list[str], int] | None) -> None:
        if record is None:
            return
        keys, offset = record
        number = len(self.files) - 1  # this build's file is the last
        for k in keys:
            self.where[k] = (number, offset)
            self._pending.pop(k, None)

    def commit(self, used: Iterable[str]) -> None:
        """Keep this build's units for the next one: ``used`` are the keys of every input, in input
        order (those of files to extract again next time left out)."""
        if not self._begun:
            return
        self._begun = False
        w = self._writer()
        self._written(w.flush())
        used_keys = list(dict.fromkeys(used))
        made = w.count
        live = set(used_keys)
        stale = sum(1 for k in self.where if k not in live)
        if not self.base_size or (stale + self.delta_size + made) > COMPACT_SHARE * self.base_size:
            base = _Writer(self.folder / "base.marshal", self.fingerprint)
            try:
                for k in used_keys:
                    unit = self.get(k)
                    if unit is not None:
                        base.put(k, unit)
                base.finish()
            except BaseException:
                base.abort()
                raise
            w.abort()
            for delta in self.deltas:
                with contextlib.suppress(OSError):
                    delta.unlink()
        elif made:
            w.finish()
        else:
            w.abort()
        self._new = None
        self._pending = {}
        self.open()

    def abort(self) -> None:
        """Drop this build's delta (the store stays as it was)."""
        if self._new is not None:
            self._new.abort()
            self._new = None
        self._pending = {}
        self._begun = False

    def save(self, used: dict[str, Unit], made: set[str]) -> None:
        """Record a build's units at once: ``used`` (every unit of the inputs), ``made`` (keys made now)."""
        self.begin()
        for k in used:
            if k in made:
                self.put(k, used[k])
        self.commit(used)
