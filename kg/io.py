"""Writing outputs whole or not at all: write a temp file beside the target, then rename.

Output paths are checked before any work (:func:`check_output_file`, :func:`check_output_dir`),
so a mistyped ``-o`` costs one line on stderr, not a whole extraction.
"""
from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator


class OutputPathError(ValueError):
    """An output path that cannot be written; ``str()`` is ``"PATH: reason"``."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists (the folder that would be created in)."""
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _check_creatable(path: Path, label: str) -> None:
    """The folders up to ``path`` exist or can be made there, and the last existing one is writable."""
    base = _nearest_existing(path)
    if not base.is_dir():
        raise OutputPathError(f"{label}: cannot create it there: {base} is a file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputPathError(f"{label}: cannot write into {base}: permission denied")


def check_output_file(path: str | os.PathLike[str]) -> None:
    """Refuse an output file path that cannot be written (a folder, under a file, unwritable)."""
    target = Path(path)
    if target.is_dir():
        raise OutputPathError(f"{path}: is a folder; give a file name for the output")
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputPathError(f"{path}: cannot replace it: permission denied")
    _check_creatable(target.parent, str(path))


def check_output_dir(path: str | os.PathLike[str]) -> None:
    """Refuse an output folder path that cannot be used (a file, under a file, unwritable)."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputPathError(f"{path}: is a file, not a folder; give a folder for the outputs")
    _check_creatable(target, str(path))


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Yield a file handle; on success the file replaces ``path``, on error nothing changes.

    The file gets the mode ``open()`` would give it: an existing file's own mode, else
    ``0o666 & ~umask`` (``mkstemp`` alone makes it private, 0600).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        file_mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        file_mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None) as fh:
            os.fchmod(fh.fileno(), file_mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def dump_jsonl_line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
