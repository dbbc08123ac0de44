"""Files made of keyed blocks, rewritten by copying what did not change: incremental whole-file outputs.

Every output of ``kg build`` that is one big file (graph.json, graph.ttl, graph.nt, graph.trig,
graph.jsonld, records.jsonl, the N-Quads parts) is a header, then one *block* per object (article,
node, edge, record) in a fixed order, then a footer. Each block carries a *tag* (a digest of what it
was made from). The build keeps an index beside its outputs (``DIR/.kg-state/NAME.idx``): for each
key, its tag and where its block is (file, byte range). The next build writes the new file in
order; a block whose tag is unchanged is not made again but copied from the old file, and runs of
consecutive unchanged blocks are copied in one ``os.copy_file_range`` call (in the kernel, no
Python in the loop). So a re-run that adds 100 articles to 20,000 formats only the blocks of what
changed, and its output is byte for byte what a build from scratch writes.

An index is used only if every file it describes still has the size, modification time and inode it
had when the index was written; anything else (a file edited by hand, an interrupted publish) makes
the next build write that output from scratch.
"""
from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable

import numpy as np

INDEX_FORMAT = 5  # 4: entries as key digests and tags (Entries); 5: binary parts after a marshal header
BUFFER_BYTES = 128 * 1024  # a file's buffer is written out past this (or past its share of BUFFERS_TOTAL)
BUFFERS_TOTAL = 24 * 1024 * 1024  # every buffer of a block set together: 800 N-Quads parts hold 24 MB, not 800 × 512 blocks


def _array(kind: str, data: bytes) -> array:
    a = array(kind)
    a.frombytes(data)
    return a


def identity(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def key_digest(key: Hashable) -> bytes:
    """16 bytes standing for an object's key in an index (``repr``: the same bytes for equal keys of
    str, int and tuple in every process — ``marshal`` writes back-references for shared objects)."""
    return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=16).digest()


class Entries:
    """An index's objects, compactly: per ordinal the key's digest and the block's tag (16 bytes
    each), and the ordinals sorted by digest for lookups — 40 bytes an object instead of a dict
    entry holding the key's strings (about 450), which grew the build's memory with the corpus."""

    def __init__(self, digests: bytes | bytearray = b"", tags: bytes | bytearray = b"") -> None:
        self.digests, self.tags = digests, tags  # (not copied: a build's are tens of MB)
        self._order = self._sorted = None

    def __len__(self) -> int:
        return len(self.digests) // 16

    def _lookup_arrays(self):
        if self._order is None:
            d = np.frombuffer(self.digests, dtype="S16")
            self._order = np.argsort(d, kind="stable")
            self._sorted = d[self._order]
        return self._order, self._sorted

    def find(self, digest: bytes) -> int | None:
        """The ordinal of the object whose key has ``digest`` (None: not in the index)."""
        if not self.digests:
            return None
        order, ordered = self._lookup_arrays()
        i = int(np.searchsorted(ordered, digest))
        if i < len(ordered) and ordered[i] == digest:
            return int(order[i])
        return None

    def missing_from(self, other: "Entries") -> list[int]:
        """Ordinals of this index's objects whose keys ``other`` does not have (objects that went)."""
        if not self.digests:
            return []
        mine = np.frombuffer(self.digests, dtype="S16")
        theirs = np.frombuffer(other.digests, dtype="S16")
        return np.flatnonzero(~np.isin(mine, theirs)).tolist()


@dataclass
class Index:
    """Where each block of one output lives: ``entries`` (:class:`Entries`: each ordinal's key digest
    and tag); ``meta["arrays"]`` per stream: each ordinal's offset, size and line count;
    ``meta["part_of"]``: each ordinal's part."""

    entries: Entries = field(default_factory=Entries)
    files: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # file name → identity
    meta: dict = field(default_factory=dict)  # what else the output wants to remember

    def save(self, path: Path) -> None:
        """A ``marshal`` header (the format, the files, the small meta and the sizes of the binary
        parts), then the binary parts as they are in memory — the key digests, the tags, each
        stream's arrays, the parts — written without a copy; temp file then rename."""
        meta = dict(self.meta)
        arrays = meta.pop("arrays", {})
        part_of = meta.pop("part_of", None)
        blobs = [self.entries.digests, self.entries.tags]
        names = sorted(arrays)
        for k in names:
            blobs += list(arrays[k])
        if part_of is not None:
            blobs.append(part_of)
        sizes = [memoryview(b).nbytes for b in blobs]
        head = marshal.dumps((INDEX_FORMAT, self.files, meta, names, [len(arrays[k]) for k in names],
                              part_of is not None, sizes))
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(len(head).to_bytes(8, "little"))
            fh.write(head)
            for b in blobs:
                fh.write(b)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, root: Path) -> "Index | None":
        """The index at ``path`` if every file it names under ``root`` is as it was; else None."""
        try:
            with open(path, "rb") as fh:
                head = fh.read(int.from_bytes(fh.read(8), "little"))
                fmt, files, meta, names, counts, has_parts, sizes = marshal.loads(head)
                if fmt != INDEX_FORMAT:
                    return None
                for name, ident in files.items():
                    if identity(root / name) != ident:
                        return None
                blobs = [fh.read(n) for n in sizes]
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if any(len(b) != n for b, n in zip(blobs, sizes)):
            return None  # a truncated file
        digests, tags, rest = blobs[0], blobs[1], blobs[2:]
        meta["arrays"] = {}
        for k, n in zip(names, counts):
            meta["arrays"][k], rest = tuple(_array("q", b) for b in rest[:n]), rest[n:]
        if has_parts:
            meta["part_of"] = _array("h", rest[0])
        return cls(Entries(digests, tags), files, meta)


# ------------------------------------------------------------------------------ several files at once

class Stream:
    """One output file of a :class:`BlockSet` (or, with ``parts`` > 1, a file per part)."""

    def __init__(self, name: str, paths: list[Path], names: list[str], sep: bytes = b"") -> None:
        """``paths`` are written now; ``names`` are the same files relative to the output folder
        (where the next build finds them)."""
        self.name, self.paths, self.names, self.sep = name, paths, names, sep
        self.fds = [os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666) for p in paths]
        self.bufs: list[list[bytes]] = [[] for _ in paths]
        self.buffered = [0] * len(paths)  # bytes in each buffer
        self.lengths = [0] * len(paths)  # logical length of each file
        self.empty_section = [True] * len(paths)
        self.offsets = array("q")  # per new object: offset of its block in its file (−1: no block)
        self.sizes = array("q")
        self.counts = array("q")  # lines of the block (N-Quads: quads)


class BlockSet:
    """Files written from one sequence of keyed objects, sharing one index (``key → (tag, ordinal)``
    plus, per stream, each ordinal's offset, size and line count, and the part it went to).

    Unchanged objects (same tag) are not looked at again: consecutive ones form a *run* that is
    copied from each old file in one ``os.copy_file_range``; a changed object's blocks are made by
    ``make(stream name) -> bytes``. A stream with several parts puts each object in the part
    ``part_of(key)`` says; old parts are read from ``old_root``.
    """

    def __init__(self, streams: list[Stream], old: Index | None, old_root: Path | None,
                 part_of: Callable[[Hashable], int] | None = None) -> None:
        self.streams = streams
        files = sum(len(st.paths) for st in streams)  # all buffers together stay within BUFFERS_TOTAL
        self.buffer_bytes = max(16 * 1024, min(BUFFER_BYTES, BUFFERS_TOTAL // max(1, files)))
        self.old, self.old_root = old, old_root
        self.part_of = part_of
        self.digests = bytearray()  # per new object: its key's digest (key_digest)
        self.tags = bytearray()  # per new object: its tag
        self.parts = array("h")  # per new object: its part in multi-part streams
        self.n = 0
        self.run_start = -1  # first old ordinal of the pending run, or −1
        self.run_end = -1
        self.run_new = -1  # new ordinal of the run's first object
        self.sources: dict[str, int] = {}
        self.made = self.reused = 0
        o = old.meta if old is not None else {}
        self.old_arrays = o.get("arrays") or {}
        self.old_files: dict[str, list[str]] = o.get("stream_files") or {}
        self.old_part_of = o.get("part_of")
        self._np: dict[str, tuple] = {}

    # -------------------------------------------------------------------------------- writing

    def _flush(self, s: Stream, i: int) -> None:
        if s.bufs[i]:
            data = b"".join(s.bufs[i])
            view = memoryview(data)
            while view:
                view = view[os.write(s.fds[i], view):]
            s.bufs[i] = []
            s.buffered[i] = 0

    def _emit(self, s: Stream, i: int, data: bytes) -> None:
        s.bufs[i].append(data)
        s.lengths[i] += len(data)
        s.buffered[i] += len(data)
        if s.buffered[i] > self.buffer_bytes or len(s.bufs[i]) > 512:
            self._flush(s, i)

    def _copy(self, s: Stream, i: int, src_name: str, start: int, end: int) -> None:
        self._flush(s, i)
        fd = self.sources.get(src_name)
        if fd is None:
            fd = self.sources[src_name] = os.open(self.old_root / src_name, os.O_RDONLY)
        offset, remaining = start, end - start
        while remaining:
            try:
                n = os.copy_file_range(fd, s.fds[i], remaining, offset)
            except OSError:
                n = len(data := os.pread(fd, min(remaining, 1 << 24), offset))
                os.write(s.fds[i], data)
            if n <= 0:
                raise OSError(f"{self.old_root / src_name}: shorter than its index says")
            offset += n
            remaining -= n
        s.lengths[i] += end - start

    def literal(self, data: bytes, stream: str | None = None) -> None:
        """Fixed bytes in every file of every stream, or only of ``stream`` (ends the pending run)."""
        self._end_run()
        for s in self.streams:
            if stream is None or s.name == stream:
                for i in range(len(s.paths)):
                    self._emit(s, i, data)

    def section(self) -> None:
        self._end_run()
        for s in self.streams:
            s.empty_section = [True] * len(s.paths)

    def _end_run(self) -> None:
        """Copy the pending run of unchanged objects from every old file (numpy for the bookkeeping:
        a run is often thousands of objects long)."""
        if self.run_start < 0:
            return
        o0, o1, new0 = self.run_start, self.run_end + 1, self.run_new
        for s in self.streams:
            old_off, old_size, old_cnt = self._old_np(s.name)
            seg_off, seg_size = old_off[o0:o1], old_size[o0:o1]
            full = seg_size > 0
            new_off = np.full(o1 - o0, -1, dtype=np.int64)
            if len(s.paths) > 1:
                # (a view of a copied slice: a view of self.parts itself would pin its buffer, and the
                # next append fails with BufferError while anything — a profiler, a traceback —
                # still holds this frame)
                seg_parts = np.frombuffer(self.parts[new0:new0 + (o1 - o0)], dtype=np.int16)
                groups = [(int(p), full & (seg_parts == p)) for p in np.unique(seg_parts[full])]
            else:
                groups = [(0, full)] if full.any() else []
            for part, mask in groups:
                idx = np.flatnonzero(mask)
                start = int(seg_off[idx[0]])
                end = int(seg_off[idx[-1]] + seg_size[idx[-1]])
                if not s.empty_section[part]:
                    self._emit(s, part, s.sep)
                new_off[idx] = seg_off[idx] - start + s.lengths[part]
                self._copy(s, part, self.old_files[s.name][part], start, end)
                s.empty_section[part] = False
            s.offsets.frombytes(new_off.tobytes())
            s.sizes.frombytes(np.maximum(seg_size, 0).astype(np.int64).tobytes())
            s.counts.frombytes(np.asarray(old_cnt[o0:o1], dtype=np.int64).tobytes())
        self.run_start = self.run_end = self.run_new = -1

    def _old_np(self, stream: str):
        arrays = self._np.get(stream)
        if arrays is None:
            arrays = self._np[stream] = tuple(np.frombuffer(a, dtype=np.int64) for a in self.old_arrays[stream])
        return arrays

    def add(self, key: Hashable, tag: bytes, make: Callable[[str], bytes]) -> bool:
        """One object; returns True when its blocks were made (it changed), False when copied. In a
        multi-part stream an object the old index has stays in its part; a new one goes to
        ``part_of(key)``."""
        if len(tag) != 16:
            raise ValueError(f"a block's tag is 16 bytes (a blake2b digest), not {len(tag)}")
        digest = key_digest(key)
        o = self.old.entries.find(digest) if self.old is not None else None
        if not self.part_of:
            part = 0
        elif o is not None and self.old_part_of is not None:
            part = self.old_part_of[o]
        else:
            part = self.part_of(key)
        self.parts.append(part)
        new = self.n
        self.n += 1
        self.digests += digest
        self.tags += tag
        if o is not None and self.old.entries.tags[16 * o:16 * o + 16] == tag:
            if self.run_start >= 0 and o == self.run_end + 1:
                self.run_end = o
            else:
                self._end_run()
                self.run_start = self.run_end = o
                self.run_new = new
            self.reused += 1
            return False
        self._end_run()
        self.made += 1
        for s in self.streams:
            p = part if len(s.paths) > 1 else 0
            data = make(s.name)
            if not data:
                s.offsets.append(-1)
                s.sizes.append(0)
                s.counts.append(0)
                continue
            if not s.empty_section[p]:
                self._emit(s, p, s.sep)
            s.offsets.append(s.lengths[p])
            s.sizes.append(len(data))
            s.counts.append(data.count(b"\n"))
            self._emit(s, p, data)
            s.empty_section[p] = False
        return True

    def close(self) -> None:
        try:
            self._end_run()
            for s in self.streams:
                for i in range(len(s.paths)):
                    self._flush(s, i)
        finally:
            self.abort()

    def abort(self) -> None:
        for s in self.streams:
            for fd in s.fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            s.fds = []
        for fd in self.sources.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self.sources.clear()

    def index(self, **meta) -> Index:
        """The new index (the caller fills in the files' identities once they are final)."""
        return Index(Entries(self.digests, self.tags), {}, {"arrays": {s.name: (s.offsets, s.sizes, s.counts) for s in self.streams},
                                     "stream_files": {s.name: list(s.names) for s in self.streams},
                                     "part_of": self.parts, **meta})

    def removed(self) -> list[int]:
        """Old ordinals of the objects this build no longer has (after :meth:`close`)."""
        return self.old.entries.missing_from(Entries(self.digests, self.tags)) if self.old is not None else []

    def old_block(self, key: Hashable | int, stream: str) -> bytes | None:
        """The previous bytes of the block of ``key`` (or of an old ordinal) in ``stream`` (None: no
        such object)."""
        if self.old is None:
            return None
        o = key if isinstance(key, int) else self.old.entries.find(key_digest(key))
        if o is None:
            return None
        off, size, _ = self.old_arrays[stream]
        if size[o] <= 0:
            return b""
        files = self.old_files[stream]
        name = files[self.old_part_of[o]] if len(files) > 1 else files[0]
        with (self.old_root / name).open("rb") as fh:
            fh.seek(off[o])
            return fh.read(size[o])
