"""Staging and publishing ``kg build``'s outputs: all of them or none, one build at a time.

    write_outputs(graph, "out")        # every writer of kg.writers.WRITERS, then publish

Each writer writes into a private staging folder inside ``DIR`` (graph.json and graph.html in a
forked child, alongside the others). Only when every writer has finished are the outputs moved into
place (``os.replace`` for files; folders such as the Oxigraph store live under ``DIR/.stores`` and
``DIR/store`` is a symlink switched in one step), then the indexes that describe them. A failed or
interrupted build leaves the previous outputs as they were; replaced files are freed in the
background; a second build into the same folder is refused while one runs.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

from kg.graph import Graph
from kg.writers import ALONGSIDE, OUTPUT_NAMES, STATE_DIR, WRITERS, Outputs, Writer, writers_for

# ------------------------------------------------------------------------------ atomic publish

def _publish_dir(staged: Path, target: Path, trash: Path | None = None) -> None:
    """Make ``target`` (a symlink) point at a new folder under ``target.parent/.stores`` in one step;
    earlier folders go to ``trash`` (deleted in the background) or are deleted now."""
    root = target.parent
    stores = root / ".stores"
    stores.mkdir(exist_ok=True)
    final = Path(tempfile.mkdtemp(prefix=f"{target.name}-", dir=stores))
    final.rmdir()
    os.replace(staged, final)
    if target.exists() and not target.is_symlink():  # a real folder from elsewhere: move it aside first
        aside = Path(tempfile.mkdtemp(prefix=f"{target.name}-old-", dir=stores))
        aside.rmdir()
        os.replace(target, aside)
    link = root / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(final.relative_to(root))
    os.replace(link, target)
    live = target.resolve()
    for old in stores.iterdir():  # earlier stores (a server that still has one open keeps its files)
        if old.name.startswith(f"{target.name}-") and old.resolve() != live:
            try:
                if trash is None:
                    raise OSError
                trash.mkdir(parents=True, exist_ok=True)
                os.replace(old, trash / old.name)
            except OSError:  # no trash, or a previous build's rm emptied it meanwhile
                shutil.rmtree(old, ignore_errors=True)


TRASH_DIR = ".kg-trash"  # replaced outputs, deleted in the background (freeing gigabytes takes seconds)


def _to_trash(target: Path, trash: Path) -> None:
    """Keep a hard link to the file ``target`` in ``trash``, so replacing it frees nothing now."""
    if target.is_file() and not target.is_symlink():
        with contextlib.suppress(OSError):
            trash.mkdir(parents=True, exist_ok=True)
            os.link(target, trash / target.name)


def _empty_trash(trash: Path) -> None:
    """Delete ``trash`` in a detached ``rm`` (the build does not wait for the disk to free up)."""
    import subprocess

    if not trash.exists():
        return
    try:
        subprocess.Popen(["rm", "-rf", "--", str(trash)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)


def _run_writer(name, writer: Writer, outputs: Outputs, staging: Path) -> None:
    started = time.perf_counter()
    writer(outputs, staging / (_names(name) or ("rdf",))[0])  # (an RDF writer publishing no file: the store's parts)
    label = _names(name)[0] if isinstance(name, str) else "graph files"
    outputs.stats.setdefault("seconds", {})[label] = round(time.perf_counter() - started, 2)


def _fork_writers(writers: list, outputs: Outputs, staging: Path) -> int | None:
    """Run ``writers`` in a forked child, alongside the others (each only reads the graph and writes
    its own files; their indexes and stats go to files in the staging folder). Not when other
    threads run (forking them is unsafe), nor where fork is missing or ``ZHENGWU_KG_NO_FORK`` is set."""
    import threading

    if not hasattr(os, "fork") or threading.active_count() > 1 or os.environ.get("ZHENGWU_KG_NO_FORK"):
        return None
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        import signal

        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent stops this child with SIGTERM
        outputs.indexes, outputs.stats = {}, {}
        for name, writer in writers:
            _run_writer(name, writer, outputs, staging)
        state = staging / STATE_DIR
        state.mkdir(exist_ok=True)
        for name, index in outputs.indexes.items():
            index.save(state / f"{name}.idx")
        (state / "alongside.json").write_text(json.dumps(outputs.stats), encoding="utf-8")
        status = 0
    except BaseException as exc:  # reported by the parent
        with contextlib.suppress(Exception):
            (staging / ".alongside.error").write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
    finally:
        os._exit(status)


def _wait_writers(pid: int, staging: Path, outputs: Outputs) -> None:
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        error = staging / ".alongside.error"
        reason = error.read_text(encoding="utf-8") if error.exists() else f"exit status {code}"
        raise OSError(f"writing {', '.join(sorted(ALONGSIDE))} failed: {reason}")
    done = staging / STATE_DIR / "alongside.json"
    stats = json.loads(done.read_text(encoding="utf-8"))
    done.unlink()
    seconds = stats.pop("seconds", {})
    outputs.stats.update(stats)
    outputs.stats.setdefault("seconds", {}).update({f"{k} (alongside)": v for k, v in seconds.items()})


def _names(name: str | tuple[str, ...]) -> tuple[str, ...]:
    return (name,) if isinstance(name, str) else tuple(name)


def write_outputs(graph: Graph, out_dir: str | os.PathLike[str], writers: list[tuple[str | tuple[str, ...], Writer]]
                  | None = None, *, extra: Callable[[Outputs, Path], list[str]] | None = None,
                  stats: dict | None = None, formats: frozenset[str] | None = None) -> list[Path]:
    """Run every writer into a staging folder inside ``out_dir``, then move each output into place.

    Blocks of objects that did not change since the previous build in ``out_dir`` are copied from
    its files (kg/blocks.py); the store is patched rather than reloaded when little changed.
    ``extra(outputs, staging)`` may write more files into the staging folder (``kg build`` writes
    records.jsonl so); it returns their names. ``stats`` receives counts of what was made and copied.
    First the officials' co-attendance measures are set on the graph (``Node.measures``,
    :func:`kg.measures.annotate`): graph.json holds them.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    drop: list[str] = []
    if formats is not None:  # kg build --formats: only these outputs; those of other formats go
        writers = writers_for(formats) if writers is None else writers
        drop = [n for n in OUTPUT_NAMES if n not in formats]
    with output_lock(out_dir):
        return _write_outputs(graph, out_dir, writers, extra, stats, drop)


LOCK_FILE = ".kg-build.lock"
_held_locks: set[int] = set()  # descriptors of the output locks this process holds


def _drop_locks_in_child() -> None:
    """In a forked child: let go of the parent's build locks. An ``flock`` belongs to the open file,
    which fork shares, so a child still writing (graph.html, alongside) after its parent was killed
    would keep the folder locked and the rerun would be refused. Each descriptor is pointed at
    /dev/null (its number stays valid for the file object that owns it); the parent keeps its lock."""
    if not _held_locks:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        for fd in _held_locks:
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    finally:
        os.close(null)
        _held_locks.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_locks_in_child)


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """One build at a time writes into a folder (a second one gets a clear error, not a mix).

    The lock is the kernel's ``flock`` on ``DIR/.kg-build.lock``: released when the holder exits,
    however it dies, and never held by forked children (:func:`_drop_locks_in_child`). The file
    holds the owner's pid, named in the error a second build gets.
    """
    import fcntl

    fd = os.open(out_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    with os.fdopen(fd, "r+", encoding="ascii", errors="replace") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = fh.read(32).strip()
            who = f" (pid {owner})" if owner.isdigit() else ""
            raise BuildBusy(f"{out_dir}: another kg build{who} is writing its outputs; try again when it is done") from None
        _held_locks.add(fh.fileno())
        try:
            fh.truncate(0)
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            yield
        finally:
            _held_locks.discard(fh.fileno())


class BuildBusy(ValueError):
    """Another build holds the output folder."""


def _write_outputs(graph: Graph, out_dir: Path, writers, extra, stats, drop: list[str] = ()) -> list[Path]:
    from kg.measures import annotate

    _clean_staging(out_dir)
    started = time.perf_counter()
    if isinstance(graph, Graph):  # (a partitioned graph's view has them from kg/partitioned.py)
        annotate(graph)  # the officials' network measures, written with them into graph.json (kg/measures.py)
    outputs = Outputs(graph, out_dir)
    outputs.stats.setdefault("seconds", {})["network measures"] = round(time.perf_counter() - started, 2)
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir))
    outputs.staging = staging
    writers = writers if writers is not None else WRITERS
    names: list[str] = []
    written: list[Path] = []
    child: int | None = None
    try:
        alongside = [(n, w) for n, w in writers if n in ALONGSIDE]
        if alongside:
            child = _fork_writers(alongside, outputs, staging)
        for name, writer in writers if child is None else [w for w in writers if w[0] not in ALONGSIDE]:
            _run_writer(name, writer, outputs, staging)
        for name, _ in writers:
            names += _names(name)
        if child is not None:
            pid, child = child, None
            _wait_writers(pid, staging, outputs)
        if extra is not None:
            names += extra(outputs, staging)
        build_id = os.path.basename(staging)
        state = staging / STATE_DIR
        state.mkdir(exist_ok=True)
        for name, index in outputs.indexes.items():
            index.save(state / f"{name}.idx")
        (out_dir / STATE_DIR).mkdir(exist_ok=True)
        trash = out_dir / TRASH_DIR / build_id
        for name in names:
            staged, target = staging / name, out_dir / name
            if staged.is_dir():
                _publish_dir(staged, target, trash)
            else:
                _to_trash(target, trash)
                os.replace(staged, target)
            written.append(target)
        for name in drop:  # outputs of formats this build does not write would describe an older graph
            if name not in names and (out_dir / name).exists():
                trash.mkdir(parents=True, exist_ok=True)
                os.replace(out_dir / name, trash / name)  # (a folder too: the trash is emptied below)
        for f in sorted(state.iterdir()):  # indexes last: an index never describes files not yet in place
            if f.suffix == ".idx":
                os.replace(f, out_dir / STATE_DIR / f.name)
        _empty_trash(out_dir / TRASH_DIR)
    finally:
        if child is not None:  # a writer failed here: stop the child's
            import signal

            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGTERM)
                os.waitpid(child, 0)
        shutil.rmtree(staging, ignore_errors=True)
    if stats is not None:
        stats.update(outputs.stats)
    return written


def _clean_staging(out_dir: Path) -> None:
    """Staging folders a killed build left behind (never a published output)."""
    for p in out_dir.glob(".kg-build-*"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


